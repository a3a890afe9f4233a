import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import { startComputerServer, type ComputerServer } from '../../platform/computer-server.js';
import type { ComputerInfo } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { RpcClient } from '../../protocol/rpc-client.js';
import { startSlowEchoServer } from '../../protocol/slow-echo-server.test-support.js';
import { RpcServer } from '../../protocol/rpc-server.js';
import { startDispatcherServer, type DispatcherServer } from './dispatcher-server.js';
import { defaultEstimatorConf, estimatorNames } from '../estimators/index.js';
import {
  startRecordingController,
  type RecordingController,
} from '../../controller/recording-controller.test-support.js';
import { FLUSH_COMMAND } from '../configure-rules.js';
import { parseRouterConf } from '../router-conf.js';
import { freeEndpoint } from '../../../test/support/ports.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-dispatcher-'));
let computer: ComputerServer;
let recording: RecordingController;
let removed: ComputerInfo[];
let controller: RpcServer;

before(async () => {
  computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
  });
  recording = await startRecordingController();
  ({ server: controller, removed } = recording);
});
after(async () => {
  await computer.stop();
  await controller.stop();
});

const ROUTER_CONF = 'max-pending-clients=0,min-forward-time=0,max-forward-time=0';

/** Runs `body` with a dispatcher, its lambda client and its configuration client; stops them after. */
async function withDispatcher(
  body: (
    d: DispatcherServer,
    lambda: GrpcLambdaClient,
    config: RpcClient<'uiiit.rpc.EdgeRouter'>,
  ) => Promise<void>,
  ptimeEstConf = 'type=rtt,window-size=50,stale-period=10',
  routerConf = ROUTER_CONF,
): Promise<void> {
  const d = await startDispatcherServer('127.0.0.1:0', '127.0.0.1:0', {
    ptimeEstConf,
    router: parseRouterConf(routerConf),
    controllerEndpoint: controller.endpoint,
  });
  const lambda = new GrpcLambdaClient(d.endpoint);
  const config = new RpcClient('uiiit.rpc.EdgeRouter', d.configurationEndpoint);
  try {
    await body(d, lambda, config);
  } finally {
    lambda.close();
    config.close();
    await d.stop();
  }
}

/** Adds a destination for a lambda through the configuration service. */
async function change(
  config: RpcClient<'uiiit.rpc.EdgeRouter'>,
  lambda: string,
  destination: string,
  final = true,
): Promise<void> {
  const { msg } = await config.call('Configure', { action: 'CHANGE', lambda, destination, weight: 1, final });
  assert.equal(msg, 'OK');
}

test('unknown lambdas and loops are answered with the spec retcodes', () =>
  withDispatcher(async (d, lambda, config) => {
    assert.equal(
      (await lambda.runLambda({ name: 'clambda0' })).retcode,
      'No destinations found for the entry',
    );
    await change(config, 'clambda0', computer.endpoint);
    assert.deepEqual(
      await lambda.runLambda({ name: 'clambda0', hops: 255 }),
      errorResponse('loop detected', 0),
    );
    const ok = await lambda.runLambda({ name: 'clambda0', input: 'x', hops: 254 });
    assert.equal(ok.retcode, 'OK');
    assert.equal(ok.output, 'x');
    assert.equal(ok.hops, 256);
    assert.equal(ok.responder, computer.endpoint);
    assert.equal(d.dispatcher.table.has('clambda0', computer.endpoint), true);
  }));

test('the configuration service: one table, weights ignored and shown as 1, REMOVE and FLUSH', () =>
  withDispatcher(async (_d, _lambda, config) => {
    assert.equal((await config.call('GetNumTables', {})).value, 1);
    const cases: [Record<string, unknown>, string][] = [
      [{ action: 'CHANGE', lambda: 'f', destination: 'b:1', weight: -42, final: true }, 'OK'],
      [{ action: 'CHANGE', lambda: 'f', destination: 'a:1', weight: 0 }, 'OK'],
      [{ action: 'CHANGE', lambda: 'g', destination: 'a:1', weight: 7, final: true }, 'OK'],
      [
        { action: 'CHANGE', lambda: 'f', destination: '', weight: 1 },
        "Error: Invalid destination towards '' with weight 1.000000",
      ],
      [{ action: 7, lambda: 'f', destination: 'a:1', weight: 1 }, 'Error: invalid action 7'],
    ];
    for (const [conf, msg] of cases) assert.equal((await config.call('Configure', conf)).msg, msg);
    assert.deepEqual((await config.call('GetTable', { value: 0 })).entries, [
      { lambda: 'f', destination: 'a:1', weight: 1, final: false },
      { lambda: 'f', destination: 'b:1', weight: 1, final: true },
      { lambda: 'g', destination: 'a:1', weight: 1, final: true },
    ]);
    assert.deepEqual((await config.call('GetTable', { value: 1 })).entries, []);
    await config.call('Configure', { action: 'REMOVE', lambda: 'f', destination: 'b:1' });
    assert.equal((await config.call('GetTable', { value: 0 })).entries.length, 2);
    await config.call('Configure', { action: 'REMOVE', lambda: 'f', destination: '' });
    assert.deepEqual(
      (await config.call('GetTable', { value: 0 })).entries.map((e) => e.lambda),
      ['g'],
    );
    assert.equal(
      (await config.call('Configure', { action: 'FLUSH' })).msg,
      "Error: empty Configure refused: a FLUSH must give lambda '*' (every lambda)",
    );
    assert.equal((await config.call('GetTable', { value: 0 })).entries.length, 1);
    assert.equal((await config.call('Configure', FLUSH_COMMAND)).msg, 'OK');
    assert.deepEqual((await config.call('GetTable', { value: 0 })).entries, []);
  }));

