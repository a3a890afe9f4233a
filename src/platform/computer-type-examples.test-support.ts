import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeFaas } from './http/fake-faas.test-support.js';

/**
 * How the computer-type contract (computer-type.contract.test.ts) starts one computer of each registered
 * type: its settings, a lambda it serves with an input and the output expected, and the retcode of a lambda
 * it does not serve. A type registered without an example fails the contract: add one here.
 */
export interface ComputerTypeExample {
  /** The settings the type is started with (see ComputerTypeOptions.settings). */
  settings: Record<string, string>;
  /** A lambda the computer serves, an input and the output it answers. */
  lambda: string;
  input: string;
  output: string;
  /** The retcode of a call to `lambda`, which the computer named `computer` does not serve. */
  unknownRetcode(lambda: string, computer: string): string;
  /** Releases what the example set up (folders, servers), after the computer stopped. */
  cleanup?(): Promise<void>;
}

/** Example makers by computer type name. */
export const COMPUTER_TYPE_EXAMPLES: Record<string, () => Promise<ComputerTypeExample>> = {
  sim: () =>
    Promise.resolve({
      settings: { conf: 'type=raspberry' },
      lambda: 'clambda0',
      input: 'hello',
      output: 'hello',
      unknownRetcode: (lambda, computer) => `No container for lambda ${lambda} found in computer ${computer}`,
    }),
  js: () => {
    const dir = mkdtempSync(join(tmpdir(), 'soe-js-example-'));
    writeFileSync(join(dir, 'echo.js'), 'function main(params) { return params; }\n');
    return Promise.resolve({
      settings: { functions: dir, 'js-conf': 'containers=1' },
      lambda: 'echo',
      input: '{"hello":"world"}',
      output: '{"hello":"world"}',
      unknownRetcode: (lambda, computer) => `No container for lambda ${lambda} found in computer ${computer}`,
      cleanup: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    });
  },
  facerec: () =>
    Promise.resolve({
      settings: { 'num-threads': '1' },
      lambda: 'clambda0',
      input: 'hello',
      output: '',
      unknownRetcode: (lambda) => `Unsupported lambda: ${lambda} (supported lambdas: eyerec0,facerec0)`,
    }),
  http: async () => {
    const faas = await FakeFaas.start((req) => ({ status: 200, body: req.body }));
    const dir = mkdtempSync(join(tmpdir(), 'soe-http-example-'));
    const functions = join(dir, 'functions.json');
    writeFileSync(functions, JSON.stringify({ echo: `${faas.url}echo` }));
    return {
      settings: { 'http-conf': `type=generic,functions=${functions}` },
      lambda: 'echo',
      input: '{"hello":"world"}',
      output: '{"hello":"world"}',
      unknownRetcode: (lambda) => `unknown function: ${lambda}`,
      async cleanup() {
        await faas.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};
