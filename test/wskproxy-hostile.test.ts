/**
 * wskproxy against hostile callers (a real proxy on port 0 in front of a real lambda server standing for
 * the broker): sequences that would run without end (nested fan-out, cycles, too deep), and actions that
 * would hold unbounded memory (huge parameters, code over the total bound).
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { startWskProxy, type WskProxyLimits, type WskProxyServer } from '../src/openwhisk/wsk-proxy.js';
import { startLambdaServer } from '../src/protocol/edge-server.js';
import type { LambdaServer } from '../src/protocol/lambda-transport.js';
import { errorResponse } from '../src/protocol/responses.js';

/** Calls of each lambda the broker got. */
const calls = new Map<string, number>();
/** Releases the calls of the lambda `hold` the broker keeps waiting. */
const held: (() => void)[] = [];
let broker: LambdaServer;

before(async () => {
  broker = await startLambdaServer('127.0.0.1:0', (req) => {
    calls.set(req.name, (calls.get(req.name) ?? 0) + 1);
    const answer = { ...errorResponse('OK', req.hops + 1), output: '{}' };
    if (req.name !== 'hold') return answer;
    return new Promise((resolve) => held.push(() => resolve(answer)));
  });
});
after(async () => {
  await broker.stop();
});

function startProxy(limits: Partial<WskProxyLimits> = {}): Promise<WskProxyServer> {
  return startWskProxy('http://127.0.0.1:0', {
    serverEndpoint: broker.endpoint,
    numThreads: 2,
    keys: undefined,
    managementEndpoints: [],
    limits,
  });
}

interface Answer {
  status: number;
  body: { error?: string; response?: { result: unknown } };
}

