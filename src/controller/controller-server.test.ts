import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, afterEach, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import type { ContainerInfo, EdgeRouterConf } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { RpcError } from '../protocol/rpc-error.js';
import { RpcServer, service } from '../protocol/rpc-server.js';
import { setLogSink } from '../support/logger.js';
import { ControllerServer, type ControllerHandler } from './controller-server.js';
import { computerList, controllerSnapshot } from './controller-snapshot.js';
import { ControllerStateFile } from './controller-state.js';
import { EdgeController } from './edge-controller.js';
import { RpcRouterInstaller } from './router-installer-rpc.js';

let logLines: string[] = [];
let restoreLog: () => void;
let dir: string;
before(() => {
  restoreLog = setLogSink((line) => logLines.push(line));
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'soe-controller-server-'));
});
after(() => {
  restoreLog();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** Things to stop or close after each test. */
let cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
  cleanups = [];
  logLines = [];
});

/** A real EdgeRouter gRPC server that records the Configure calls it gets and answers `reply`. */
async function recordingRouter(endpoint = '127.0.0.1:0', reply = 'OK') {
  const calls: EdgeRouterConf[] = [];
  const server = await RpcServer.start(endpoint, [
    service('uiiit.rpc.EdgeRouter', {
      Configure: (conf) => {
        calls.push(conf);
        return { msg: reply };
      },
      GetTable: () => ({ entries: [] }),
      GetNumTables: () => ({ value: 2 }),
    }),
  ]);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await server.stop(100);
  };
  cleanups.push(stop);
  return { endpoint: server.endpoint, calls, stop };
}

/** A controller (flat, real RPC installer) behind a real EdgeController gRPC server on a free port. */
async function startController(stateFile?: string) {
  const installer = new RpcRouterInstaller();
  const controller = new EdgeController({
    installer,
    ...(stateFile === undefined ? {} : { stateFile: new ControllerStateFile(stateFile) }),
  });
  await controller.restore();
  const server = await ControllerServer.start('127.0.0.1:0', [controller]);
  const client = new RpcClient('uiiit.rpc.EdgeController', server.endpoint);
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client.close();
    await server.stop();
    installer.close();
  };
  cleanups.push(stop);
  return { controller, server, client, installer, stop };
}

const CONTAINERS: ContainerInfo[] = [
  { name: 'ccontainer0', processor: 'arm', lambda: 'clambda0', numWorkers: 4 },
  { name: 'gcontainer0', processor: 'bm2837', lambda: 'glambda0', numWorkers: 2 },
];

function change(lambda: string, destination: string): EdgeRouterConf {
  return { action: 'CHANGE', lambda, destination, weight: 1, final: true };
}

function remove(lambda: string, destination: string): EdgeRouterConf {
  return { action: 'REMOVE', lambda, destination, weight: 0, final: false };
}

const FLUSH: EdgeRouterConf = { action: 'FLUSH', lambda: '*', destination: '', weight: 0, final: false };

