import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ForwardingTable } from '../router/forwarding-table.js';
import { createOptimizer } from '../optimizers/index.js';
import { createPolicyFactory } from './index.js';
import { ShortestExpectedDelayPolicy } from './shortest-expected-delay.js';

test('an unmeasured destination is charged a little less than the fastest measured one, then by its in-flight count', () => {
  const policy = new ShortestExpectedDelayPolicy({ stale: 0 }, () => 0);
  policy.add('a', 1, true);
  policy.add('b', 1, true);
  assert.equal(policy.select(), 'a');
  policy.updateWeight('a', 0.01);
  policy.finished('a');
  assert.equal(policy.select(), 'b');
  assert.equal(policy.inFlight('b'), 1);
  assert.deepEqual(policy.expectedDelays(), [
    { destination: 'a', delay: Math.fround(0.01) },
    { destination: 'b', delay: 0.999 * Math.fround(0.01) * 2 },
  ]);
  assert.equal(policy.select(), 'a');
  assert.equal(policy.select(), 'b');
});

test('a destination measured slow gets requests once the fast one has enough in flight', () => {
  const policy = new ShortestExpectedDelayPolicy({ stale: 0 }, () => 0);
  policy.add('fast', 1, true);
  policy.add('slow', 1, true);
  policy.updateWeight('fast', 0.01);
  policy.updateWeight('slow', 0.035);
  const picks = Array.from({ length: 5 }, () => policy.select());
  assert.deepEqual(picks, ['fast', 'fast', 'fast', 'slow', 'fast']);
  policy.finished('slow');
  policy.finished('unknown');
  assert.equal(policy.inFlight('slow'), 0);
  assert.equal(policy.inFlight('fast'), 4);
});

test('an idle destination not measured for `stale` seconds is tried again, one request at a time', () => {
  let now = 0;
  const policy = new ShortestExpectedDelayPolicy({ stale: 30 }, () => now);
  policy.add('fast', 1, true);
  policy.add('slow', 1, true);
  policy.updateWeight('slow', 0.04);
  policy.updateWeight('fast', 0.01);
  now = 29;
  assert.equal(policy.select(), 'fast');
  policy.finished('fast');
  policy.updateWeight('fast', 0.01);
  now = 30;
  assert.equal(policy.select(), 'slow');
  assert.equal(policy.select(), 'fast');
  assert.equal(policy.select(), 'fast');
});

test('the stale key: default 30, validated', () => {
  assert.throws(() => createPolicyFactory('type=shortest-expected-delay,stale=-1'), {
    message: 'Invalid stale: -1',
  });
  const policy = createPolicyFactory('type=shortest-expected-delay')();
  assert.ok(policy instanceof ShortestExpectedDelayPolicy);
  assert.equal(policy.conf.stale, 30);
});

test('delay-per-request sets Σ delay / Σ concurrency over its window; the table counts requests in flight', () => {
  const table = new ForwardingTable('type=shortest-expected-delay');
  table.change('l', 'a', 1, true);
  const optimizer = createOptimizer('type=delay-per-request,window-size=2', table);
  assert.equal(table.select('l'), 'a');
  assert.equal(table.inFlight('l', 'a'), 1);
  optimizer.onSample('l', 'a', 0.3, 3);
  assert.equal(table.weight('l', 'a'), Math.fround(0.1));
  optimizer.onSample('l', 'a', 0.1);
  assert.equal(table.weight('l', 'a'), Math.fround(0.4 / 4));
  optimizer.onSample('l', 'a', 0.5, 0.5);
  assert.equal(table.weight('l', 'a'), Math.fround(0.6 / 2));
  table.finished('l', 'a');
  assert.equal(table.inFlight('l', 'a'), 0);
  optimizer.onSample('l', 'gone', 1);
  assert.throws(() => createOptimizer('type=delay-per-request,window-size=0', table), {
    message: 'Invalid window-size: 0',
  });
});
