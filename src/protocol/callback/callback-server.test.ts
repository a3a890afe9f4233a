import assert from 'node:assert/strict';
import { test } from 'node:test';
import { errorResponse } from '../responses.js';
import { RpcClient } from '../rpc-client.js';
import { CallbackSender } from './callback-sender.js';
import { startCallbackServer } from './callback-server.js';

// The original's TestCallback.test_client_server: 5 OK responses then one ERR, received in order.
test('CallbackServer receives the responses in order', async () => {
  const server = await startCallbackServer('127.0.0.1:0');
  const sender = new CallbackSender();
  try {
    for (let i = 0; i < 5; i++) {
      const res = errorResponse('OK', i);
      res.output = `output ${i}`;
      await sender.send(server.endpoint, res);
    }
    await sender.send(server.endpoint, errorResponse('ERR', 9));
    for (let i = 0; i < 5; i++) {
      const res = await server.next(10_000);
      assert.equal(res?.retcode, 'OK');
      assert.equal(res?.output, `output ${i}`);
      assert.equal(res?.hops, i);
    }
    assert.equal((await server.next(10_000))?.retcode, 'ERR');
    assert.equal(server.queued, 0);
  } finally {
    sender.close();
    await server.stop();
  }
});

test('a waiter gets the callback that arrives later; a timeout or a stop gives undefined', async () => {
  const server = await startCallbackServer('127.0.0.1:0');
  const sender = new CallbackSender();
  try {
    const waiting = server.next(30_000);
    await sender.send(server.endpoint, errorResponse('OK', 1));
    assert.equal((await waiting)?.hops, 1);
    assert.equal(await server.next(1), undefined);
    const aborted = new AbortController();
    const pending = server.next(undefined, aborted.signal);
    aborted.abort();
    assert.equal(await pending, undefined);
    const last = server.next();
    await server.stop();
    assert.equal(await last, undefined);
  } finally {
    sender.close();
    await server.stop();
  }
});

test('the queue is bounded: one callback more than it holds is refused RESOURCE_EXHAUSTED', async () => {
  const server = await startCallbackServer('127.0.0.1:0', { maxQueued: 2 });
  const rpc = new RpcClient('uiiit.rpc.CallbackServer', server.endpoint);
  try {
    await rpc.call('ReceiveResponse', errorResponse('OK', 1));
    await rpc.call('ReceiveResponse', errorResponse('OK', 2));
    await assert.rejects(rpc.call('ReceiveResponse', errorResponse('OK', 3)), {
      message: 'RPC failed: callback queue full',
      code: 8,
    });
    assert.equal(server.drain(), 2);
  } finally {
    rpc.close();
    await server.stop();
  }
});

test('a callback to a closed port fails after the bounded attempts', async () => {
  const server = await startCallbackServer('127.0.0.1:0');
  const endpoint = server.endpoint;
  await server.stop();
  const sender = new CallbackSender({ attempts: 3, backoffMs: 1 });
  try {
    await assert.rejects(sender.send(endpoint, errorResponse('OK', 1)), /RPC failed/);
  } finally {
    sender.close();
  }
});

test('the queue’s bytes are bounded too', async () => {
  const server = await startCallbackServer('127.0.0.1:0', { maxQueuedBytes: 14 });
  const rpc = new RpcClient('uiiit.rpc.CallbackServer', server.endpoint);
  // n bytes of output and 2 of retcode (OK).
  const sized = (n: number) => ({ ...errorResponse('OK', 1), output: 'x'.repeat(n) });
  try {
    await rpc.call('ReceiveResponse', sized(20)); // the first always gets in
    await assert.rejects(rpc.call('ReceiveResponse', sized(1)), {
      message: 'RPC failed: callback queue full',
    });
    assert.equal((await server.next(10_000))?.output.length, 20);
    await rpc.call('ReceiveResponse', sized(6));
    await rpc.call('ReceiveResponse', sized(4));
    await assert.rejects(rpc.call('ReceiveResponse', sized(1)), {
      message: 'RPC failed: callback queue full',
    });
    assert.equal(server.queued, 2);
  } finally {
    rpc.close();
    await server.stop();
  }
});

test('a callback’s retcode, responder and states count in the queue’s bytes, not only its output', async () => {
  const server = await startCallbackServer('127.0.0.1:0', { maxQueuedBytes: 100 });
  const rpc = new RpcClient('uiiit.rpc.CallbackServer', server.endpoint);
  const full = { message: 'RPC failed: callback queue full' };
  try {
    await rpc.call('ReceiveResponse', errorResponse('x'.repeat(60), 1));
    await assert.rejects(rpc.call('ReceiveResponse', errorResponse('y'.repeat(60), 1)), full);
    await assert.rejects(
      rpc.call('ReceiveResponse', { ...errorResponse('', 1), responder: 'r'.repeat(60) }),
      full,
    );
    const state = { name: 'n'.repeat(20), location: 'l'.repeat(20), content: Buffer.alloc(0) };
    await assert.rejects(
      rpc.call('ReceiveResponse', { ...errorResponse('', 1), states: { ['k'.repeat(1)]: state } }),
      full,
    );
    // 60 + 39 = 99 bytes fit: the states' key (1), name (19) and location (19).
    const fits = { name: 'n'.repeat(19), location: 'l'.repeat(19), content: Buffer.alloc(0) };
    await rpc.call('ReceiveResponse', { ...errorResponse('', 1), states: { k: fits } });
    assert.equal(server.queued, 2);
  } finally {
    rpc.close();
    await server.stop();
  }
});
