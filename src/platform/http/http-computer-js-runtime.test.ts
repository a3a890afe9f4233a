import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { lambdaRequest } from '../../protocol/requests.js';
import { HttpComputer } from './http-computer.js';
import { parseHttpConf } from './http-conf.js';

/** The js computer's container entry point, which serves OpenWhisk's /init and /run with `--http`. */
const RUNTIME = fileURLToPath(new URL('../js/runtime-main.js', import.meta.url));

const ACTION = `function main(params) {
  if (params.fail) throw new Error('boom');
  return { twice: params.s + params.s };
}`;

test('a generic http computer runs a function of our own js runtime over HTTP (OpenWhisk /init, /run)', async () => {
  const child = spawn(process.execPath, [RUNTIME, '--http', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = ''; // the runtime logs the activations' errors there
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const dir = mkdtempSync(join(tmpdir(), 'soe-http-js-'));
  let computer: HttpComputer | undefined;
  try {
    const endpoint = await new Promise<string>((resolve, reject) => {
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
        const m = /listening on (\S+)\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.once('exit', (code) => reject(new Error(`the runtime exited (${code}): ${out}${stderr}`)));
    });
    const init = await fetch(`http://${endpoint}/init`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ value: { name: 'twice', main: 'main', code: ACTION } }),
    });
    assert.deepEqual([init.status, await init.text()], [200, '{"ok":true}']);

    const functions = join(dir, 'functions.json');
    writeFileSync(functions, JSON.stringify({ twice: `http://${endpoint}/run` }));
    computer = new HttpComputer('computer@test', parseHttpConf(`type=generic,functions=${functions}`), 0);
    const run = async (value: unknown): Promise<[string, string]> => {
      const res = await computer!.process(lambdaRequest({ name: 'twice', input: JSON.stringify({ value }) }));
      return [res.retcode, res.output];
    };
    assert.deepEqual(await run({ s: 'abc' }), ['OK', '{"twice":"abcabc"}']);
    assert.deepEqual(await run({ fail: true }), [
      'error HTTP response received (502): {"error":"An error has occurred: Error: boom"}',
      '',
    ]);
    assert.deepEqual(await run({ s: 'x' }), ['OK', '{"twice":"xx"}']);
  } finally {
    await computer?.stop();
    child.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
