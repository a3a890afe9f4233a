import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StateClient } from './state-client.js';
import { startStateServer } from './state-server.js';
import { stateTooBig, StateStore } from './state-store.js';

// The original's TestState.test_client_server over a real StateServer, then the bounds.
test('StateServer Get/Put/Del with the original retcodes', async () => {
  const server = await startStateServer('127.0.0.1:0');
  const client = new StateClient(server.endpoint);
  try {
    for (let i = 0; i < 5; i++) {
      assert.equal((await client.put(`s${i}`, Buffer.from(`content${i}`))).retcode, 'OK');
    }
    for (let i = 0; i < 5; i++) {
      const res = await client.get(`s${i}`);
      assert.equal(res.retcode, 'OK');
      assert.deepEqual(res.state, { name: `s${i}`, location: '', content: Buffer.from(`content${i}`) });
    }
    assert.equal((await client.put('s0', Buffer.from('new'))).retcode, 'OK');
    assert.equal((await client.get('s0')).state?.content.toString(), 'new');
    assert.deepEqual(await client.get(''), { retcode: 'could not find state: ', state: null });
    assert.deepEqual(await client.get('unknown'), { retcode: 'could not find state: unknown', state: null });
    assert.equal((await client.del('')).retcode, 'state not found: ');
    assert.equal((await client.del('unknown')).retcode, 'state not found: unknown');
    assert.equal((await client.del('s0')).retcode, 'OK');
    assert.equal((await client.get('s0')).retcode, 'could not find state: s0');
    assert.equal((await client.del('s0')).retcode, 'state not found: s0');
    assert.equal((await client.put('s0', Buffer.from('again'))).retcode, 'OK');
    assert.equal((await client.get('s0')).state?.content.toString(), 'again');
    assert.equal(server.store.size, 5);
  } finally {
    client.close();
    await server.stop();
  }
});

test('a state beyond the size bound, or beyond the store’s, is refused with a clear retcode', async () => {
  const server = await startStateServer('127.0.0.1:0', {
    limits: { maxStateSize: 10, maxStoreBytes: 15, maxStates: 3 },
  });
  const client = new StateClient(server.endpoint);
  try {
    assert.equal((await client.put('big', Buffer.alloc(11))).retcode, stateTooBig('big', 11, 10));
    assert.equal(stateTooBig('big', 11, 10), 'state too big: big (11 bytes, at most 10)');
    assert.equal((await client.put('a', Buffer.alloc(10))).retcode, 'OK');
    assert.equal(
      (await client.put('b', Buffer.alloc(6))).retcode,
      'state server full: cannot store b (1 states, 10 bytes held)',
    );
    assert.equal((await client.put('a', Buffer.alloc(5))).retcode, 'OK'); // an overwrite frees its old bytes
    assert.equal((await client.put('b', Buffer.alloc(5))).retcode, 'OK');
    assert.equal((await client.put('c', Buffer.alloc(5))).retcode, 'OK');
    assert.equal(
      (await client.put('d', Buffer.alloc(0))).retcode,
      'state server full: cannot store d (3 states, 15 bytes held)',
    );
    assert.equal((await client.put('', Buffer.alloc(1))).retcode, 'invalid empty state name');
    assert.equal(server.store.totalBytes, 15);
  } finally {
    client.close();
    await server.stop();
  }
});

test('the store keeps its own copy of a content', () => {
  const store = new StateStore();
  const content = Buffer.from('abc');
  store.put('s', content);
  content[0] = 0x7a;
  assert.equal(store.content('s')?.toString(), 'abc');
});
