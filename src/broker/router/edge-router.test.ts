import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import { startComputerServer, type ComputerServer } from '../../platform/computer-server.js';
import type { ComputerInfo } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { RpcClient } from '../../protocol/rpc-client.js';
import { startSlowEchoServer } from '../../protocol/slow-echo-server.test-support.js';
import { RpcServer } from '../../protocol/rpc-server.js';
import {
  startRecordingController,
  type RecordingController,
} from '../../controller/recording-controller.test-support.js';
import { codec } from '../../protocol/codec.js';
import { FLUSH_COMMAND } from '../configure-rules.js';
import { parseRouterConf } from '../router-conf.js';
import { startRouterServer, type RouterServer } from './router-server.js';

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

async function router(
  optimizerConf = 'type=none',
  routerConf = 'max-pending-clients=0,min-forward-time=0,max-forward-time=0',
) {
  return startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf: 'type=random',
    optimizerConf,
    router: parseRouterConf(routerConf),
    controllerEndpoint: controller.endpoint,
  });
}

/** Runs `body` with a router, its lambda client and its configuration client; stops them after. */
async function withRouter(
  body: (
    r: RouterServer,
    lambda: GrpcLambdaClient,
    config: RpcClient<'uiiit.rpc.EdgeRouter'>,
  ) => Promise<void>,
  optimizerConf?: string,
  routerConf?: string,
): Promise<void> {
  const r = await router(optimizerConf, routerConf);
  const lambda = new GrpcLambdaClient(r.endpoint);
  const config = new RpcClient('uiiit.rpc.EdgeRouter', r.configurationEndpoint);
  try {
    await body(r, lambda, config);
  } finally {
    lambda.close();
    config.close();
    await r.stop();
  }
}

test('unknown lambdas and loops are answered with the spec retcodes', () =>
  withRouter(async (r, lambda, config) => {
    assert.equal(
      (await lambda.runLambda({ name: 'clambda0' })).retcode,
      'No destinations found for the entry',
    );
    await config.call('Configure', {
      action: 'CHANGE',
      lambda: 'clambda0',
      destination: computer.endpoint,
      weight: 1,
      final: true,
    });
    const loop = await lambda.runLambda({ name: 'clambda0', hops: 255 });
    assert.deepEqual(loop, errorResponse('loop detected', 0));
    const ok = await lambda.runLambda({ name: 'clambda0', input: 'x', hops: 254 });
    assert.equal(ok.retcode, 'OK');
    assert.equal(ok.hops, 256);
    assert.equal(ok.responder, computer.endpoint);
    assert.equal(r.router.tables[1].has('clambda0', computer.endpoint), true);
  }));

test('malformed Configure messages get an Error reply and change nothing', () =>
  withRouter(async (r, _lambda, config) => {
    const cases: [Record<string, unknown>, string][] = [
      [
        { action: 'CHANGE', lambda: 'f', destination: 'a:1', weight: -1, final: true },
        "Error: Invalid weight '-1.000000', must be > 0",
      ],
      [
        { action: 'CHANGE', lambda: 'f', destination: '', weight: 1 },
        "Error: Invalid destination towards '' with weight 1.000000",
      ],
      [
        { action: 'CHANGE', lambda: 'f', destination: 'a:1', weight: 0 },
        "Error: Invalid destination towards 'a:1' with weight 0.000000",
      ],
      [{ action: 7, lambda: 'f', destination: 'a:1', weight: 1 }, 'Error: invalid action 7'],
    ];
    for (const [conf, msg] of cases) assert.equal((await config.call('Configure', conf)).msg, msg);
    assert.equal(r.router.tables[0].entries().length, 0);
    const raw = new grpc.Client(r.configurationEndpoint, grpc.credentials.createInsecure());
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      raw.makeUnaryRequest(
        '/uiiit.rpc.EdgeRouter/Configure',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.from([0x12, 0x09, 0x41]),
        (e) => resolve(e),
      ),
    );
    raw.close();
    assert.equal(err?.code, grpc.status.INTERNAL);
    assert.equal((await config.call('GetNumTables', {})).value, 2);
    assert.deepEqual((await config.call('GetTable', { value: 5 })).entries, []);
  }));

