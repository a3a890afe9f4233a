import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectHttp2, constants, type ClientHttp2Session } from 'node:http2';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import {
  startRecordingController,
  type RecordingController,
} from '../controller/recording-controller.test-support.js';
import { startComputerServer, type ComputerServer } from '../platform/computer-server.js';
import { lengthPrefixed } from '../protocol/http2/grpc-message.js';
import { GrpcUnaryServer, type UnaryCall } from '../protocol/http2/grpc-unary-server.js';
import { lambdaCodecs, RUN_LAMBDA } from '../protocol/lambda-wire.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import { startDispatcherServer } from './dispatcher/dispatcher-server.js';
import type { ForwardingLimits } from './forwarding-limits.js';
import { parseRouterConf } from './router-conf.js';
import { startRouterServer, type RouterServer } from './router/router-server.js';

/** A computer that accepts calls and never answers them: a lean server whose handler never resolves. */
class BlackHole {
  readonly calls: { request: LambdaRequest; call: UnaryCall; at: number }[] = [];
  private readonly waiters: (() => void)[] = [];
  server!: GrpcUnaryServer;

  static async start(): Promise<BlackHole> {
    const hole = new BlackHole();
    hole.server = await GrpcUnaryServer.start('127.0.0.1:0', {
      [RUN_LAMBDA]: (bytes, call) => {
        hole.calls.push({ request: lambdaCodecs.request.decode(bytes), call, at: performance.now() });
        for (const wake of hole.waiters.splice(0)) wake();
        return new Promise<Buffer>(() => undefined);
      },
    });
    return hole;
  }

  get endpoint(): string {
    return this.server.endpoint;
  }

  /** The `n`-th call (from 1), once it has arrived. */
  async call(n: number): Promise<{ request: LambdaRequest; call: UnaryCall; at: number }> {
    while (this.calls.length < n) await new Promise<void>((resolve) => this.waiters.push(resolve));
    return this.calls[n - 1]!;
  }
}

/** Resolves once a call's signal has aborted, with the reason. */
async function aborted(call: UnaryCall): Promise<unknown> {
  if (!call.signal.aborted) await once(call.signal, 'abort');
  return call.signal.reason;
}

let computer: ComputerServer;
let controller: RecordingController;

before(async () => {
  computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
  });
  controller = await startRecordingController();
});
after(async () => {
  await computer.stop();
  await controller.server.stop();
});

/** A router reporting to the recording controller, with the given limits and `max-pending-clients`. */
/**
 * Waits for a call whose deadline passes while the router forwards it: the client's own timer
 * (DEADLINE_EXCEEDED) and the router's, a fraction of a millisecond earlier (`Deadline exceeded forwarding
 * to <destination>`), race; either ends it, nothing else.
 */
async function endsAtDeadline(reply: Promise<LambdaResponse>, destination: string): Promise<void> {
  const outcome = await reply.then(
    (response) => response.retcode,
    (err: unknown) => err,
  );
  if (typeof outcome === 'string') {
    assert.equal(outcome, `Deadline exceeded forwarding to ${destination}`);
  } else {
    assert.equal((outcome as { code?: number }).code, grpc.status.DEADLINE_EXCEEDED, String(outcome));
  }
}

function router(limits: Partial<ForwardingLimits>, maxPending = 2): Promise<RouterServer> {
  return startRouterServer('127.0.0.1:0', '127.0.0.1:0', {
    tableConf: 'type=random',
    optimizerConf: 'type=none',
    router: parseRouterConf(`max-pending-clients=${maxPending},min-forward-time=0,max-forward-time=0`),
    controllerEndpoint: controller.server.endpoint,
    limits,
  });
}

/** Sends CHANGE (lambda clambda0, weight 1, final) to a broker's configuration end-point. */
async function route(configuration: string, destination: string, lambda = 'clambda0'): Promise<string> {
  const config = new RpcClient('uiiit.rpc.EdgeRouter', configuration);
  try {
    return (await config.call('Configure', { action: 'CHANGE', lambda, destination, weight: 1, final: true }))
      .msg;
  } finally {
    config.close();
  }
}

