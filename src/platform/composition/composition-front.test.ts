import assert from 'node:assert/strict';
import { test } from 'node:test';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import { startCallbackServer } from '../../protocol/callback/callback-server.js';
import { lambdaRequest } from '../../protocol/requests.js';
import { RpcServer, service } from '../../protocol/rpc-server.js';
import { StateClient } from '../../protocol/state/state-client.js';
import { startStateServer } from '../../protocol/state/state-server.js';
import { startComputerServer } from '../computer-server.js';
import { asyncBytesFull, asyncQueueFull } from './composition-front.js';
import { sendCallback, type Continuation } from './continuation.js';

const state = (name: string, content: string, location = '') => ({
  name,
  location,
  content: Buffer.from(content),
});

test('an asynchronous invocation is acknowledged at once, then its callback arrives', async () => {
  const computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
    composition: { asyncWorkers: 2 },
  });
  const callbacks = await startCallbackServer('127.0.0.1:0');
  const client = new GrpcLambdaClient(computer.endpoint);
  try {
    const ack = await client.runLambda(
      lambdaRequest({
        name: 'clambda0',
        input: 'hello',
        hops: 3,
        callback: callbacks.endpoint,
        states: { s0: state('s0', 'zero') },
      }),
    );
    assert.deepEqual(
      { retcode: ack.retcode, asynchronous: ack.asynchronous, hops: ack.hops, output: ack.output },
      { retcode: 'OK', asynchronous: true, hops: 4, output: '' },
    );
    const res = await callbacks.next(30_000);
    assert.ok(res !== undefined);
    assert.deepEqual(
      { ...res, dataout: res.dataout.length },
      {
        retcode: 'OK',
        output: 'hello',
        responder: computer.endpoint,
        ptime: 0,
        dataout: 0,
        load1: 0,
        load10: 0,
        load30: 0,
        hops: 4,
        states: { s0: state('s0', 'zero') },
        asynchronous: false,
      },
    );
  } finally {
    client.close();
    await callbacks.stop();
    await computer.stop();
  }
});

test('without --asynchronous a request with a callback is refused', async () => {
  const computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
  });
  const client = new GrpcLambdaClient(computer.endpoint);
  try {
    const res = await client.runLambda(
      lambdaRequest({ name: 'clambda0', input: 'x', callback: '127.0.0.1:1' }),
    );
    assert.equal(res.retcode, 'Cannot handle an asynchronous function invocation');
    assert.equal(res.hops, 1);
  } finally {
    client.close();
    await computer.stop();
  }
});

test('a callback to a dead end-point is dropped after bounded attempts; the queue refuses beyond its bound', async () => {
  const dead = await startCallbackServer('127.0.0.1:0');
  const deadEndpoint = dead.endpoint;
  await dead.stop();
  const computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
    composition: {
      asyncWorkers: 1,
      maxPendingAsync: 1,
      callbacks: { attempts: 2, backoffMs: 10, timeoutMs: 2000 },
    },
  });
  const client = new GrpcLambdaClient(computer.endpoint);
  try {
    const acks = await Promise.all(
      [0, 1, 2, 3].map(() =>
        client.runLambda(lambdaRequest({ name: 'clambda0', input: 'x', callback: deadEndpoint })),
      ),
    );
    const retcodes = acks.map((a) => a.retcode);
    // One runs, one waits; the others find the queue full (at most 1 waiting) unless the first finished.
    assert.ok(retcodes.filter((r) => r === 'OK').length >= 2, retcodes.join(', '));
    for (const r of retcodes) assert.ok(r === 'OK' || r === asyncQueueFull(1), r);
    await computer.front.whenIdle();
    assert.deepEqual(computer.front.asyncLoad, { pending: 0, active: 0 });
    // Still serving.
    const sync = await client.runLambda(lambdaRequest({ name: 'clambda0', input: 'y' }));
    assert.equal(sync.retcode, 'OK');
  } finally {
    client.close();
    await computer.stop();
  }
});

test('bad input: remote states without a state server, a DAG without a uuid, a chain index out of range', async () => {
  const computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
    composition: { asyncWorkers: 1 },
  });
  const client = new GrpcLambdaClient(computer.endpoint);
  try {
    const remote = await client.runLambda(
      lambdaRequest({ name: 'clambda0', states: { s: state('s', '', '127.0.0.1:1') } }),
    );
    assert.equal(remote.retcode, 'cannot handle remote states without a state server');
    const dag = {
      names: ['clambda0', 'clambda0'],
      successors: [{ functions: [1] }],
    };
    const noUuid = await client.runLambda(lambdaRequest({ name: 'clambda0', dag, callback: '127.0.0.1:1' }));
    assert.equal(noUuid.retcode, 'Cannot execute a DAG without a UUID in the request');
    const noCallback = await client.runLambda(
      lambdaRequest({ name: 'clambda0', chain: ['clambda0', 'clambda0'] }),
    );
    assert.equal(noCallback.retcode, 'Cannot handle multiple functions without a callback in the request');
    const outOfRange = await client.runLambda(
      lambdaRequest({
        name: 'clambda0',
        chain: ['clambda0'],
        nextFunctionIndex: 1,
        callback: '127.0.0.1:1',
      }),
    );
    assert.equal(outOfRange.retcode, 'Out-of-range function execution requested in a chain');
    assert.deepEqual(computer.front.asyncLoad, { pending: 0, active: 0 });
  } finally {
    client.close();
    await computer.stop();
  }
});

