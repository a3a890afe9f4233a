import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { startLambdaServer, type LambdaServer } from './edge-server.js';
import { errorResponse } from './responses.js';

// The original's TestEdgeServerGrpc: an upper-casing server, an unknown lambda and a throwing one.
let server: LambdaServer;
let client: GrpcLambdaClient;

before(async () => {
  server = await startLambdaServer('127.0.0.1:0', (req) => {
    if (req.name === 'my-bomb') throw new Error('exception raised');
    if (req.name === 'my-silent-bomb') throw new Error('');
    if (req.name !== 'my-lambda') return errorResponse(`invalid lambda: ${req.name}`, req.hops + 1);
    return { ...errorResponse('OK', req.hops + 1), output: req.input.toUpperCase() };
  });
  client = new GrpcLambdaClient(server.endpoint);
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
