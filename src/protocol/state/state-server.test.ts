import assert from 'node:assert/strict';
import { test } from 'node:test';
import { VirtualScheduler } from '../../support/virtual-scheduler.js';
import { StateClient } from './state-client.js';
import { JOIN_SWEEP_MAX, JOIN_SWEEP_PERIOD, maxStateMessage, startStateServer } from './state-server.js';
import {
  DEFAULT_JOIN_TTL,
  DEFAULT_MAX_NAME_LENGTH,
  DEFAULT_MAX_STATES,
  stateNameTooLong,
  stateTooBig,
  StateStore,
} from './state-store.js';

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
    limits: { maxStateSize: 10, maxStoreBytes: 18, maxStates: 3 },
  });
  const client = new StateClient(server.endpoint);
  try {
    assert.equal((await client.put('big', Buffer.alloc(11))).retcode, stateTooBig('big', 11, 10));
    assert.equal(stateTooBig('big', 11, 10), 'state too big: big (11 bytes, at most 10)');
    // A state holds its content and its name: a is 11 bytes, b 8, beyond the 18 of the store.
    assert.equal((await client.put('a', Buffer.alloc(10))).retcode, 'OK');
    assert.equal(
      (await client.put('b', Buffer.alloc(7))).retcode,
      'state server full: cannot store b (1 states, 11 bytes held)',
    );
    assert.equal((await client.put('a', Buffer.alloc(5))).retcode, 'OK'); // an overwrite frees its old bytes
    assert.equal((await client.put('b', Buffer.alloc(5))).retcode, 'OK');
    assert.equal((await client.put('c', Buffer.alloc(5))).retcode, 'OK');
    assert.equal(
      (await client.put('d', Buffer.alloc(0))).retcode,
      'state server full: cannot store d (3 states, 18 bytes held)',
    );
    assert.equal((await client.put('', Buffer.alloc(1))).retcode, 'invalid empty state name');
    assert.equal(server.store.totalBytes, 18);
  } finally {
    client.close();
    await server.stop();
  }
});

test('a name over 1 KiB is refused by Get, Put and Del; names count in the bytes held', async () => {
  const server = await startStateServer('127.0.0.1:0', { limits: { maxStoreBytes: 3000 } });
  const client = new StateClient(server.endpoint);
  try {
    // 300 Puts of empty states under 1 MB names held 404 MiB that the store counted as 0 bytes.
    const long = 'n'.repeat(1_000_000);
    const refusal = stateNameTooLong(long, 1_000_000, DEFAULT_MAX_NAME_LENGTH);
    assert.equal(refusal, `state name too long: ${'n'.repeat(64)}… (1000000 bytes, at most 1024)`);
    for (const call of [client.put(long, Buffer.alloc(0)), client.get(long), client.del(long)])
      assert.deepEqual(await call, { retcode: refusal, state: null });
    const most = 'é'.repeat(512); // 1024 bytes of UTF-8
    assert.equal((await client.put(most, Buffer.alloc(0))).retcode, 'OK');
    assert.equal(
      (await client.put(`${most}e`, Buffer.alloc(0))).retcode,
      stateNameTooLong(`${most}e`, 1025, 1024),
    );
    assert.equal((await client.put('x'.repeat(1000), Buffer.alloc(0))).retcode, 'OK');
    assert.equal(server.store.totalBytes, 2024);
    assert.equal(
      (await client.put('y'.repeat(1000), Buffer.alloc(0))).retcode,
      'state server full: cannot store ' + 'y'.repeat(1000) + ' (2 states, 2024 bytes held)',
    );
    assert.equal((await client.put('x'.repeat(1000), Buffer.alloc(976))).retcode, 'OK'); // overwrite
    assert.equal(server.store.totalBytes, 3000);
    assert.equal((await client.del(most)).retcode, 'OK');
    assert.equal(server.store.totalBytes, 1976);
  } finally {
    client.close();
    await server.stop();
  }
});

