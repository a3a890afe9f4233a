import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import { startCallbackServer } from '../../protocol/callback/callback-server.js';
import { lambdaRequest } from '../../protocol/requests.js';
import { StateClient } from '../../protocol/state/state-client.js';
import { startStateServer } from '../../protocol/state/state-server.js';
import { opensslMissing, TestCertificates } from '../../protocol/test-certificates.test-support.js';
import { startComputerServer } from '../computer-server.js';

const skip = await opensslMissing();

test('with --secure the callback and the state migration go over (mutual) TLS', { skip }, async () => {
  const certs = await TestCertificates.create();
  const tls = certs.credentials();
  const callbacks = await startCallbackServer('127.0.0.1:0', { tls });
  const elsewhere = await startStateServer('127.0.0.1:0', { tls });
  elsewhere.store.put('s', Buffer.from('moved'));
  const computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
    tls,
    composition: { asyncWorkers: 1, stateEndpoint: '127.0.0.1:0' },
  });
  const client = new GrpcLambdaClient(computer.endpoint, { tls });
  const own = new StateClient(computer.stateEndpoint, { tls });
  try {
    const ack = await client.runLambda(
      lambdaRequest({
        name: 'clambda0',
        input: 'x',
        callback: callbacks.endpoint,
        states: { s: { name: 's', location: elsewhere.endpoint, content: Buffer.alloc(0) } },
        dependencies: { s: { functions: ['clambda0'] } },
      }),
    );
    assert.equal(ack.asynchronous, true);
    const res = await callbacks.next(60_000);
    assert.equal(res?.retcode, 'OK');
    assert.equal(res.states.s?.location, computer.stateEndpoint);
    assert.equal((await own.get('s')).state?.content.toString(), 'moved');
    assert.equal(elsewhere.store.content('s'), undefined);
  } finally {
    own.close();
    client.close();
    await computer.stop();
    await callbacks.stop();
    await elsewhere.stop();
    await certs.remove();
  }
});
