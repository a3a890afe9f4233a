import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { test } from 'node:test';
import { STOP_ON_STDIN_CLOSE, stopOnStdinClose } from './stop-on-stdin-close.js';

const MODULE = new URL('./stop-on-stdin-close.js', import.meta.url).href;

/** Runs `script` (ESM, with `stopOnStdinClose` imported) in a child whose standard input is a pipe. */
function child(script: string, env: NodeJS.ProcessEnv) {
  const source = `import { stopOnStdinClose } from ${JSON.stringify(MODULE)};\n${script}`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', source], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  const closed = once(proc, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  const output = (): string => out;
  /** Resolves once the output holds `text`. */
  const printed = (text: string): Promise<void> =>
    new Promise((resolve) => {
      const check = (): void => {
        if (!out.includes(text)) return;
        proc.stdout.off('data', check);
        resolve();
      };
      proc.stdout.on('data', check);
      check();
    });
  return { proc, closed, output, printed };
}

test('with the variable set, closing standard input sends the process SIGTERM', async () => {
  const c = child(
    'process.stdout.write(`${stopOnStdinClose()} ${process.env.SOE_STOP_ON_STDIN_CLOSE}\\n`);\n' +
      "process.on('SIGTERM', () => { process.stdout.write('SIGTERM\\n'); process.exit(0); });\n" +
      'setInterval(() => {}, 1000);\n',
    { [STOP_ON_STDIN_CLOSE]: '1' },
  );
  await c.printed('\n');
  c.proc.stdin.end();
  assert.deepEqual(await c.closed, [0, null]);
  assert.equal(
    c.output(),
    'true undefined\nSIGTERM\n',
    'watching, the variable no longer inherited, then SIGTERM',
  );
});

test('a process with nothing else to do ends by itself: the watch does not keep it alive', async () => {
  const c = child('process.stdout.write(`${stopOnStdinClose()}\\n`);\n', { [STOP_ON_STDIN_CLOSE]: '1' });
  assert.deepEqual(await c.closed, [0, null]);
  assert.equal(c.output(), 'true\n');
  c.proc.stdin.destroy();
});

test('without the variable (or with another value) nothing is watched', () => {
  assert.equal(stopOnStdinClose({}), false);
  const env = { [STOP_ON_STDIN_CLOSE]: 'yes' };
  assert.equal(stopOnStdinClose(env), false);
  assert.deepEqual(env, { [STOP_ON_STDIN_CLOSE]: 'yes' });
});