test('an empty (0-byte) Configure, which decodes as FLUSH, is refused; only FLUSH with lambda * flushes (issue 12, finding 9)', () =>
  withRouter(async (r, _lambda, config) => {
    for (const destination of ['127.0.0.1:1', '[::1]:2']) {
      await config.call('Configure', { action: 'CHANGE', lambda: 'f', destination, weight: 1, final: true });
    }
    const raw = new grpc.Client(r.configurationEndpoint, grpc.credentials.createInsecure());
    const reply = await new Promise<Buffer>((resolve, reject) =>
      raw.makeUnaryRequest(
        '/uiiit.rpc.EdgeRouter/Configure',
        (b: Buffer) => b,
        (b: Buffer) => b,
        Buffer.alloc(0),
        (e, value) => (e ? reject(e) : resolve(value!)),
      ),
    );
    raw.close();
    assert.deepEqual(codec('uiiit.rpc.Return').decode(reply), {
      msg: "Error: empty Configure refused: a FLUSH must give lambda '*' (every lambda)",
    });
    // A REMOVE that lost its action reads as FLUSH too.
    assert.equal(
      (await config.call('Configure', { lambda: 'f', destination: '127.0.0.1:1' })).msg,
      `Error: FLUSH must give lambda '*' (every lambda), not "f"`,
    );
    assert.equal(r.router.tables[0].entries().length, 2);
    assert.equal(r.router.tables[1].entries().length, 2);
    const bad: [Record<string, unknown>, string][] = [
      [
        { action: 'CHANGE', lambda: 'f', destination: '999.1.1.1:0', weight: 1 },
        'Error: destination has port "0", not in 1..65535: "999.1.1.1:0"',
      ],
      [
        { action: 'CHANGE', lambda: 'f\u0000', destination: '127.0.0.1:3', weight: 1 },
        'Error: lambda has a control character: "f\\u0000"',
      ],
      [
        { action: 'CHANGE', lambda: 'f'.repeat(1 << 20), destination: '127.0.0.1:3', weight: 1 },
        `Error: lambda is longer than 256 characters: "${'f'.repeat(64)}"… (1048576 characters)`,
      ],
    ];
    for (const [conf, msg] of bad) assert.equal((await config.call('Configure', conf)).msg, msg);
    assert.equal(r.router.tables[0].entries().length, 2);
    assert.equal((await config.call('Configure', FLUSH_COMMAND)).msg, 'OK');
    assert.deepEqual([r.router.tables[0].entries(), r.router.tables[1].entries()], [[], []]);
  }));

test('a destination without the lambda is dropped, reported, and the request retried elsewhere', () =>
  withRouter(async (r, lambda, config) => {
    const stranger = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '',
      conf: 'type=intel-server',
    });
    try {
      // The intel-server profile has clambda0 only: glambda0 there answers "No container for lambda".
      for (const destination of [stranger.endpoint, computer.endpoint]) {
        await config.call('Configure', {
          action: 'CHANGE',
          lambda: 'glambda0',
          destination,
          weight: 1,
          final: true,
        });
      }
      removed.length = 0;
      for (let i = 0; i < 10; i++) {
        const res = await lambda.runLambda({ name: 'glambda0', input: 'x' });
        assert.equal(res.retcode, 'OK');
        assert.equal(res.responder, computer.endpoint);
      }
      assert.equal(r.router.tables[0].has('glambda0', stranger.endpoint), false);
      assert.equal(r.router.tables[1].has('glambda0', stranger.endpoint), false);
      await recording.removal(stranger.endpoint); // the controller is told asynchronously
      assert.deepEqual(
        removed.map((c) => c.edgeServerEndpoint),
        [stranger.endpoint],
      );
    } finally {
      await stranger.stop();
    }
  }));

test('other application errors go back to the client and keep the destination (Q2 fixed)', () =>
  withRouter(async (r, lambda, config) => {
    await config.call('Configure', {
      action: 'CHANGE',
      lambda: 'clambda0',
      destination: computer.endpoint,
      weight: 1,
      final: true,
    });
    const res = await lambda.runLambda({ name: 'clambda0', chain: ['a', 'b'] });
    assert.equal(res.retcode, 'Cannot handle multiple functions without a callback in the request');
    assert.equal(r.router.tables[0].has('clambda0', computer.endpoint), true);
  }));

