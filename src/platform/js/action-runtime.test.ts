import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { ActionRuntime } from './action-runtime.js';

const body = (a: { body: string }): unknown => JSON.parse(a.body);

test('OpenWhisk proxy contract: /init once, then /run; the errors of its Node runtime', async () => {
  const rt = new ActionRuntime(100);
  assert.deepEqual(await rt.run({ value: {} }), {
    status: 500,
    body: JSON.stringify({ error: 'Internal system error: the action is not initialized.' }),
  });
  assert.deepEqual(body(await rt.init({ value: { main: 'main' } })), {
    error: 'Missing main/no code to execute.',
  });
  const init = await rt.init({
    value: {
      name: 'a',
      main: 'main',
      code: 'function main(p) { return { p, env: process.env.GREETING }; }',
      binary: false,
      env: { GREETING: 'hi' },
    },
  });
  assert.deepEqual(init, { status: 200, body: '{"ok":true}' });
  assert.deepEqual(await rt.init({ value: { code: 'function main() {}' } }), {
    status: 403,
    body: JSON.stringify({ error: 'Cannot initialize the action more than once.' }),
  });
  assert.deepEqual(await rt.run({ value: { x: 1 }, activation_id: 'a1' }), {
    status: 200,
    body: '{"p":{"x":1},"env":"hi"}',
  });
  assert.equal(process.env.__OW_ACTIVATION_ID, 'a1');
  assert.deepEqual(body(await rt.run({ value: { x: 'y'.repeat(100) } })), {
    error: 'The action produced a response that exceeded the allowed length: 125 > 100 bytes.',
  });
  delete process.env.__OW_ACTIVATION_ID;
  delete process.env.GREETING;
});

test('runtime-main --http serves /init and /run as an OpenWhisk action container', async () => {
  const main = fileURLToPath(new URL('./runtime-main.js', import.meta.url));
  const child = spawn(process.execPath, [main, '--http', '127.0.0.1:0'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const [line] = (await once(createInterface({ input: child.stdout }), 'line')) as [string];
    const endpoint = /^listening on (\S+)$/.exec(line)![1]!;
    const post = async (path: string, json: unknown) => {
      const res = await fetch(`http://${endpoint}${path}`, { method: 'POST', body: JSON.stringify(json) });
      return [res.status, await res.json()] as const;
    };
    assert.deepEqual(
      await post('/init', {
        value: { name: 'add', main: 'main', code: 'exports.main = ({ a, b }) => ({ sum: a + b });' },
      }),
      [200, { ok: true }],
    );
    assert.deepEqual(await post('/run', { value: { a: 2, b: 3 }, activation_id: 'x' }), [200, { sum: 5 }]);
    assert.deepEqual(await post('/nope', {}), [404, { error: 'Not found: POST /init or /run' }]);
  } finally {
    child.kill();
  }
});
