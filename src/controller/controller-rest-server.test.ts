import assert from 'node:assert/strict';
import { once } from 'node:events';
import http from 'node:http';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import { parseRouterConf } from '../broker/router-conf.js';
import { startRouterServer, type RouterServer } from '../broker/router/router-server.js';
import { setLogSink } from '../support/logger.js';
import { ControllerRestServer } from './controller-rest-server.js';
import { controllerSnapshot } from './controller-snapshot.js';
import { EdgeController } from './edge-controller.js';
import { RpcRouterInstaller } from './router-installer-rpc.js';
import { RouterTablesReader } from './router-tables-reader.js';

let restoreLog: () => void;
let router: RouterServer;
let installer: RpcRouterInstaller;
let reader: RouterTablesReader;
let controller: EdgeController;
let rest: ControllerRestServer;
const GUI = 'http://127.0.0.1:8041';

before(async () => {
  restoreLog = setLogSink(() => {});
  router = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf: 'type=random',
    optimizerConf: 'type=none',
    router: parseRouterConf('max-pending-clients=0,min-forward-time=0,max-forward-time=0'),
  });
  installer = new RpcRouterInstaller();
  reader = new RouterTablesReader({ maxAgeMs: 0 });
  controller = new EdgeController({ installer, installerType: 'flat' });
  await controller.announceRouter(router.endpoint, router.configurationEndpoint);
  await controller.announceComputer('127.0.0.1:10001', [
    { name: 'c0', processor: 'arm', lambda: 'clambda0', numWorkers: 2 },
  ]);
  await controller.announceComputer('127.0.0.1:10000', [
    { name: 'c0', processor: 'arm', lambda: 'clambda0', numWorkers: 2 },
    { name: 'c1', processor: 'arm', lambda: 'other', numWorkers: 1 },
  ]);
  rest = await ControllerRestServer.start(
    { snapshot: () => controllerSnapshot(controller), tables: (routers) => reader.read(routers) },
    { endpoint: '127.0.0.1:0', allowedOrigins: [GUI] },
  );
});

after(async () => {
  await rest.stop();
  reader.close();
  installer.close();
  await router.stop();
  restoreLog();
});

/** One HTTP request to the view: status, headers and parsed body. */
function get(
  path: string,
  options: { method?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: unknown }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${rest.url}${path}`, {
      method: options.method ?? 'GET',
      headers: options.headers,
    });
    request.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: text === '' ? undefined : JSON.parse(text),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

describe('controller REST view', () => {
  test('GET /v1/topology is the snapshot', async () => {
    const reply = await get('/v1/topology');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'application/json');
    assert.deepEqual(reply.body, JSON.parse(JSON.stringify(controllerSnapshot(controller))));
    const snapshot = reply.body as { routers: { reaches: { computer: string }[] }[] };
    assert.deepEqual(
      snapshot.routers[0]!.reaches.map((r) => r.computer),
      ['127.0.0.1:10000', '127.0.0.1:10001'],
    );
  });

  test('GET /v1/forwarding-tables reads every router as forwardingtableclient dumps it', async () => {
    const reply = await get('/v1/forwarding-tables');
    assert.equal(reply.status, 200);
    const expectedTable = [
      { lambda: 'clambda0', destination: '127.0.0.1:10000', weight: 1, final: true },
      { lambda: 'clambda0', destination: '127.0.0.1:10001', weight: 1, final: true },
      { lambda: 'other', destination: '127.0.0.1:10000', weight: 1, final: true },
    ];
    assert.deepEqual(reply.body, {
      routers: [
        {
          lambdaEndpoint: router.endpoint,
          forwardingEndpoint: router.configurationEndpoint,
          tables: [expectedTable, expectedTable],
          dump:
            'Table#0\n' +
            'clambda0 [1] 127.0.0.1:10000 (F)\n' +
            '         [1] 127.0.0.1:10001 (F)\n' +
            'other    [1] 127.0.0.1:10000 (F)\n' +
            'Table#1\n' +
            'clambda0 [1] 127.0.0.1:10000 (F)\n' +
            '         [1] 127.0.0.1:10001 (F)\n' +
            'other    [1] 127.0.0.1:10000 (F)\n',
        },
      ],
    });
  });

  test('a router that cannot be reached is listed with the reason', async () => {
    const gone = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
      tableConf: 'type=random',
      optimizerConf: 'type=none',
      router: parseRouterConf('max-pending-clients=0,min-forward-time=0,max-forward-time=0'),
    });
    const ep = { lambdaEndpoint: gone.endpoint, forwardingEndpoint: gone.configurationEndpoint };
    await gone.stop();
    const [tables] = await reader.read([ep]);
    assert.deepEqual(tables, {
      ...ep,
      tables: [],
      dump: '',
      error: `cannot connect to ${gone.configurationEndpoint}: connection refused`,
    });
  });

  test('CORS only for the allowed origins', async () => {
    const allowed = await get('/v1/topology', { headers: { Origin: GUI } });
    assert.equal(allowed.headers['access-control-allow-origin'], GUI);
    const other = await get('/v1/topology', { headers: { Origin: 'http://evil.example' } });
    assert.equal(other.status, 200);
    assert.equal(other.headers['access-control-allow-origin'], undefined);
  });

  test('bad requests: method, path, Host, target length', async () => {
    const post = await get('/v1/topology', { method: 'POST' });
    assert.deepEqual(
      [post.status, post.headers.allow, post.body],
      [405, 'GET, HEAD', { error: 'Method POST not allowed: the view is read-only' }],
    );
    assert.deepEqual(await get('/nope').then((r) => [r.status, r.body]), [
      404,
      { error: "No such path '/nope': try /v1/topology or /v1/forwarding-tables" },
    ]);
    const rebound = await get('/v1/topology', { headers: { Host: 'evil.example:80' } });
    assert.deepEqual(
      [rebound.status, rebound.body],
      [403, { error: "Host 'evil.example:80' is not a name of this server" }],
    );
    const long = await get(`/v1/topology?${'x'.repeat(3000)}`);
    assert.deepEqual([long.status, long.body], [414, { error: 'Request target longer than 2048 bytes' }]);
    const head = await get('/v1/topology', { method: 'HEAD' });
    assert.deepEqual([head.status, head.body], [200, undefined]);
    assert.deepEqual(await get('/').then((r) => r.body), {
      paths: ['/v1/topology', '/v1/forwarding-tables'],
    });
  });

  test('a client sending its headers too slowly gets 408 within a second or so of the header time', async () => {
    const slow = await ControllerRestServer.start(
      { snapshot: () => controllerSnapshot(controller), tables: async () => [] },
      { endpoint: '127.0.0.1:0', headersTimeoutMs: 500 },
    );
    const socket = connect(Number(new URL(slow.url).port), '127.0.0.1');
    try {
      await once(socket, 'connect');
      const started = Date.now();
      socket.write('GET /v1/topology HTTP/1.1\r\nHost: 127.0.0.1\r\n');
      let reply = '';
      socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
      await once(socket, 'close');
      assert.match(reply, /^HTTP\/1\.1 408 Request Timeout\r\n/);
      // Node's default check every 30 s held such a connection for 30 s.
      assert.ok(Date.now() - started < 10_000, `closed after ${Date.now() - started} ms`);
    } finally {
      socket.destroy();
      await slow.stop();
    }
  });
});
