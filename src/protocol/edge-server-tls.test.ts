import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { startLambdaServer, type LambdaProcessor } from './edge-server.js';
import { lambdaTransport, lambdaTransports, type LambdaServer } from './lambda-transports.js';
import { errorResponse } from './responses.js';
import { opensslMissing, TestCertificates } from './test-certificates.test-support.js';
import type { TlsCredentials } from './tls-credentials.js';

const skip = await opensslMissing();

/** The original's upper-casing test server (Test/testedgeservergrpc.cpp). */
const upperCase: LambdaProcessor = (req) => {
  if (req.name === 'my-bomb') throw new Error('exception raised');
  if (req.name !== 'my-lambda') return errorResponse(`invalid lambda: ${req.name}`, req.hops + 1);
  return { ...errorResponse('OK', req.hops + 1), output: req.input.toUpperCase() };
};

// The original's TestEdgeServerGrpc.test_run_lambda_secure, test_secure_server_insecure_client and
// test_insecure_server_secure_client, for each client transport against each server transport (mutual TLS).
describe('RunLambda over TLS, every transport against every other', { skip }, () => {
  let certs: TestCertificates;
  let tls: TlsCredentials;

  before(async () => {
    certs = await TestCertificates.create();
    tls = certs.credentials();
  });
  after(() => certs.remove());

  for (const serverTransport of lambdaTransports.names()) {
    for (const clientTransport of lambdaTransports.names()) {
      describe(`${clientTransport} client, ${serverTransport} server`, () => {
        let secure: LambdaServer;
        let open: LambdaServer;
        const client = (endpoint: string, withTls?: TlsCredentials) =>
          new GrpcLambdaClient(endpoint, { tls: withTls, transport: lambdaTransport(clientTransport) });

        before(async () => {
          const transport = lambdaTransport(serverTransport);
          secure = await startLambdaServer('127.0.0.1:0', upperCase, { tls, transport });
          open = await startLambdaServer('127.0.0.1:0', upperCase, { transport });
        });
        after(async () => {
          await Promise.all([secure.stop(0), open.stop(0)]);
        });

        test('test_run_lambda_secure: answers, application errors and a throwing lambda', async () => {
          const c = client(secure.endpoint, tls);
          try {
            const ok = await c.runLambda({ name: 'my-lambda', input: 'Hello world!' });
            assert.equal(ok.retcode, 'OK');
            assert.equal(ok.output, 'HELLO WORLD!');
            const unknown = await c.runLambda({ name: 'not-my-lambda', input: 'Hello world!' });
            assert.equal(unknown.retcode, 'invalid lambda: not-my-lambda');
            assert.equal(unknown.output, '');
            const bomb = await c.runLambda({ name: 'my-bomb' });
            assert.equal(bomb.retcode, "invalid 'my-bomb' request: exception raised");
          } finally {
            c.close();
          }
        });

        test('test_secure_server_insecure_client and test_insecure_server_secure_client: RpcFailed', async () => {
          for (const c of [client(secure.endpoint), client(open.endpoint, tls)]) {
            await assert.rejects(c.runLambda({ name: 'my-lambda', input: 'x' }), (err: Error) => {
              assert.equal(err.name, 'RpcError');
              assert.equal((err as Error & { code: number }).code, grpc.status.UNAVAILABLE);
              assert.ok(err.message.startsWith('RPC failed: '), err.message);
              return true;
            });
            c.close();
          }
        });
      });
    }
  }
});
