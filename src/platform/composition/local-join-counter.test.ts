import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LocalJoinCounter } from './local-join-counter.js';

test('the k-th arrival per (uuid, node) runs the join, then the counter is gone', () => {
  const joins = new LocalJoinCounter({ now: () => 0 });
  assert.equal(joins.arrive('u1', 3, 2), false);
  assert.equal(joins.arrive('u2', 3, 2), false);
  assert.equal(joins.arrive('u1', 4, 2), false);
  assert.equal(joins.size, 3);
  assert.equal(joins.arrive('u1', 3, 2), true);
  assert.equal(joins.size, 2);
  assert.equal(joins.arrive('u9', 1, 1), true);
  assert.equal(joins.size, 2);
});

test('counters expire after the TTL and the oldest is evicted beyond the maximum', () => {
  let now = 0;
  const joins = new LocalJoinCounter({ ttlMs: 1000, maxEntries: 2, now: () => now });
  joins.arrive('a', 1, 2);
  now = 500;
  joins.arrive('b', 1, 2);
  joins.arrive('c', 1, 2); // evicts a
  assert.equal(joins.size, 2);
  assert.equal(joins.forgotten, 1);
  assert.equal(joins.arrive('a', 1, 2), false); // a starts over
  now = 1600; // b and c (since 500) are older than 1000 ms
  assert.equal(joins.arrive('d', 1, 2), false);
  assert.equal(joins.size, 1);
  assert.equal(joins.forgotten, 4);
});