test('a destination without the lambda or unreachable is dropped, reported, and the request retried', () =>
  withDispatcher(async (d, lambda, config) => {
    const stranger = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '',
      conf: 'type=intel-server',
    });
    const closed = { endpoint: await freeEndpoint() };
    try {
      // The intel-server profile has clambda0 only: glambda0 there answers "No container for lambda".
      for (const destination of [stranger.endpoint, computer.endpoint, closed.endpoint])
        await change(config, 'glambda0', destination);
      removed.length = 0;
      for (let i = 0; i < 10; i++) {
        const res = await lambda.runLambda({ name: 'glambda0', input: 'x' });
        assert.equal(res.retcode, 'OK');
        assert.equal(res.responder, computer.endpoint);
      }
      assert.deepEqual(d.dispatcher.table.destinations('glambda0'), [computer.endpoint]);
      // the controller is told asynchronously
      await Promise.all([stranger.endpoint, closed.endpoint].map((e) => recording.removal(e)));
      assert.deepEqual(
        removed.map((c) => c.edgeServerEndpoint).sort(),
        [stranger.endpoint, closed.endpoint].sort(),
      );
    } finally {
      await stranger.stop();
    }
  }));

test('other application errors go back to the client and keep the destination (Q2 fixed)', () =>
  withDispatcher(async (d, lambda, config) => {
    await change(config, 'clambda0', computer.endpoint);
    const res = await lambda.runLambda({ name: 'clambda0', chain: ['a', 'b'] });
    assert.equal(res.retcode, 'Cannot handle multiple functions without a callback in the request');
    assert.equal(d.dispatcher.table.has('clambda0', computer.endpoint), true);
  }));

test('dry requests are forwarded as dry and teach the estimator nothing (Q1 fixed)', async () => {
  const output = join(dir, 'dry.dat');
  await withDispatcher(async (_d, lambda, config) => {
    await change(config, 'clambda0', computer.endpoint);
    const dry = await lambda.runLambda({ name: 'clambda0', input: 'A'.repeat(10000) }, true);
    assert.equal(dry.retcode, 'OK');
    assert.equal(dry.ptime, 100); // the estimate: 1.0004e10 ops at 1e11 ops/s, truncated
    assert.equal(dry.output, '');
    assert.equal(dry.responder, computer.endpoint);
    assert.equal(readFileSync(output, 'utf8'), '');
    const real = await lambda.runLambda({ name: 'clambda0', input: 'A' });
    assert.equal(real.output, 'A');
    assert.equal(readFileSync(output, 'utf8').split('\n').length, 2);
  }, `type=delay,util-load-timeout=10,util-window-size=50,output=${output}`);
});

test('requests are forwarded with one more hop and forward=true; max-pending-clients bounds the requests in flight', async () => {
  const { server: slow, seen, peak } = await startSlowEchoServer();
  try {
    await withDispatcher(
      async (_d, lambda, config) => {
        await change(config, 'f', slow.endpoint, false);
        await Promise.all(Array.from({ length: 6 }, () => lambda.runLambda({ name: 'f', input: 'x' })));
        assert.equal(peak(), 2);
        assert.ok(seen.every((q) => q.forward && q.hops === 1 && !q.dry));
        // The final flag does not matter: forwarded requests use the same table.
        assert.equal((await lambda.runLambda({ name: 'f', forward: true, hops: 3 })).hops, 5);
      },
      undefined,
      'max-pending-clients=2,min-forward-time=0,max-forward-time=0',
    );
  } finally {
    await slow.stop();
  }
});

test('fake mode answers OK without forwarding', () =>
  withDispatcher(
    async (_d, lambda, config) => {
      await change(config, 'f', '127.0.0.1:1');
      const res = await lambda.runLambda({ name: 'f' });
      assert.equal(res.retcode, 'OK');
      assert.equal(res.responder, '127.0.0.1:1');
    },
    undefined,
    'max-pending-clients=2,min-forward-time=0,max-forward-time=0,fake=true',
  ));

test('every estimator type sends sequential requests to the faster of two computers', async () => {
  const profile = (speed: number): string => {
    const path = join(dir, `profile-${speed}.json`);
    writeFileSync(
      path,
      JSON.stringify({
        version: '1.0',
        processors: [{ name: 'cpu', type: 'GenericCpu', speed, memory: 1e9, cores: 1 }],
        containers: [
          {
            name: 'c',
            processor: 'cpu',
            'num-workers': 4,
            lambda: {
              name: 'f',
              requirements: 'proportional',
              'output-type': 'copy-input',
              'op-coeff': 0,
              'op-offset': 1e7,
              'mem-coeff': 0,
              'mem-offset': 0,
            },
          },
        ],
      }),
    );
    return `type=file,path=${path}`;
  };
  // 10 ms against 100 ms per request.
  const fast = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: profile(1e9),
  });
  const slow = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: profile(1e8),
  });
  try {
    for (const name of estimatorNames().filter((n) => n !== 'rtt')) {
      const conf = defaultEstimatorConf(name)!.replace(/output=[^,]*/, `output=${join(dir, `${name}.dat`)}`);
      await withDispatcher(async (_d, lambda, config) => {
        for (const c of [fast, slow]) await change(config, 'f', c.endpoint);
        for (let i = 0; i < 4; i++)
          assert.equal((await lambda.runLambda({ name: 'f', input: 'x' })).retcode, 'OK');
        const responders: string[] = [];
        for (let i = 0; i < 10; i++)
          responders.push((await lambda.runLambda({ name: 'f', input: 'x' })).responder);
        assert.deepEqual(responders, Array<string>(10).fill(fast.endpoint), name);
      }, conf);
    }
  } finally {
    await Promise.all([fast.stop(), slow.stop()]);
  }
});