async function call(
  proxy: WskProxyServer,
  method: string,
  path: string,
  body?: unknown,
  collection = 'actions',
): Promise<Answer> {
  const r = await fetch(`${proxy.apiRoot}/api/v1/namespaces/_/${collection}/${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: r.status, body: (await r.json()) as Answer['body'] };
}

const sequence = (components: string[]) => ({ exec: { kind: 'sequence', components } });
const node = (code = 'function main() { return {}; }') => ({ exec: { kind: 'nodejs:20', code } });
const times = (name: string, n: number): string[] => Array.from({ length: n }, () => name);

describe('sequences run 50 actions at most, nested ones included', () => {
  let proxy: WskProxyServer;
  before(async () => {
    proxy = await startProxy();
    assert.equal((await call(proxy, 'PUT', 'leaf', node())).status, 200);
  });
  after(async () => {
    await proxy.stop();
  });

  const refused = (status: number, error: string) => ({ status, error });
  const outcome = (a: Answer) => ({ status: a.status, error: a.body.error });

  test('51 components, or 6 sequences of 10, are refused at creation; 5 of 10 are 50 and pass', async () => {
    const long = await call(proxy, 'PUT', 'long', sequence(times('leaf', 51)));
    assert.deepEqual(outcome(long), refused(400, 'Too many actions in the sequence.'));
    assert.equal((await call(proxy, 'PUT', 'ten', sequence(times('leaf', 10)))).status, 200);
    const sixty = await call(proxy, 'PUT', 'sixty', sequence(times('ten', 6)));
    assert.deepEqual(outcome(sixty), refused(400, 'Too many actions in the sequence.'));
    assert.equal((await call(proxy, 'PUT', 'fifty', sequence(times('ten', 5)))).status, 200);
  });

  test('a component replaced by a longer sequence since: the run stops after 50 actions', async () => {
    assert.equal((await call(proxy, 'PUT', 'inner', sequence(['leaf']))).status, 200);
    assert.equal((await call(proxy, 'PUT', 'outer', sequence(times('inner', 50)))).status, 200);
    // 50 x 50 = 2,500 actions now, and 50^11 with ten more levels: the run is cut at 50.
    assert.equal((await call(proxy, 'PUT', 'inner?overwrite=true', sequence(times('leaf', 50)))).status, 200);
    const before = calls.get('guest.leaf') ?? 0;
    const run = await call(proxy, 'POST', 'outer?blocking=true');
    assert.equal(run.status, 502);
    assert.deepEqual(run.body.response?.result, { error: 'Too many actions in the sequence.' });
    assert.equal((calls.get('guest.leaf') ?? 0) - before, 50);
  });

  test('a sequence referring to itself, directly or through another, is refused', async () => {
    const self = await call(proxy, 'PUT', 'self', sequence(['leaf', 'self']));
    assert.deepEqual(outcome(self), refused(400, 'Sequence may not refer to itself.'));
    assert.equal((await call(proxy, 'PUT', 'a', sequence(['leaf']))).status, 200);
    assert.equal((await call(proxy, 'PUT', 'b', sequence(['a', '/_/a']))).status, 200);
    const cycle = await call(proxy, 'PUT', 'a?overwrite=true', sequence(['b']));
    assert.deepEqual(outcome(cycle), refused(400, 'Sequence may not refer to itself.'));
    assert.equal((await call(proxy, 'POST', 'b?blocking=true')).status, 200);
  });

  test('sequences nest ten levels deep, not eleven; a malformed component is a 400 naming it', async () => {
    assert.equal((await call(proxy, 'PUT', 'c0', sequence(['leaf']))).status, 200);
    for (let i = 1; i <= 10; i++)
      assert.equal((await call(proxy, 'PUT', `c${i}`, sequence([`c${i - 1}`]))).status, 200);
    assert.equal((await call(proxy, 'POST', 'c10?blocking=true')).status, 200);
    const deep = await call(proxy, 'PUT', 'c11', sequence(['c10']));
    assert.deepEqual(outcome(deep), refused(400, 'sequence nested too deep (more than 10 levels)'));
    const bad = await call(proxy, 'PUT', 'bad', sequence(['leaf', 'a/b/c/d']));
    assert.deepEqual(
      outcome(bad),
      refused(400, 'The request content was malformed:\ninvalid sequence component "a/b/c/d"'),
    );
  });
});

describe('the memory actions hold is bounded', () => {
  let proxy: WskProxyServer;
  before(async () => {
    proxy = await startProxy({ maxActionsBytes: 1000, maxParamsBytes: 200 });
  });
  after(async () => {
    await proxy.stop();
  });

  test('parameters and annotations over the parameters bound are a 413', async () => {
    const parameters = [{ key: 'k', value: 'x'.repeat(300) }];
    const r = await call(proxy, 'PUT', 'big', { ...node(), parameters });
    assert.deepEqual(
      { status: r.status, error: r.body.error },
      { status: 413, error: 'The request content was too large (bytes=329, allowed=200).' },
    );
  });

  test('code past the total bound is a 403 until an action is replaced by less or deleted', async () => {
    const code = (n: number) => `function main() { return {}; } ${'/'.repeat(n - 31)}`;
    // Each action holds its code and 7 bytes of parameters and annotations (`[[],[]]`).
    assert.equal((await call(proxy, 'PUT', 'one', node(code(600)))).status, 200);
    const two = await call(proxy, 'PUT', 'two', node(code(600)));
    assert.deepEqual(
      { status: two.status, error: two.body.error },
      { status: 403, error: 'Too much action code (the actions kept may hold at most 1000 bytes).' },
    );
    assert.equal((await call(proxy, 'PUT', 'one?overwrite=true', node(code(900)))).status, 200);
    assert.equal((await call(proxy, 'PUT', 'two', node(code(200)))).status, 403);
    assert.equal((await call(proxy, 'DELETE', 'one')).status, 200);
    assert.equal((await call(proxy, 'PUT', 'two', node(code(900)))).status, 200);
  });
});

describe('the parameters of invocations in flight are bounded', () => {
  let proxy: WskProxyServer;
  before(async () => {
    proxy = await startProxy({ maxInFlightBytes: 100 });
  });
  after(async () => {
    while (held.length > 0) held.shift()?.();
    await proxy.stop();
  });

  test('past the bound an invocation is a 429 until the broker answers those in flight', async () => {
    const params = { p: 'x'.repeat(40) }; // 48 bytes of JSON
    const first = await call(proxy, 'POST', 'hold', params);
    const second = await call(proxy, 'POST', 'hold', params);
    assert.deepEqual([first.status, second.status], [202, 202]);
    const third = await call(proxy, 'POST', 'hold', params);
    assert.deepEqual(
      { status: third.status, error: third.body.error },
      { status: 429, error: 'Too many concurrent requests in flight (bytes: 144, allowed: 100).' },
    );
    while (held.length < 2) await new Promise((resolve) => setImmediate(resolve));
    while (held.length > 0) held.shift()?.();
    for (const answer of [first, second]) {
      const id = (answer.body as { activationId: string }).activationId;
      while ((await call(proxy, 'GET', id, undefined, 'activations')).status !== 200);
    }
    assert.equal((await call(proxy, 'POST', 'hold', params)).status, 202);
    while (held.length < 1) await new Promise((resolve) => setImmediate(resolve));
  });
});

describe('bodies nested deeper than 100 levels, and long names of activations', () => {
  let proxy: WskProxyServer;
  before(async () => {
    proxy = await startProxy({ activationBytes: 300 });
  });
  after(async () => {
    await proxy.stop();
  });

  const nested = (levels: number) => `{"a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`;

  test('parameters or an action nested 101 levels are a 400 (5,000 were a 500); 100 pass', async () => {
    const post = (body: string) =>
      fetch(`${proxy.apiRoot}/api/v1/namespaces/_/actions/leaf?blocking=true`, { method: 'POST', body });
    const deep = await post(nested(101));
    assert.deepEqual(
      [deep.status, ((await deep.json()) as Answer['body']).error],
      [400, 'The request content was malformed:\nnested more than 100 levels'],
    );
    assert.equal((await post(nested(5000))).status, 400);
    assert.equal((await post(nested(100))).status, 200);
    const put = await call(proxy, 'PUT', 'deep', {
      ...node(),
      parameters: JSON.parse(`[${nested(100)}]`) as unknown,
    });
    assert.deepEqual(
      [put.status, put.body.error],
      [400, 'The request content was malformed:\nnested more than 100 levels'],
    );
  });

  test('an activation’s name counts in the bytes the activations keep', async () => {
    const short = await call(proxy, 'POST', 'leaf?blocking=true');
    const long = await call(proxy, 'POST', `${'n'.repeat(400)}?blocking=true`);
    assert.deepEqual([short.status, long.status], [200, 200]);
    const kept = async (a: Answer) =>
      (await call(proxy, 'GET', (a.body as { activationId: string }).activationId, undefined, 'activations'))
        .status;
    // The long one alone is over the 300 bytes: it is dropped with the older one.
    assert.deepEqual([await kept(short), await kept(long)], [404, 404]);
    const again = await call(proxy, 'POST', 'leaf?blocking=true');
    assert.equal(await kept(again), 200);
  });
});

describe('the request bodies read at once are bounded', () => {
  let proxy: WskProxyServer;
  before(async () => {
    proxy = await startProxy({ maxBodiesBytes: 100 });
  });
  after(async () => {
    await proxy.stop();
  });

  test('a body that would pass the bound while another is read is a 429; once it is read, it passes', async () => {
    const action = JSON.stringify(node()).padEnd(80);
    const socket = connect(Number(new URL(proxy.apiRoot).port), '127.0.0.1');
    await once(socket, 'connect');
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    // 80 bytes declared, 10 sent: the proxy holds 80 of its 100 while the rest comes.
    socket.write(
      'PUT /api/v1/namespaces/_/actions/slow HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n' +
        `Content-Length: 80\r\nConnection: close\r\n\r\n${action.slice(0, 10)}`,
    );
    const params = { p: 'x'.repeat(22) }; // 30 bytes
    let other = await call(proxy, 'POST', 'leaf', params);
    while (other.status === 202) other = await call(proxy, 'POST', 'leaf', params);
    assert.deepEqual(
      [other.status, other.body.error],
      [429, 'Too many concurrent requests in flight (bytes: 110, allowed: 100).'],
    );
    socket.write(action.slice(10));
    await once(socket, 'close');
    assert.match(reply, /^HTTP\/1\.1 200 OK\r\n/);
    assert.equal((await call(proxy, 'POST', 'leaf', params)).status, 202);
  });
});

describe('a broker that never answers does not hold a stop', () => {
  test('stop() returns after stopGraceMs with an invocation still in flight', async () => {
    const proxy = await startProxy({ stopGraceMs: 50 });
    const pending = await call(proxy, 'POST', 'hold', {});
    assert.equal(pending.status, 202);
    while (held.length < 1) await new Promise((resolve) => setImmediate(resolve));
    await proxy.stop();
    while (held.length > 0) held.shift()?.();
  });
});