/** A RunLambda call by node:http2, which can reset it; `response` is the decoded reply, or the gRPC status. */
function rawCall(session: ClientHttp2Session, name: string) {
  const stream = session.request({
    ':method': 'POST',
    ':path': RUN_LAMBDA,
    'content-type': 'application/grpc',
    te: 'trailers',
  });
  stream.end(lengthPrefixed(lambdaCodecs.request.encode({ name, input: 'x' })));
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  const response = new Promise<LambdaResponse | string>((resolve) => {
    stream.on('trailers', (t: Record<string, unknown>) => {
      if (t['grpc-status'] !== '0') resolve(`status ${String(t['grpc-status'])}`);
      else resolve(lambdaCodecs.response.decode(Buffer.concat(chunks).subarray(5)));
    });
    stream.on('close', () => resolve('closed'));
    stream.on('error', () => resolve('error'));
  });
  return { stream, response };
}

describe('forwarded calls have deadlines (issue 12, finding 7)', { timeout: 60_000 }, () => {
  test('a destination silent for the forward timeout is dropped, reported, and the request retried elsewhere', async () => {
    const hole = await BlackHole.start();
    const r = await router({ forwardTimeoutMs: 300 });
    const client = new GrpcLambdaClient(r.endpoint);
    try {
      assert.equal(await route(r.configurationEndpoint, hole.endpoint), 'OK');
      const reply = client.runLambda({ name: 'clambda0', input: 'abc' });
      const first = await hole.call(1);
      // The forwarded call carries the router's deadline (grpc-timeout), at most 300 ms from its start.
      assert.ok(first.call.deadline !== undefined && first.call.deadline <= first.at + 300);
      assert.equal(first.request.forward, true);
      assert.equal(await route(r.configurationEndpoint, computer.endpoint), 'OK');
      const response = await reply;
      assert.equal(response.retcode, 'OK');
      assert.equal(response.responder, computer.endpoint);
      assert.deepEqual(await controller.removal(hole.endpoint), {
        edgeServerEndpoint: hole.endpoint,
        containers: [],
        managementEndpoint: '',
      });
      assert.equal(r.router.tables[0].has('clambda0', hole.endpoint), false);
      assert.equal(r.router.tables[0].has('clambda0', computer.endpoint), true);
      const reason = (await aborted(first.call)) as { code: number };
      assert.ok([grpc.status.DEADLINE_EXCEEDED, grpc.status.CANCELLED].includes(reason.code));
    } finally {
      client.close();
      await r.stop();
      await hole.server.stop(0);
    }
  });

  test('a client deadline shorter than the forward timeout travels downstream and does not drop the destination', async () => {
    const hole = await BlackHole.start();
    const r = await router({ forwardTimeoutMs: 60_000 });
    const client = new GrpcLambdaClient(r.endpoint);
    try {
      assert.equal(await route(r.configurationEndpoint, hole.endpoint), 'OK');
      await endsAtDeadline(client.runLambda({ name: 'clambda0' }, false, { timeoutMs: 200 }), hole.endpoint);
      const first = await hole.call(1);
      assert.ok(first.call.deadline !== undefined && first.call.deadline <= first.at + 200);
      await aborted(first.call);
      // The router has given up on the forward by now; the destination is still there.
      const again = client.runLambda({ name: 'clambda0' }, false, { timeoutMs: 200 });
      await hole.call(2);
      await endsAtDeadline(again, hole.endpoint);
      assert.equal(r.router.tables[0].has('clambda0', hole.endpoint), true);
      assert.deepEqual(
        controller.removed.filter((x) => x.edgeServerEndpoint === hole.endpoint),
        [],
      );
    } finally {
      client.close();
      await r.stop();
      await hole.server.stop(0);
    }
  });

  test('at most max-queued-requests wait for a busy destination; the next is answered at once', async () => {
    const hole = await BlackHole.start();
    const r = await router({ forwardTimeoutMs: 60_000, maxQueuedRequests: 2 }, 1);
    const session = connectHttp2(`http://${r.endpoint}`);
    try {
      assert.equal(await route(r.configurationEndpoint, hole.endpoint), 'OK');
      const inFlight = rawCall(session, 'clambda0');
      await hole.call(1);
      const queued = [rawCall(session, 'clambda0'), rawCall(session, 'clambda0')];
      const answered: string[] = [];
      for (const [i, q] of queued.entries()) void q.response.then(() => answered.push(`queued ${i}`));
      const refused = (await rawCall(session, 'clambda0').response) as LambdaResponse;
      assert.equal(refused.retcode, `Too many requests waiting for ${hole.endpoint} (2, at most 2)`);
      assert.deepEqual(answered, [], 'the two queued requests still wait');

      // Rapid reset: requests reset by their client leave the queue at once, making room.
      for (const q of queued) q.stream.close(constants.NGHTTP2_CANCEL);
      const next = [rawCall(session, 'clambda0'), rawCall(session, 'clambda0')];
      const over = (await rawCall(session, 'clambda0').response) as LambdaResponse;
      assert.equal(over.retcode, `Too many requests waiting for ${hole.endpoint} (2, at most 2)`);
      for (const n of [...next, inFlight]) n.stream.close(constants.NGHTTP2_CANCEL);
      assert.equal(hole.calls.length, 1, 'nothing but the first request reached the destination');
    } finally {
      session.destroy();
      await r.stop();
      await hole.server.stop(0);
    }
  });

  test('rapid reset: thousands of requests reset while they wait leave the queue; other lambdas are served throughout', async () => {
    const hole = await BlackHole.start();
    const r = await router({ forwardTimeoutMs: 60_000, maxQueuedRequests: 500 }, 1);
    try {
      assert.equal(await route(r.configurationEndpoint, hole.endpoint), 'OK');
      assert.equal(await route(r.configurationEndpoint, computer.endpoint, 'glambda0'), 'OK');
      const holder = connectHttp2(`http://${r.endpoint}`);
      rawCall(holder, 'clambda0');
      await hole.call(1);
      // 8 connections × 400 requests reset at once (under the server's RST_STREAM burst limit of 1,000).
      for (let c = 0; c < 8; c++) {
        const session = connectHttp2(`http://${r.endpoint}`);
        for (let i = 0; i < 400; i++) rawCall(session, 'clambda0').stream.close(constants.NGHTTP2_CANCEL);
        // On the same connection, so it is read after the resets: served by the computer meanwhile.
        const served = (await rawCall(session, 'glambda0').response) as LambdaResponse;
        assert.equal(served.retcode, 'OK');
        session.destroy();
      }
      // Nothing left of them in the queue: 500 fit in it again, the next is refused.
      const session = connectHttp2(`http://${r.endpoint}`);
      const queued = Array.from({ length: 500 }, () => rawCall(session, 'clambda0'));
      const refused = (await rawCall(session, 'clambda0').response) as LambdaResponse;
      assert.equal(refused.retcode, `Too many requests waiting for ${hole.endpoint} (500, at most 500)`);
      assert.equal(hole.calls.length, 1);
      for (const q of queued) q.stream.close(constants.NGHTTP2_CANCEL);
      session.destroy();
      holder.destroy();
    } finally {
      await r.stop();
      await hole.server.stop(0);
    }
  });

  test('a route to the router itself is refused, by any name of its end-point', async () => {
    const r = await router({});
    try {
      const port = r.endpoint.slice(r.endpoint.lastIndexOf(':') + 1);
      for (const self of [r.endpoint, `localhost:${port}`, `0.0.0.0:${port}`]) {
        assert.equal(
          await route(r.configurationEndpoint, self),
          `Error: destination "${self}" is this broker's own end-point: its requests would loop`,
        );
      }
      assert.deepEqual(r.router.tables[0].entries(), []);
      assert.equal(await route(r.configurationEndpoint, `127.0.0.1:${Number(port) === 1 ? 2 : 1}`), 'OK');
    } finally {
      await r.stop();
    }
  });

  test('a dispatcher refuses a route to itself too', async () => {
    const d = await startDispatcherServer('127.0.0.1:0', '127.0.0.1:0', {
      ptimeEstConf: 'type=rtt,window-size=50,stale-period=10',
      router: parseRouterConf('max-pending-clients=2,min-forward-time=0,max-forward-time=0'),
    });
    try {
      assert.equal(
        await route(d.configurationEndpoint, d.endpoint),
        `Error: destination "${d.endpoint}" is this broker's own end-point: its requests would loop`,
      );
      assert.deepEqual(d.dispatcher.table.entries(), []);
    } finally {
      await d.stop();
    }
  });

  test('a dispatcher probing a destination that never answers its dry runs chooses among the others in time', async () => {
    const d = await startDispatcherServer('127.0.0.1:0', '127.0.0.1:0', {
      ptimeEstConf: 'type=probe,max-clients=10,output=/dev/null',
      router: parseRouterConf('max-pending-clients=2,min-forward-time=0,max-forward-time=0'),
      limits: { forwardTimeoutMs: 300 },
    });
    const hole = await BlackHole.start();
    const client = new GrpcLambdaClient(d.endpoint);
    try {
      assert.equal(await route(d.configurationEndpoint, hole.endpoint), 'OK');
      assert.equal(await route(d.configurationEndpoint, computer.endpoint), 'OK');
      const response = await client.runLambda({ name: 'clambda0', input: 'x' });
      assert.equal(response.retcode, 'OK');
      assert.equal(response.responder, computer.endpoint);
      const probe = await hole.call(1);
      assert.equal(probe.request.dry, true);
      assert.ok(probe.call.deadline !== undefined && probe.call.deadline <= probe.at + 300);
    } finally {
      client.close();
      await d.stop();
      await hole.server.stop(0);
    }
  });

  test('two routers routing to each other (a loop the end-points cannot show) answer within the forward timeout', async () => {
    const a = await router({ forwardTimeoutMs: 500 });
    const b = await router({ forwardTimeoutMs: 500 });
    const client = new GrpcLambdaClient(a.endpoint);
    try {
      // Final routes to each other: each forwarded request comes back through table #1, holding the
      // pool's 2 slots per destination until every hop waits on another: a deadlock without deadlines.
      assert.equal(await route(a.configurationEndpoint, b.endpoint), 'OK');
      assert.equal(await route(b.configurationEndpoint, a.endpoint), 'OK');
      const { retcode } = await client.runLambda({ name: 'clambda0' });
      // Whichever timer fires first: a's own forward timeout (b dropped, none left), or a deadline
      // inherited by an inner hop, whose answer travels back up unchanged.
      const expected = [
        'No destinations found for the entry',
        `Deadline exceeded forwarding to ${a.endpoint}`,
        `Deadline exceeded forwarding to ${b.endpoint}`,
      ];
      assert.ok(expected.includes(retcode), retcode);
    } finally {
      client.close();
      await a.stop();
      await b.stop();
    }
  });
});

