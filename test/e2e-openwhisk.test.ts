/**
 * OpenWhisk in both directions (issue 15), judged by the official `openwhisk` npm client: processes of this
 * build (test/support/soe-of-this-build): wskproxy → router → js computer (actions created, invoked,
 * listed, deleted; activations; errors), and the chain openwhisk client → wskproxy → router →
 * edgecomputerwsk → wskproxy → router → js computer.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';
import openwhisk from 'openwhisk';
import { BIN_DIR, start, type Running } from './support/processes.js';

const SOE = relative(
  BIN_DIR,
  fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url)),
).replace(/\.js$/, '');

const KEY =
  '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';
const OTHER = 'aaaaaaaa-0000-0000-0000-000000000000:wrong';
const HELLO = "function main(p) { return { payload: 'Hello ' + (p.name || 'stranger') }; }";
const FAIL = "function main() { return { error: 'boom' }; }";

const dir = mkdtempSync(join(tmpdir(), 'soe-openwhisk-'));
const running: Running[] = [];
let edge = ''; // wskproxy in front of the js computer
let outer = ''; // wskproxy in front of edgecomputerwsk

function soe(args: string[]): Running {
  const proc = start(SOE, args);
  running.push(proc);
  return proc;
}

async function controller(): Promise<string> {
  const proc = soe(['controller', '--server-endpoint', '127.0.0.1:0', '--state-file', '']);
  return (await proc.waitFor(/controller listening on (\S+)/))[1]!;
}

async function router(ctrl: string): Promise<string> {
  const proc = soe([
    'router',
    ...['--server-endpoint', '127.0.0.1:0', '--configuration-endpoint', '127.0.0.1:0'],
    ...['--controller-endpoint', ctrl],
  ]);
  const endpoint = (await proc.waitFor(/listening on (\S+), configuration on/))[1]!;
  await proc.waitFor(/announced/);
  return endpoint;
}

async function wskproxy(args: string[]): Promise<string> {
  const proc = soe(['wskproxy', '--wsk-api-root', 'http://127.0.0.1:0', ...args]);
  return (await proc.waitFor(/wskproxy serving (\S+)\/api\/v1/))[1]!;
}

/** What the client's OpenWhiskError carries. */
interface OwError {
  statusCode: number;
  message: string;
  error: { error?: string; code?: string; response?: { status: string; result: unknown } };
}

/** The thrown value as the client's OpenWhiskError. */
const owError = (thrown: unknown): OwError => thrown as OwError;

const client = (apihost: string, key = KEY) => openwhisk({ apihost, api_key: key });

