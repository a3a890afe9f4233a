import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { startLambdaServer } from './edge-server.js';
import {
  lambdaTransport,
  lambdaTransports,
  type LambdaCall,
  type LambdaServer,
} from './lambda-transports.js';

/** The client transports that honour `LambdaCallOptions.signal`. */
const CANCELLING_CLIENTS = ['lean', 'grpc-js', 'node-http2'];

// A call's `signal` cancels it end to end (issue 12, finding 5): the client fails CANCELLED at once, and
// the server's handler sees its call abort, so work nobody waits for stops.
for (const serverTransport of lambdaTransports.names()) {
  for (const clientTransport of CANCELLING_CLIENTS) {
    describe(`${clientTransport} client cancelling a call to a ${serverTransport} lambda server`, () => {
      let server: LambdaServer;
      let client: GrpcLambdaClient;
      const hanging: LambdaCall[] = [];
      let arrived: () => void = () => undefined;

      before(async () => {
        server = await startLambdaServer(
          '127.0.0.1:0',
          (_req, call) => {
            hanging.push(call);
            arrived();
            return new Promise(() => undefined);
          },
          { transport: lambdaTransport(serverTransport) },
        );
        client = new GrpcLambdaClient(server.endpoint, { transport: lambdaTransport(clientTransport) });
        await client.ready(5000);
      });
      after(async () => {
        client.close();
        await server.stop(0);
      });

      test('an AbortSignal firing after the call started: CANCELLED, and the handler hears it', async () => {
        const started = new Promise<void>((resolve) => (arrived = resolve));
        const controller = new AbortController();
        const reply = client.runLambda({ name: 'hang' }, false, { signal: controller.signal });
        await started;
        controller.abort(new Error('client gone'));
        await assert.rejects(reply, { name: 'RpcError', code: grpc.status.CANCELLED });
        const reason = await new Promise<Error>((resolve) => hanging[0]!.onAbort(resolve));
        assert.ok(reason instanceof Error);
      });

      test('an incoming call (onAbort) as the signal, already aborted: CANCELLED, nothing sent', async () => {
        const before = hanging.length;
        const gone: Pick<LambdaCall, 'onAbort'> = {
          onAbort: (listener) => {
            listener(new Error('gone'));
            return () => undefined;
          },
        };
        await assert.rejects(client.runLambda({ name: 'hang' }, false, { signal: gone }), {
          code: grpc.status.CANCELLED,
        });
        // A call that does get there afterwards shows the cancelled one never did.
        const started = new Promise<void>((resolve) => (arrived = resolve));
        const controller = new AbortController();
        const next = client.runLambda({ name: 'hang' }, false, { signal: controller.signal });
        await started;
        assert.equal(hanging.length, before + 1);
        controller.abort();
        await assert.rejects(next, { code: grpc.status.CANCELLED });
      });
    });
  }
}
