import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { startLambdaServer } from './edge-server.js';
import {
  lambdaTransport,
  lambdaTransports,
  TRANSPORT_VARIABLE,
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

      before(async () => {
        server = await startLambdaServer(
          '127.0.0.1:0',
          (req) => {
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
      message: `Unknown lambda transport 'quic' (${TRANSPORT_VARIABLE}); known: lean, grpc-js`,
    });
  } finally {
    if (saved === undefined) delete process.env[TRANSPORT_VARIABLE];
    else process.env[TRANSPORT_VARIABLE] = saved;
  }
});
