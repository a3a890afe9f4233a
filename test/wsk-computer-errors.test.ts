/**
 * edgecomputerwsk's exact answers and errors (spec §8.2, §1.4; issue 15), against our wskproxy as the
 * OpenWhisk API (in this process, in front of a real lambda server standing for the broker): name parsing,
 * non-JSON input, missing auth token, bad API root, unreachable API, non-2xx answers, payload missing,
 * dry requests, listing; and the CLI's refusals (processes of this build).
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { ApiKeys } from '../src/openwhisk/api-keys.js';
import { startWskProxy, type WskProxyServer } from '../src/openwhisk/wsk-proxy.js';
import { WskComputer } from '../src/platform/wsk/wsk-computer.js';
import { startLambdaServer } from '../src/protocol/edge-server.js';
import type { LambdaServer } from '../src/protocol/lambda-transport.js';
import { lambdaRequest } from '../src/protocol/requests.js';
import { errorResponse } from '../src/protocol/responses.js';
import { BIN_DIR, run } from './support/processes.js';

const SOE = relative(
  BIN_DIR,
  fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url)),
).replace(/\.js$/, '');
const KEY = '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:secret';
const AUTH = Buffer.from(KEY).toString('base64');

/** What the broker behind wskproxy answers, by lambda name. */
const BROKER: Record<string, { retcode: string; output: string }> = {
  hello: { retcode: 'OK', output: 'Hello edge' },
  '/guest/hello': { retcode: 'OK', output: 'Hello guest' },
  broken: { retcode: 'something failed', output: '' },
  'guest.noPayload': { retcode: 'OK', output: '{"answer":42}' },
  'guest.failing': { retcode: 'application error: boom', output: '' },
};

let broker: LambdaServer;
let proxy: WskProxyServer;
/** The computers made, with the API root each was given. */
const computers = new Map<WskComputer, string>();