test('a Put over the size bound by more than its framing is refused by gRPC before it is read', async () => {
  const server = await startStateServer('127.0.0.1:0', { limits: { maxStateSize: 10 } });
  const client = new StateClient(server.endpoint);
  try {
    // Read: at most 10 bytes of content, 1024 of name and 65536 of framing.
    assert.equal(maxStateMessage(server.store), 66_570);
    await assert.rejects(client.put('big', Buffer.alloc(70_000)), {
      message: 'RPC failed: Received message larger than max (70009 vs 66570)',
    });
    assert.equal((await client.put('big', Buffer.alloc(60_000))).retcode, stateTooBig('big', 60_000, 10));
    assert.equal((await client.put('small', Buffer.alloc(10))).retcode, 'OK');
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

test('join entries expire joinTtl seconds after their last Put; other states never', () => {
  let now = 100;
  const store = new StateStore({ joinTtl: 60 }, () => now);
  assert.equal(new StateStore().joinTtl, DEFAULT_JOIN_TTL);
  assert.equal(DEFAULT_JOIN_TTL, 600);
  assert.equal(DEFAULT_MAX_STATES, 100_000);
  const empty = Buffer.alloc(0);
  store.put('soe.join/u/3/0', empty);
  store.put('soe.join/u/3/1', empty);
  store.put('soe.join/u/3/view/1', Buffer.from('{"s":"a:1"}'));
  store.put('s', Buffer.from('kept'));
  store.put('soe.joinery', Buffer.from('not a join entry'));
  assert.equal(store.joinEntries, 3);
  now = 130;
  store.put('soe.join/u/3/1', empty); // an overwrite restarts its lifetime
  now = 159.9;
  assert.equal(store.get('soe.join/u/3/0').retcode, 'OK');
  now = 160;
  assert.deepEqual(store.get('soe.join/u/3/0'), {
    retcode: 'could not find state: soe.join/u/3/0',
    state: null,
  });
  assert.equal(store.del('soe.join/u/3/view/1').retcode, 'state not found: soe.join/u/3/view/1');
  assert.equal(store.get('soe.join/u/3/1').retcode, 'OK');
  // Contents, then names: s, soe.joinery, soe.join/u/3/1.
  assert.deepEqual([store.expired, store.size, store.totalBytes], [2, 3, 4 + 16 + 1 + 11 + 14]);
  now = 190;
  assert.equal(store.sweep(), 1);
  now = 1e9;
  assert.equal(store.sweep(), 0);
  assert.deepEqual([store.size, store.joinEntries, store.get('s').state?.content.toString()], [2, 0, 'kept']);
});

test('a Put removes a few expired join entries first, so they do not fill the store', () => {
  let now = 0;
  const store = new StateStore({ maxStates: 3, joinTtl: 10 }, () => now);
  for (let t = 0; t < 3; t++) assert.equal(store.put(`soe.join/u/1/${t}`, Buffer.alloc(0)).retcode, 'OK');
  assert.equal(
    store.put('s', Buffer.alloc(1)).retcode,
    'state server full: cannot store s (3 states, 42 bytes held)',
  );
  now = 10;
  assert.equal(store.put('s', Buffer.alloc(1)).retcode, 'OK');
  assert.deepEqual([store.size, store.joinEntries, store.expired], [1, 0, 3]);
});

test('a StateServer sweeps its expired join entries periodically, at most JOIN_SWEEP_MAX a sweep', async () => {
  const scheduler = new VirtualScheduler();
  const server = await startStateServer('127.0.0.1:0', { limits: { joinTtl: 600 }, scheduler });
  try {
    const n = JOIN_SWEEP_MAX + 500;
    for (let i = 0; i < n; i++) server.store.put(`soe.join/u/${i}/0`, Buffer.alloc(0));
    server.store.put('s', Buffer.from('x'));
    await scheduler.run(600 - JOIN_SWEEP_PERIOD);
    assert.equal(server.store.joinEntries, n);
    await scheduler.run(600);
    assert.deepEqual([server.store.joinEntries, server.store.expired], [500, JOIN_SWEEP_MAX]);
    await scheduler.run(600 + JOIN_SWEEP_PERIOD);
    assert.deepEqual([server.store.size, server.store.expired], [1, n]);
    const client = new StateClient(server.endpoint);
    try {
      assert.equal((await client.get('s')).state?.content.toString(), 'x');
    } finally {
      client.close();
    }
  } finally {
    await server.stop();
  }
});