describe('EdgeController gRPC service over real gRPC', () => {
  test('a computer announce reaches both routers as CHANGE weight 1 final; RemoveComputer sends REMOVE', async () => {
    const r1 = await recordingRouter();
    const r2 = await recordingRouter();
    const { client, controller } = await startController();
    await client.call('AnnounceRouter', {
      edgeServerEndpoint: '127.0.0.1:16473',
      forwardingTableEndpoint: r1.endpoint,
    });
    await client.call('AnnounceRouter', {
      edgeServerEndpoint: '127.0.0.1:26473',
      forwardingTableEndpoint: r2.endpoint,
    });
    assert.deepEqual(r1.calls, [], 'no computers yet: nothing to install');

    const reply = await client.call('AnnounceComputer', {
      edgeServerEndpoint: '127.0.0.1:10000',
      containers: CONTAINERS,
    });
    assert.deepEqual(reply, {});
    const installed = [change('clambda0', '127.0.0.1:10000'), change('glambda0', '127.0.0.1:10000')];
    assert.deepEqual(r1.calls, installed, 'the reply comes once the routers are programmed');
    assert.deepEqual(r2.calls, installed);

    await client.call('RemoveComputer', { edgeServerEndpoint: '127.0.0.1:10000' });
    const removed = [remove('clambda0', '127.0.0.1:10000'), remove('glambda0', '127.0.0.1:10000')];
    assert.deepEqual(r1.calls.slice(2), removed);
    assert.deepEqual(r2.calls.slice(2), removed);
    assert.deepEqual(controller.computers(), []);
  });

  test('a router that stops is dropped and no longer contacted, even when back on the same end-point', async () => {
    const r1 = await recordingRouter();
    const r2 = await recordingRouter();
    const { client, controller } = await startController();
    await client.call('AnnounceRouter', {
      edgeServerEndpoint: '127.0.0.1:16473',
      forwardingTableEndpoint: r1.endpoint,
    });
    await client.call('AnnounceRouter', {
      edgeServerEndpoint: '127.0.0.1:26473',
      forwardingTableEndpoint: r2.endpoint,
    });
    await client.call('AnnounceComputer', { edgeServerEndpoint: '127.0.0.1:10000', containers: CONTAINERS });
    assert.equal(r2.calls.length, 2);

    await r2.stop();
    await client.call('AnnounceComputer', {
      edgeServerEndpoint: '127.0.0.1:10001',
      containers: CONTAINERS.slice(0, 1),
    });
    assert.deepEqual(r1.calls.slice(2), [change('clambda0', '127.0.0.1:10001')]);
    assert.deepEqual(controller.routers(), [
      { lambdaEndpoint: '127.0.0.1:16473', forwardingEndpoint: r1.endpoint },
    ]);
    // A router gone is news (info), not an error: no glog E line.
    const gone = logLines.filter((l) =>
      l.includes(`Could not issue a command to edge router at ${r2.endpoint}`),
    );
    assert.deepEqual(
      gone.map((l) => `${l[0]}${l.slice(l.indexOf('] '))}`),
      [`I] Could not issue a command to edge router at ${r2.endpoint}: connection refused\n`],
    );
    assert.deepEqual(
      logLines.filter((l) => l.startsWith('E')),
      [],
    );

    const back = await recordingRouter(r2.endpoint);
    await client.call('AnnounceComputer', {
      edgeServerEndpoint: '127.0.0.1:10002',
      containers: CONTAINERS.slice(1),
    });
    assert.deepEqual(r1.calls.slice(3), [change('glambda0', '127.0.0.1:10002')]);
    assert.deepEqual(back.calls, []);
  });

  test('a router restarted on the same end-points gets its tables back when it announces again (issue 12, finding 9)', async () => {
    const r1 = await recordingRouter();
    const { client } = await startController();
    const announce = { edgeServerEndpoint: '127.0.0.1:16473', forwardingTableEndpoint: r1.endpoint };
    await client.call('AnnounceRouter', announce);
    await client.call('AnnounceComputer', { edgeServerEndpoint: '127.0.0.1:10000', containers: CONTAINERS });
    const installed = [change('clambda0', '127.0.0.1:10000'), change('glambda0', '127.0.0.1:10000')];
    assert.deepEqual(r1.calls, installed);

    await r1.stop();
    const restarted = await recordingRouter(r1.endpoint);
    await client.call('AnnounceRouter', announce);
    assert.deepEqual(restarted.calls, installed);
  });

  test('an error text in a Configure reply is logged and the router kept', async () => {
    const r1 = await recordingRouter('127.0.0.1:0', 'Error: Invalid weight');
    const { client, controller } = await startController();
    await client.call('AnnounceComputer', { edgeServerEndpoint: '127.0.0.1:10000', containers: CONTAINERS });
    await client.call('AnnounceRouter', {
      edgeServerEndpoint: '127.0.0.1:16473',
      forwardingTableEndpoint: r1.endpoint,
    });
    assert.equal(r1.calls.length, 2, 'every entry is still sent');
    assert.equal(controller.routers().length, 1);
    assert.ok(
      logLines.some((l) => l.startsWith('W') && l.includes("answered 'Error: Invalid weight' to CHANGE")),
      logLines.join(''),
    );
  });

  test('malformed requests are refused with INVALID_ARGUMENT naming the field, and change nothing', async () => {
    const r1 = await recordingRouter();
    const { client, controller } = await startController();
    await client.call('AnnounceRouter', {
      edgeServerEndpoint: '127.0.0.1:16473',
      forwardingTableEndpoint: r1.endpoint,
    });
    const cases: [() => Promise<unknown>, string][] = [
      [
        () => client.call('AnnounceComputer', { edgeServerEndpoint: '', containers: CONTAINERS }),
        'invalid AnnounceComputer request: edgeServerEndpoint is empty',
      ],
      [
        () =>
          client.call('AnnounceComputer', {
            edgeServerEndpoint: '127.0.0.1:10000',
            containers: CONTAINERS,
            managementEndpoint: 'mgmt',
          }),
        'invalid AnnounceComputer request: managementEndpoint is not a host:port end-point: "mgmt"',
      ],
      [
        () => client.call('AnnounceComputer', { edgeServerEndpoint: 'host0', containers: CONTAINERS }),
        'invalid AnnounceComputer request: edgeServerEndpoint is not a host:port end-point: "host0"',
      ],
      [
        () => client.call('AnnounceComputer', { edgeServerEndpoint: '999.1.1.1:0', containers: CONTAINERS }),
        'invalid AnnounceComputer request: edgeServerEndpoint has port "0", not in 1..65535: "999.1.1.1:0"',
      ],
      [
        () => client.call('AnnounceComputer', { edgeServerEndpoint: '999.1.1.1:1', containers: CONTAINERS }),
        'invalid AnnounceComputer request: edgeServerEndpoint has a host that is not an IPv4 address: ' +
          '"999.1.1.1:1"',
      ],
      [
        () =>
          client.call('AnnounceComputer', {
            edgeServerEndpoint: '127.0.0.1:10000',
            containers: [{ name: 'c', processor: 'p', lambda: 'clambda\u00000', numWorkers: 1 }],
          }),
        'invalid AnnounceComputer request: containers[0].lambda has a control character: "clambda\\u00000"',
      ],
      [
        () =>
          client.call('AnnounceComputer', {
            edgeServerEndpoint: '127.0.0.1:10000',
            containers: [{ name: 'c', processor: 'p', lambda: 'l'.repeat(1 << 20), numWorkers: 1 }],
          }),
        'invalid AnnounceComputer request: containers[0].lambda is longer than 256 characters: ' +
          `"${'l'.repeat(64)}"… (1048576 characters)`,
      ],
      [
        () =>
          client.call('AnnounceComputer', {
            edgeServerEndpoint: '127.0.0.1:10000',
            containers: [{ name: 'c\u0000', processor: 'p', lambda: 'l', numWorkers: 1 }],
          }),
        'invalid AnnounceComputer request: containers[0].name has a control character: "c\\u0000"',
      ],
      [
        () =>
          client.call('AnnounceComputer', {
            edgeServerEndpoint: '127.0.0.1:10000',
            containers: Array.from({ length: 1001 }, (_, i) => ({ ...CONTAINERS[0]!, lambda: `l${i}` })),
          }),
        'invalid AnnounceComputer request: containers has 1001 entries, at most 1000',
      ],
      [
        () =>
          client.call('AnnounceRouter', {
            edgeServerEndpoint: 'router\u0000:6473',
            forwardingTableEndpoint: '127.0.0.1:36474',
          }),
        'invalid AnnounceRouter request: edgeServerEndpoint has a host that is not a host name: ' +
          '"router\\u0000:6473"',
      ],
      [
        () =>
          client.call('AnnounceRouter', {
            edgeServerEndpoint: '127.0.0.1:36473',
            forwardingTableEndpoint: '127.0.0.1:65536',
          }),
        'invalid AnnounceRouter request: forwardingTableEndpoint has port "65536", not in 1..65535: ' +
          '"127.0.0.1:65536"',
      ],
      [
        () => client.call('RemoveComputer', { edgeServerEndpoint: `${'h'.repeat(1 << 20)}:1` }),
        'invalid RemoveComputer request: edgeServerEndpoint has a host that is longer than 253 characters: ' +
          `"${'h'.repeat(64)}"… (1048578 characters)`,
      ],
      [
        () =>
          client.call('AnnounceComputer', {
            edgeServerEndpoint: '127.0.0.1:10000',
            containers: [CONTAINERS[0]!, { name: 'c', processor: 'p', lambda: '', numWorkers: 1 }],
          }),
        'invalid AnnounceComputer request: containers[1].lambda is empty',
      ],
      [
        () =>
          client.call('AnnounceRouter', {
            edgeServerEndpoint: '127.0.0.1:36473',
            forwardingTableEndpoint: '',
          }),
        'invalid AnnounceRouter request: forwardingTableEndpoint is empty',
      ],
      [
        () =>
          client.call('AnnounceRouter', {
            edgeServerEndpoint: '',
            forwardingTableEndpoint: '127.0.0.1:36474',
          }),
        'invalid AnnounceRouter request: edgeServerEndpoint is empty',
      ],
      [
        () => client.call('RemoveComputer', {}),
        'invalid RemoveComputer request: edgeServerEndpoint is empty',
      ],
    ];
    for (const [call, message] of cases) {
      await assert.rejects(call(), (err: unknown) => {
        assert.ok(err instanceof RpcError);
        assert.equal(err.code, grpc.status.INVALID_ARGUMENT);
        assert.equal(err.message, `RPC failed: ${message}`);
        return true;
      });
    }
    assert.deepEqual(r1.calls, []);
    assert.deepEqual(controller.computers(), []);
    assert.equal(controller.routers().length, 1);
  });

  test('ControllerView.ListComputers: the computers with the management end-point a js computer announced', async () => {
    const installer = new RpcRouterInstaller();
    const controller = new EdgeController({ installer });
    const server = await ControllerServer.start('127.0.0.1:0', [controller], undefined, () =>
      computerList(controllerSnapshot(controller)),
    );
    const client = new RpcClient('uiiit.rpc.EdgeController', server.endpoint);
    const view = new RpcClient('soe.rpc.ControllerView', server.endpoint);
    cleanups.push(async () => {
      client.close();
      view.close();
      await server.stop();
      installer.close();
    });
    assert.deepEqual(await view.call('ListComputers', {}), { computers: [] });
    const js = { name: 'js', processor: 'js', lambda: 'guest.hello', numWorkers: 2 };
    await client.call('AnnounceComputer', {
      edgeServerEndpoint: '127.0.0.1:10001',
      containers: [js],
      managementEndpoint: '127.0.0.1:10080',
    });
    await client.call('AnnounceComputer', { edgeServerEndpoint: '127.0.0.1:10000', containers: CONTAINERS });
    assert.deepEqual(await view.call('ListComputers', {}), {
      computers: [
        { edgeServerEndpoint: '127.0.0.1:10000', managementEndpoint: '', lambdas: ['clambda0', 'glambda0'] },
        {
          edgeServerEndpoint: '127.0.0.1:10001',
          managementEndpoint: '127.0.0.1:10080',
          lambdas: ['guest.hello'],
        },
      ],
    });
    assert.equal(controllerSnapshot(controller).computers[1]!.managementEndpoint, '127.0.0.1:10080');
    assert.equal('managementEndpoint' in controllerSnapshot(controller).computers[0]!, false);
    // The same containers announced without it: the end-point is forgotten, no route changes.
    await client.call('AnnounceComputer', { edgeServerEndpoint: '127.0.0.1:10001', containers: [js] });
    assert.equal(controller.managementEndpointOf('127.0.0.1:10001'), '');
    await client.call('RemoveComputer', { edgeServerEndpoint: '127.0.0.1:10000' });
    assert.deepEqual(
      (await view.call('ListComputers', {})).computers.map((c) => c.edgeServerEndpoint),
      ['127.0.0.1:10001'],
    );
  });

  test('calls are processed one at a time in arrival order; a failing handler is logged, the call still succeeds', async () => {
    const events: string[] = [];
    const slow: ControllerHandler = {
      async announceComputer(endpoint) {
        events.push(`start ${endpoint}`);
        await new Promise((resolve) => setTimeout(resolve, endpoint.endsWith('0') ? 40 : 5));
        events.push(`end ${endpoint}`);
      },
      announceRouter: () => Promise.reject(new Error('router logic exploded')),
      removeComputer: () => Promise.resolve(),
    };
    const server = await ControllerServer.start('127.0.0.1:0', [slow]);
    const client = new RpcClient('uiiit.rpc.EdgeController', server.endpoint);
    cleanups.push(async () => {
      client.close();
      await server.stop();
    });

    assert.deepEqual(
      await client.call('AnnounceRouter', { edgeServerEndpoint: 'h:1', forwardingTableEndpoint: 'h:2' }),
      {},
    );
    assert.ok(
      logLines.some(
        (l) => l.startsWith('W') && l.includes('error when applying AnnounceRouter: router logic exploded'),
      ),
      logLines.join(''),
    );

    const endpoints = ['h:10', 'h:11', 'h:20', 'h:21', 'h:30'];
    await Promise.all(endpoints.map((e) => client.call('AnnounceComputer', { edgeServerEndpoint: e })));
    assert.deepEqual(
      events,
      endpoints.flatMap((e) => [`start ${e}`, `end ${e}`]),
    );
  });

  test('a restarted controller reprograms the routers from its state file', async () => {
    const stateFile = path.join(dir, 'state.json');
    const r1 = await recordingRouter();
    const first = await startController(stateFile);
    await first.client.call('AnnounceRouter', {
      edgeServerEndpoint: '127.0.0.1:16473',
      forwardingTableEndpoint: r1.endpoint,
    });
    await first.client.call('AnnounceComputer', {
      edgeServerEndpoint: '127.0.0.1:10000',
      containers: CONTAINERS,
    });
    await first.stop();
    r1.calls.length = 0;

    const second = await startController(stateFile);
    assert.deepEqual(r1.calls, [
      FLUSH,
      change('clambda0', '127.0.0.1:10000'),
      change('glambda0', '127.0.0.1:10000'),
    ]);
    assert.deepEqual(second.controller.snapshot(), first.controller.snapshot());

    await second.client.call('AnnounceComputer', {
      edgeServerEndpoint: '127.0.0.1:10000',
      containers: CONTAINERS,
    });
    assert.equal(r1.calls.length, 3, 'the computer is still known: its re-announce is a no-op');
  });
});
