import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { parseJsConf } from './js-conf.js';
import { JsComputer } from './js-computer.js';
import { startManagementServer, type ManagementServer } from './management-server.js';

let computer: JsComputer;
let server: ManagementServer;
let base: string;

before(async () => {
  computer = new JsComputer('computer@mgmt', parseJsConf('prewarm=0'), [], 0);
  server = await startManagementServer(computer, '127.0.0.1:0');
  base = `http://${server.endpoint}/functions`;
});
after(async () => {
  await server.stop();
  await computer.stop();
});

async function call(method: string, path: string, body?: string, type = 'application/json') {
  const res = await fetch(`${base}${path}`, { method, body, headers: { 'content-type': type } });
  return { status: res.status, body: (await res.json()) as unknown };
}

test('PUT deploys source or an OpenWhisk action, GET lists and shows, DELETE removes', async () => {
  const raw = await call('PUT', '/plain', 'function main() { return {}; }', 'application/javascript');
  assert.equal(raw.status, 200);
  const action = await call(
    'PUT',
    '/wsk',
    JSON.stringify({
      namespace: 'guest',
      name: 'wsk',
      exec: { kind: 'nodejs:20', code: 'function go(p) { return p; }', main: 'go' },
      limits: { timeout: 3000, memory: 128, logs: 10 },
      parameters: [{ key: 'k', value: 1 }],
      annotations: [],
    }),
  );
  assert.equal(action.status, 200);
  assert.deepEqual(action.body, {
    name: 'wsk',
    main: 'go',
    limits: { timeout: 3000, memory: 128 },
    maxContainers: 4,
    cold: 0,
    warm: 0,
    failures: 0,
    containers: 0,
    idle: 0,
    waiting: 0,
  });
  const list = await call('GET', '');
  assert.deepEqual(
    (list.body as { name: string }[]).map((f) => f.name),
    ['plain', 'wsk'],
  );
  assert.deepEqual(
    computer.containers().map((c) => c.lambda),
    ['plain', 'wsk'],
  );
  assert.equal((await call('DELETE', '/plain')).status, 200);
  assert.deepEqual(await call('GET', '/plain'), { status: 404, body: { error: 'no function plain' } });
  assert.deepEqual(await call('DELETE', '/plain'), { status: 404, body: { error: 'no function plain' } });
});

test('bad deployments are a 400 naming the field; other methods and paths a 405 or 404', async () => {
  const cases: [string, string, string][] = [
    [
      '/x',
      '{"exec": {"code": "function main() {}"}, "limits": {"timeout": 0}}',
      'body: limits.timeout: expected an integer >= 1, found 0',
    ],
    [
      '/x',
      '{"exec": {"code": "function main() {}"}, "limits": {"memory": 16}}',
      'body: limits.memory: expected an integer >= 64, found 16',
    ],
    [
      '/x',
      '{"exec": {"code": "function main() {}"}, "limits": {"cpu": 1}}',
      'body: limits: unknown key cpu (known: timeout, memory, logs, concurrency)',
    ],
    [
      '/x',
      '{"exec": {"kind": "python:3", "code": "def main(): pass"}}',
      'exec.kind: "python:3" is not a Node.js kind (nodejs:…)',
    ],
    ['/x', '{"exec": {"code": "UEsDBA==", "binary": true}}', 'exec.binary: zip actions are not supported'],
    ['/x', '{"limits": {}}', 'exec: expected an object with the code'],
    ['/x', '{', "the body is not JSON: Expected property name or '}' in JSON at position 1"],
    [
      '/bad%20name',
      '{"exec": {"code": "function main() {}"}}',
      'invalid function name "bad name": letters, digits, _ @ . - (at most 256)',
    ],
  ];
  for (const [path, body, error] of cases)
    assert.deepEqual(await call('PUT', path, body), { status: 400, body: { error } });
  assert.deepEqual(await call('POST', ''), { status: 405, body: { error: 'POST /functions: use GET' } });
  assert.deepEqual(await call('POST', '/x'), {
    status: 405,
    body: { error: 'POST /functions/x: use GET, PUT or DELETE' },
  });
  const other = await fetch(`http://${server.endpoint}/other`);
  assert.deepEqual(
    { status: other.status, body: (await other.json()) as unknown },
    { status: 404, body: { error: 'no such resource: /other' } },
  );
});