describe(
  'a request its client gives up on cancels the forwarded call (issue 12, finding 5)',
  { timeout: 60_000 },
  () => {
    test('a client reset at a router: the computer’s handler sees its call abort', async () => {
      const hole = await BlackHole.start();
      const r = await router({ forwardTimeoutMs: 60_000 });
      const session = connectHttp2(`http://${r.endpoint}`);
      try {
        assert.equal(await route(r.configurationEndpoint, hole.endpoint), 'OK');
        const { stream } = rawCall(session, 'clambda0');
        const forwarded = await hole.call(1);
        stream.close(constants.NGHTTP2_CANCEL);
        const reason = (await aborted(forwarded.call)) as { code: number; message: string };
        assert.deepEqual(
          [reason.code, reason.message],
          [grpc.status.CANCELLED, 'Call cancelled by the client (RST_STREAM)'],
        );
        // The destination is not to blame: it stays.
        assert.equal(r.router.tables[0].has('clambda0', hole.endpoint), true);
      } finally {
        session.destroy();
        await r.stop();
        await hole.server.stop(0);
      }
    });

    test('a client dropping its connection at a dispatcher: the computer’s handler sees its call abort', async () => {
      const hole = await BlackHole.start();
      const d = await startDispatcherServer('127.0.0.1:0', '127.0.0.1:0', {
        ptimeEstConf: 'type=rtt,window-size=50,stale-period=10',
        router: parseRouterConf('max-pending-clients=2,min-forward-time=0,max-forward-time=0'),
        limits: { forwardTimeoutMs: 60_000 },
      });
      const session = connectHttp2(`http://${d.endpoint}`);
      try {
        assert.equal(await route(d.configurationEndpoint, hole.endpoint), 'OK');
        rawCall(session, 'clambda0');
        const forwarded = await hole.call(1);
        session.destroy();
        const reason = (await aborted(forwarded.call)) as { code: number };
        assert.equal(reason.code, grpc.status.CANCELLED);
      } finally {
        await d.stop();
        await hole.server.stop(0);
      }
    });

    test('a reset flood: every one of 300 forwarded calls is cancelled at the computer, none left running', async () => {
      const hole = await BlackHole.start();
      const r = await router({ forwardTimeoutMs: 60_000 }, 0);
      const session = connectHttp2(`http://${r.endpoint}`);
      try {
        assert.equal(await route(r.configurationEndpoint, hole.endpoint), 'OK');
        const calls = Array.from({ length: 300 }, () => rawCall(session, 'clambda0'));
        await hole.call(300);
        for (const c of calls) c.stream.close(constants.NGHTTP2_CANCEL);
        const reasons = await Promise.all(hole.calls.map((c) => aborted(c.call)));
        assert.equal(reasons.length, 300);
        assert.ok(reasons.every((x) => (x as { code: grpc.status }).code === grpc.status.CANCELLED));
      } finally {
        session.destroy();
        await r.stop();
        await hole.server.stop(0);
      }
    });
  },
);