test('bad input: a remote state larger than the computer’s state server takes stays where it was', async () => {
  const elsewhere = await startStateServer('127.0.0.1:0');
  elsewhere.store.put('small', Buffer.from('s'));
  elsewhere.store.put('big', Buffer.alloc(100, 0x41));
  const computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
    composition: { stateEndpoint: '127.0.0.1:0', stateLimits: { maxStateSize: 99 } },
  });
  const client = new GrpcLambdaClient(computer.endpoint);
  try {
    const res = await client.runLambda(
      lambdaRequest({
        name: 'clambda0',
        states: {
          small: state('small', '', elsewhere.endpoint),
          big: state('big', '', elsewhere.endpoint),
        },
        dependencies: { small: { functions: ['clambda0'] }, big: { functions: ['clambda0'] } },
      }),
    );
    assert.equal(
      res.retcode,
      'could not handle all the remote states: state too big: big (100 bytes, at most 99)',
    );
    assert.equal(elsewhere.store.content('big')?.length, 100);
    // `small`, stored before `big` was refused, was taken back: both are still where they were.
    assert.equal(elsewhere.store.content('small')?.toString(), 's');
    const own = new StateClient(computer.stateEndpoint);
    assert.equal((await own.get('small')).retcode, 'could not find state: small');
    own.close();
  } finally {
    client.close();
    await computer.stop();
    await elsewhere.stop();
  }
});

test(
  'the waiting invocations’ bytes are bounded; a stop cancels a callback that hangs',
  { timeout: 120_000 },
  async () => {
    const hanging = await RpcServer.start('127.0.0.1:0', [
      service('uiiit.rpc.CallbackServer', { ReceiveResponse: () => new Promise<never>(() => undefined) }),
    ]);
    const computer = await startComputerServer({
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '',
      conf: 'type=raspberry',
      // Were the hanging callback not cancelled at stop, the stop would wait for this timeout.
      composition: {
        asyncWorkers: 1,
        maxPendingAsyncBytes: 15,
        callbacks: { attempts: 1, timeoutMs: 600_000 },
      },
    });
    const client = new GrpcLambdaClient(computer.endpoint);
    try {
      const send = () =>
        client.runLambda(
          lambdaRequest({ name: 'clambda0', input: '0123456789', callback: hanging.endpoint }),
        );
      assert.equal((await send()).retcode, 'OK'); // runs, then hangs calling back
      assert.equal((await send()).retcode, 'OK'); // waits: 10 bytes
      assert.equal((await send()).retcode, asyncBytesFull(15));
      assert.equal(asyncBytesFull(15), 'Too many bytes of asynchronous invocations pending (at most 15)');
      assert.deepEqual(computer.front.asyncLoad, { pending: 1, active: 1 });
    } finally {
      client.close();
      await computer.stop();
      await hanging.stop(0);
    }
  },
);

test('a continuation that cannot prepare a request fails its execution: the callback says why', async () => {
  const continuation: Continuation = {
    admit: () => true,
    prepare: () => Promise.reject(new Error('the join views are out of reach')),
    complete: (done, context) => sendCallback(done, context),
  };
  const computer = await startComputerServer({
    serverEndpoint: '127.0.0.1:0',
    utilizationEndpoint: '',
    conf: 'type=raspberry',
    composition: { asyncWorkers: 1, continuation },
  });
  const callbacks = await startCallbackServer('127.0.0.1:0');
  const client = new GrpcLambdaClient(computer.endpoint);
  try {
    const ack = await client.runLambda(
      lambdaRequest({ name: 'clambda0', input: 'x', hops: 2, callback: callbacks.endpoint }),
    );
    assert.deepEqual([ack.retcode, ack.asynchronous], ['OK', true]);
    const res = await callbacks.next(30_000);
    assert.deepEqual(
      [res?.retcode, res?.hops, res?.responder],
      ['could not handle all the remote states: the join views are out of reach', 3, computer.endpoint],
    );
  } finally {
    client.close();
    await callbacks.stop();
    await computer.stop();
  }
});