/** Retries `fn` while it fails with a 404 or 503 (the route not yet installed), at most 20 s. */
async function eventually<T>(fn: () => Promise<T>): Promise<T> {
  for (let i = 0; ; i++) {
    try {
      return await fn();
    } catch (err) {
      const code = (err as { statusCode?: number }).statusCode;
      if ((code !== 404 && code !== 503) || i >= 200) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

before(async () => {
  writeFileSync(join(dir, 'keys'), `# test keys\n${KEY}\n`);
  const ctrl = await controller();
  const js = soe([
    'computer',
    ...['--computer-type', 'js', '--server-endpoint', '127.0.0.1:0', '--utilization-endpoint', ''],
    ...['--management-endpoint', '127.0.0.1:0', '--controller-endpoint', ctrl],
  ]);
  const management = (await js.waitFor(/management API: http:\/\/(\S+)\/functions/))[1]!;
  const r = await router(ctrl);
  edge = await wskproxy([
    ...['--server-endpoint', r, '--auth-file', join(dir, 'keys'), '--management-endpoints', management],
  ]);
  const ctrl2 = await controller();
  const r2 = await router(ctrl2);
  soe([
    'computer-wsk',
    ...['--server-endpoint', '127.0.0.1:0', '--controller-endpoint', ctrl2],
    ...['--wsk-api-root', edge, '--wsk-auth', Buffer.from(KEY).toString('base64')],
  ]);
  outer = await wskproxy(['--server-endpoint', r2, '--no-auth']);
});

after(async () => {
  await Promise.all(running.map((p) => p.stop('SIGKILL')));
  rmSync(dir, { recursive: true, force: true });
});

test('actions: create, 409 on a second create, update, get, list', async () => {
  const ow = client(edge);
  const created = await ow.actions.create({ name: 'hello', action: HELLO, kind: 'nodejs:20' });
  assert.equal(created.name, 'hello');
  assert.equal(created.namespace, 'guest');
  assert.equal(created.version, '0.0.1');
  await assert.rejects(ow.actions.create({ name: 'hello', action: HELLO, kind: 'nodejs:20' }), (thrown) => {
    const err = owError(thrown);
    assert.equal(err.statusCode, 409);
    assert.equal(err.error.error, 'resource already exists');
    return true;
  });
  const updated = await ow.actions.update({ name: 'hello', action: HELLO, kind: 'nodejs:20' });
  assert.equal(updated.version, '0.0.2');
  const got = await ow.actions.get({ name: 'hello' });
  assert.equal((got.exec as { code?: string }).code, HELLO);
  const list = await ow.actions.list();
  assert.deepEqual(
    list.map((a) => [a.namespace, a.name]),
    [['guest', 'hello']],
  );
});

test('invoke blocking with result, non-blocking then activations.get', async () => {
  const ow = client(edge);
  const result = await eventually(() =>
    ow.actions.invoke({ name: 'hello', blocking: true, result: true, params: { name: 'edge' } }),
  );
  assert.deepEqual(result, { payload: 'Hello edge' });
  const record = await ow.actions.invoke({ name: 'hello', blocking: true, params: { name: 'x' } });
  assert.equal(record.response!.status, 'success');
  assert.equal(record.response!.statusCode, 0);
  assert.match(record.activationId, /^[0-9a-f]{32}$/);
  const { activationId } = await ow.actions.invoke({ name: 'hello', params: { name: 'later' } });
  assert.match(activationId, /^[0-9a-f]{32}$/);
  const activation = await eventually(() => ow.activations.get({ name: activationId }));
  assert.equal(activation.activationId, activationId);
  assert.deepEqual(activation.response!.result, { payload: 'Hello later' });
  const listed = await ow.activations.list({ name: 'hello' });
  assert.ok(listed.some((a) => a.activationId === activationId));
});

test("an activation's logs: what the action printed, through the router, also of a failing action", async () => {
  const ow = client(edge);
  const code =
    "function main(p) { console.log('hello', p.name); console.error('careful'); " +
    "if (p.fail) throw new Error('down'); return { ok: true }; }";
  await ow.actions.create({ name: 'chatty', action: code, kind: 'nodejs:20' });
  const record = await eventually(() =>
    ow.actions.invoke({ name: 'chatty', blocking: true, params: { name: 'edge' } }),
  );
  const time = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;
  const untimed = (lines: string[]) => lines.map((l) => (assert.match(l, time), l.replace(time, '')));
  assert.deepEqual(untimed(record.logs), ['stdout: hello edge', 'stderr: careful']);
  const { logs } = await ow.activations.logs({ name: record.activationId });
  assert.deepEqual(logs, record.logs);
  const failed = owError(
    await ow.actions
      .invoke({ name: 'chatty', blocking: true, params: { fail: true } })
      .catch((e: unknown) => e),
  );
  assert.equal(failed.statusCode, 502);
  const id = (failed.error as { activationId?: string }).activationId!;
  const failedLogs = (await ow.activations.logs({ name: id })).logs as string[];
  assert.deepEqual(untimed(failedLogs).slice(0, 3), [
    'stdout: hello undefined',
    'stderr: careful',
    'stderr: Error: down',
  ]);
});

test('a failing action is an OpenWhiskError with statusCode 502', async () => {
  const ow = client(edge);
  await ow.actions.create({ name: 'fail', action: FAIL, kind: 'nodejs:20' });
  const err = owError(
    await eventually(() =>
      ow.actions.invoke({ name: 'fail', blocking: true, result: true }).then(
        () => assert.fail('no error'),
        (e: unknown) => {
          const code = owError(e).statusCode;
          if (code === 404 || code === 503) throw e;
          return e;
        },
      ),
    ),
  );
  assert.equal((err as object).constructor.name, 'OpenWhiskError');
  assert.equal(err.statusCode, 502);
  assert.equal(err.error.response?.status, 'application error');
  assert.deepEqual(err.error.response?.result, { error: 'boom' });
  assert.match(err.message, /Returned HTTP 502 \(Bad Gateway\) --> "boom"/);
});

test('a wrong key is a 401, another namespace a 403, an unknown action a 404', async () => {
  const bad = client(edge, OTHER);
  await assert.rejects(bad.actions.list(), (thrown) => {
    const err = owError(thrown);
    assert.equal(err.statusCode, 401);
    assert.equal(err.error.error, 'The supplied authentication is invalid.');
    assert.match(err.error.code ?? '', /^[0-9a-f]{32}$/);
    return true;
  });
  const ow = client(edge);
  await assert.rejects(ow.actions.get({ name: '/other/hello' }), (thrown) => {
    const err = owError(thrown);
    return err.statusCode === 403;
  });
  await assert.rejects(ow.actions.get({ name: 'nothing' }), (thrown) => {
    const err = owError(thrown);
    assert.equal(err.statusCode, 404);
    assert.equal(err.error.error, 'The requested resource does not exist.');
    return true;
  });
  await assert.rejects(
    ow.actions.create({ name: 'py', action: 'def main(a): return a', kind: 'python:3' }),
    (thrown) => {
      const err = owError(thrown);
      return err.statusCode === 400 && /kind 'python:3' is not supported/.test(err.error.error ?? '');
    },
  );
});

test('a package-qualified action, and a sequence through the broker', async () => {
  const ow = client(edge);
  await ow.actions.create({
    name: 'tools/upper',
    action: 'function main(p) { return { payload: String(p.payload).toUpperCase() }; }',
    kind: 'nodejs:20',
  });
  const res = await eventually(() =>
    ow.actions.invoke({ name: 'tools/upper', blocking: true, result: true, params: { payload: 'abc' } }),
  );
  assert.deepEqual(res, { payload: 'ABC' });
  await ow.actions.create({
    name: 'shout',
    action: { exec: { kind: 'sequence', components: ['/guest/hello', '/_/tools/upper'] } },
  });
  const seq = await ow.actions.invoke({
    name: 'shout',
    blocking: true,
    result: true,
    params: { name: 'seq' },
  });
  assert.deepEqual(seq, { payload: 'HELLO SEQ' });
});

test('chain: wskproxy → router → edgecomputerwsk → wskproxy → router → js computer', async () => {
  const ow = client(outer, 'any:key');
  const result = await eventually(() =>
    ow.actions.invoke({ name: '/guest/hello', blocking: true, result: true, params: { name: 'far' } }),
  );
  assert.deepEqual(result, { payload: 'Hello far' });
  // the original's one call, answered as the original did (JSON-escaped)
  const res = await fetch(`${outer}/api/v1/namespaces/guest/actions/hello?blocking=true&result=true`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: '"quoted"' }),
  });
  assert.equal(res.status, 200);
  assert.deepEqual(await res.json(), { payload: 'Hello "quoted"' });
});