test('dry requests are forwarded as dry and do not feed the optimizer (Q1 fixed)', () =>
  withRouter(async (r, lambda, config) => {
    await config.call('Configure', {
      action: 'CHANGE',
      lambda: 'clambda0',
      destination: computer.endpoint,
      weight: 1,
      final: true,
    });
    const dry = await lambda.runLambda({ name: 'clambda0', input: 'A'.repeat(10000) }, true);
    assert.equal(dry.retcode, 'OK');
    assert.equal(dry.ptime, 100); // the estimate: 1.0004e10 ops at 1e11 ops/s, truncated
    assert.equal(dry.output, '');
    assert.equal(r.router.tables[0].weight('clambda0', computer.endpoint), 1);
    const t0 = performance.now();
    const real = await lambda.runLambda({ name: 'clambda0', input: 'A' });
    const latency = (performance.now() - t0) / 1000;
    assert.equal(real.output, 'A');
    // the first sample is the weight: the forwarding time, within the client's latency
    const w = r.router.tables[0].weight('clambda0', computer.endpoint)!;
    assert.ok(w > 0 && w <= latency, `measured weight ${w} s, latency ${latency} s`);
  }, 'type=async,alpha=0.5'));

test('forwarded requests use the final table; max-pending-clients bounds the requests in flight', async () => {
  const { server: slow, seen, peak } = await startSlowEchoServer();
  try {
    await withRouter(
      async (_r, lambda, config) => {
        await config.call('Configure', {
          action: 'CHANGE',
          lambda: 'f',
          destination: slow.endpoint,
          weight: 1,
          final: false,
        });
        await Promise.all(Array.from({ length: 6 }, () => lambda.runLambda({ name: 'f', input: 'x' })));
        assert.equal(peak(), 2);
        assert.ok(seen.every((q) => q.forward && q.hops === 1));
        // Not final: a forwarded request finds nothing in table #1.
        const forwarded = await lambda.runLambda({ name: 'f', forward: true });
        assert.equal(forwarded.retcode, 'No destinations found for the entry');
      },
      'type=none',
      'max-pending-clients=2,min-forward-time=0,max-forward-time=0',
    );
  } finally {
    await slow.stop();
  }
});

test('fake mode answers OK without forwarding', () =>
  withRouter(
    async (_r, lambda, config) => {
      await config.call('Configure', {
        action: 'CHANGE',
        lambda: 'f',
        destination: '127.0.0.1:1',
        weight: 1,
        final: true,
      });
      const res = await lambda.runLambda({ name: 'f' });
      assert.equal(res.retcode, 'OK');
      assert.equal(res.responder, '127.0.0.1:1');
    },
    'type=none',
    'max-pending-clients=2,min-forward-time=0,max-forward-time=0,fake=true',
  ));

test('shortest-expected-delay: the router counts its requests in flight back to 0 after replies, dry runs and a failed destination (issue 20)', async () => {
  const r = await startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf: 'type=shortest-expected-delay',
    optimizerConf: 'type=delay-per-request',
    router: parseRouterConf('max-pending-clients=0,min-forward-time=0,max-forward-time=0'),
    controllerEndpoint: controller.endpoint,
  });
  const lambda = new GrpcLambdaClient(r.endpoint);
  const config = new RpcClient('uiiit.rpc.EdgeRouter', r.configurationEndpoint);
  try {
    for (const destination of ['127.0.0.1:1', computer.endpoint]) {
      const reply = await config.call('Configure', {
        action: 'CHANGE',
        lambda: 'clambda0',
        destination,
        weight: 1,
        final: true,
      });
      assert.equal(reply.msg, 'OK');
    }
    const replies = await Promise.all(
      [false, false, true, false].map((dry) => lambda.runLambda({ name: 'clambda0', dry })),
    );
    assert.deepEqual(
      replies.map((x) => [x.retcode, x.responder]),
      replies.map(() => ['OK', computer.endpoint]),
    );
    const table = r.router.tables[0];
    assert.equal(table.has('clambda0', '127.0.0.1:1'), false);
    assert.equal(table.inFlight('clambda0', computer.endpoint), 0);
    assert.notEqual(table.weight('clambda0', computer.endpoint), 1);
  } finally {
    lambda.close();
    config.close();
    await r.stop();
  }
});
