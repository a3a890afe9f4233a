import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { startLambdaServer } from './edge-server.js';
import {
  lambdaTransport,
  lambdaTransports,
  TRANSPORT_VARIABLE,
  type LambdaCall,
  type LambdaServer,
} from './lambda-transports.js';
import { errorResponse } from './responses.js';

// The original's TestEdgeServerGrpc (an upper-casing server, an unknown lambda and a throwing one), as the
// contract of every lambda transport: each client transport against each server transport.
for (const serverTransport of lambdaTransports.names()) {
  for (const clientTransport of lambdaTransports.names()) {
    describe(`${clientTransport} client to a ${serverTransport} lambda server`, () => {
      let server: LambdaServer;
      let client: GrpcLambdaClient;
      /** The calls of `my-hang`, which never answers, and a wake-up for a test waiting on the next. */
      const hanging: { call: LambdaCall; at: number }[] = [];
      let arrived: () => void = () => undefined;

      before(async () => {
        server = await startLambdaServer(
          '127.0.0.1:0',
          (req, call) => {
            if (req.name === 'my-hang') {
              hanging.push({ call, at: performance.now() });
              arrived();
              return new Promise(() => undefined);
            }
            if (req.name === 'my-bomb') throw new Error('exception raised');
            if (req.name === 'my-silent-bomb') throw new Error('');
            if (req.name !== 'my-lambda') return errorResponse(`invalid lambda: ${req.name}`, req.hops + 1);
            return { ...errorResponse('OK', req.hops + 1), output: req.input.toUpperCase() };
          },
          { transport: lambdaTransport(serverTransport) },
        );
        client = new GrpcLambdaClient(server.endpoint, { transport: lambdaTransport(clientTransport) });
        await client.ready(5000);
      });
      after(async () => {
        client.close();
        await server.stop();
      });

      test('a lambda server answers over gRPC', async () => {
        const res = await client.runLambda({ name: 'my-lambda', input: 'Hello world!' });
        assert.equal(res.retcode, 'OK');
        assert.equal(res.output, 'HELLO WORLD!');
        assert.equal(res.hops, 1);
        assert.equal((await client.runLambda({ name: 'my-lambda', input: 'x' }, true)).output, 'X');
      });

      test('an unknown lambda is an application error, not a transport one', async () => {
        const res = await client.runLambda({ name: 'not-my-lambda', input: 'Hello world!' });
        assert.equal(res.retcode, 'invalid lambda: not-my-lambda');
        assert.equal(res.output, '');
      });

      test('a throwing processor gives `invalid <name> request: <what>` with gRPC OK', async () => {
        const res = await client.runLambda({ name: 'my-bomb', hops: 3 });
        assert.equal(res.retcode, "invalid 'my-bomb' request: exception raised");
        assert.equal(res.hops, 4);
        const silent = await client.runLambda({ name: 'my-silent-bomb' });
        assert.equal(silent.retcode, "invalid 'my-silent-bomb' request: unknown reasons");
      });

      test('the handler sees the call’s deadline and hears when the client gives up', async () => {
        const gone = new Promise<void>((resolve) => (arrived = resolve));
        await assert.rejects(client.runLambda({ name: 'my-hang' }, false, { timeoutMs: 300 }), {
          name: 'RpcError',
          code: grpc.status.DEADLINE_EXCEEDED,
        });
        await gone;
        const { call, at } = hanging[0]!;
        // At most 300 ms after the handler started (grpc-js: + 1 ms, as it keeps deadlines in whole Date.now() ms).
        assert.ok(call.deadline !== undefined && call.deadline <= at + 301, `${call.deadline} vs ${at}`);
        const reason = await new Promise<Error>((resolve) => call.onAbort(resolve));
        assert.ok(reason instanceof Error);
        assert.equal(call.signal.aborted, true);
      });

      test('nobody listening is an UNAVAILABLE RpcError', async () => {
        const stopped = await startLambdaServer('127.0.0.1:0', () => errorResponse('OK', 0));
        await stopped.stop(0);
        const dead = new GrpcLambdaClient(stopped.endpoint, { transport: lambdaTransport(clientTransport) });
        await assert.rejects(dead.runLambda({ name: 'my-lambda' }), {
          name: 'RpcError',
          code: grpc.status.UNAVAILABLE,
        });
        dead.close();
      });
    });
  }
}

test(`${TRANSPORT_VARIABLE} chooses the transport; an unknown one is refused naming the variable`, () => {
  const saved = process.env[TRANSPORT_VARIABLE];
  try {
    process.env[TRANSPORT_VARIABLE] = 'grpc-js';
    assert.equal(lambdaTransport(), lambdaTransport('grpc-js'));
    delete process.env[TRANSPORT_VARIABLE];
    assert.equal(lambdaTransport(), lambdaTransport('lean'));
    process.env[TRANSPORT_VARIABLE] = 'quic';
    assert.throws(() => lambdaTransport(), {
      message: `Unknown lambda transport 'quic' (${TRANSPORT_VARIABLE}); known: lean, grpc-js, node-http2`,
    });
  } finally {
    if (saved === undefined) delete process.env[TRANSPORT_VARIABLE];
    else process.env[TRANSPORT_VARIABLE] = saved;
  }
});