test('delete removes the action from the proxy', async () => {
  const ow = client(edge);
  const deleted = await ow.actions.delete({ name: 'fail' });
  assert.equal(deleted.name, 'fail');
  await assert.rejects(ow.actions.get({ name: 'fail' }), (thrown) => {
    const err = owError(thrown);
    return err.statusCode === 404;
  });
});

test('bad input: malformed JSON 400, a huge body 413, a wrong path 404, no key 401', async () => {
  const auth = { authorization: `Basic ${Buffer.from(KEY).toString('base64')}` };
  const post = (body: string) =>
    fetch(`${edge}/api/v1/namespaces/_/actions/hello?blocking=true`, {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body,
    });
  const malformed = await post('{"name":');
  assert.equal(malformed.status, 400);
  assert.match(
    ((await malformed.json()) as { error: string }).error,
    /^The request content was malformed:\n/,
  );
  const huge = await post(JSON.stringify({ x: 'a'.repeat(1024 * 1024) }));
  assert.equal(huge.status, 413);
  assert.match(
    ((await huge.json()) as { error: string }).error,
    /^The request content was too large \(bytes=\d+, allowed=1048576\)\.$/,
  );
  const wrong = await fetch(`${edge}/api/v2/nothing`, { headers: auth });
  assert.equal(wrong.status, 404);
  const none = await fetch(`${edge}/api/v1/namespaces/_/actions`);
  assert.equal(none.status, 401);
  assert.equal(
    ((await none.json()) as { error: string }).error,
    'The resource requires authentication, which was not supplied with the request.',
  );
});