function computer(apiRoot: string, auth = AUTH): WskComputer {
  const c = new WskComputer('wsk0', { apiRoot, auth, list: false });
  computers.set(c, apiRoot);
  return c;
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

before(async () => {
  broker = await startLambdaServer('127.0.0.1:0', (req) => {
    const answer = BROKER[req.name] ?? {
      retcode: `No destinations found for the entry ${req.name}`,
      output: '',
    };
    return { ...errorResponse(answer.retcode, req.hops + 1), output: answer.output };
  });
  proxy = await startWskProxy('http://127.0.0.1:0', {
    serverEndpoint: broker.endpoint,
    numThreads: 2,
    keys: ApiKeys.parse(KEY),
    managementEndpoints: [],
  });
  // Node.js actions with no js computer to deploy to: wskproxy invokes them as guest.<name> on the broker.
  for (const name of ['noPayload', 'failing']) {
    const answer = await fetch(`${proxy.apiRoot}/api/v1/namespaces/_/actions/${name}`, {
      method: 'PUT',
      headers: { authorization: `Basic ${AUTH}`, 'content-type': 'application/json' },
      body: JSON.stringify({ exec: { kind: 'nodejs:20', code: 'function main() {}' } }),
    });
    assert.equal(answer.status, 200);
  }
});

after(async () => {
  for (const c of computers.keys()) await c.stop();
  await proxy.stop();
  await broker.stop();
});

/** The retcode and output of one invocation (hops 3: answered with 4), checking responder and hops. */
async function invoke(c: WskComputer, name: string, input = '{"name":"edge"}', dry = false) {
  const res = await c.process(lambdaRequest({ name, input, hops: 3, dry }));
  assert.equal(res.hops, 4);
  assert.equal(res.responder, computers.get(c));
  return { retcode: res.retcode, output: res.output };
}

describe('invocations through wskproxy', () => {
  test('an action of namespace _ and one of a namespace: the payload is the output', async () => {
    const c = computer(proxy.apiRoot);
    assert.deepEqual(await invoke(c, 'hello'), { retcode: 'OK', output: 'Hello edge' });
    assert.deepEqual(await invoke(c, '/guest/hello'), { retcode: 'OK', output: 'Hello guest' });
    assert.deepEqual(await invoke(c, 'guest//hello/'), { retcode: 'OK', output: 'Hello guest' });
  });

  test('name parsing: empty, and more than two parts', async () => {
    const c = computer(proxy.apiRoot);
    for (const name of ['', '/', '//'])
      assert.deepEqual(await invoke(c, name), {
        retcode: 'cannot request execution of an action with empty name',
        output: '',
      });
    assert.deepEqual(await invoke(c, '/a/b/c'), {
      retcode: 'invalid OpenWhisk action /namespace/name structure: /a/b/c',
      output: '',
    });
  });

  test('an input that is not JSON is not sent', async () => {
    assert.deepEqual(await invoke(computer(proxy.apiRoot), 'hello', 'not json'), {
      retcode: `error encountered: input is not JSON: Unexpected token 'o', "not json" is not valid JSON`,
      output: '',
    });
  });

  test('non-2xx answers: a wrong key (401), a failing action (502), an action nobody has (404)', async () => {
    const wrong = computer(proxy.apiRoot, Buffer.from('aaaa:bbbb').toString('base64'));
    assert.deepEqual(await invoke(wrong, 'hello'), { retcode: 'unexpected HTTP response: 401', output: '' });
    const c = computer(proxy.apiRoot);
    assert.deepEqual(await invoke(c, 'failing'), { retcode: 'unexpected HTTP response: 502', output: '' });
    assert.deepEqual(await invoke(c, 'broken'), { retcode: 'unexpected HTTP response: 404', output: '' });
    assert.deepEqual(await invoke(c, 'nobody'), { retcode: 'unexpected HTTP response: 404', output: '' });
  });

  test('a 200 whose result has no string payload', async () => {
    assert.deepEqual(await invoke(computer(proxy.apiRoot), 'noPayload'), {
      retcode: 'unexpected body: payload field missing',
      output: '',
    });
  });

  test('a dry request is answered OK without a call, even with a bad name', async () => {
    const c = computer(`http://127.0.0.1:${await closedPort()}`);
    assert.deepEqual(await invoke(c, 'hello', 'not json', true), { retcode: 'OK', output: '' });
  });

  test('an unreachable API', async () => {
    const port = await closedPort();
    assert.deepEqual(await invoke(computer(`http://127.0.0.1:${port}`), 'hello'), {
      retcode: `error encountered: cannot connect to 127.0.0.1:${port}: connection refused`,
      output: '',
    });
  });

  test('listing: the actions wskproxy has, as /<namespace>/<name> wsk containers', async () => {
    const c = computer(`${proxy.apiRoot}/`);
    await c.list();
    assert.deepEqual(c.containers(), [
      { name: 'wsk', processor: 'wsk', lambda: '/guest/failing', numWorkers: 1 },
      { name: 'wsk', processor: 'wsk', lambda: '/guest/noPayload', numWorkers: 1 },
    ]);
  });
});

describe('refusals', () => {
  test('the library: empty token, API roots that are not http(s) URLs', () => {
    assert.throws(() => computer(proxy.apiRoot, ''), { message: 'Invalid empty OpenWhisk auth token' });
    assert.throws(() => computer('nope'), {
      message: "Invalid OpenWhisk API root 'nope': not an absolute URL",
    });
    assert.throws(() => computer('ftp://127.0.0.1'), {
      message: "Invalid OpenWhisk API root 'ftp://127.0.0.1': only http and https are supported",
    });
  });

  test('the CLI: without --wsk-auth, and with a bad --wsk-api-root, it exits 1 saying why', async () => {
    const missing = await run(SOE, ['computer-wsk', '--server-endpoint', '127.0.0.1:0']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /computer-wsk\] Exception caught: Invalid empty OpenWhisk auth token\n$/);
    const bad = await run(SOE, [
      'computer-wsk',
      ...['--server-endpoint', '127.0.0.1:0', '--wsk-auth', AUTH, '--wsk-api-root', 'nope'],
    ]);
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /computer-wsk\] Exception caught: Invalid OpenWhisk API root 'nope': not an absolute URL\n$/,
    );
  });
});
