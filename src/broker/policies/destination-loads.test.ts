import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DestinationLoads } from './destination-loads.js';
import { createPolicyFactory } from './index.js';
import { ShortestExpectedDelayPolicy } from './shortest-expected-delay.js';

test('DestinationLoads counts per destination and never below zero', () => {
  const loads = new DestinationLoads();
  loads.add('a');
  loads.add('a');
  loads.add('b');
  assert.deepEqual([loads.inFlight('a'), loads.inFlight('b'), loads.inFlight('c'), loads.size], [2, 1, 0, 2]);
  loads.subtract('a');
  loads.subtract('b', 5);
  loads.subtract('c');
  assert.deepEqual([loads.inFlight('a'), loads.inFlight('b'), loads.inFlight('c'), loads.size], [1, 0, 0, 1]);
});

/** Two lambdas' shortest-expected-delay policies sharing one counter, both destinations measured. */
function twoLambdas(): {
  f: ShortestExpectedDelayPolicy;
  g: ShortestExpectedDelayPolicy;
  loads: DestinationLoads;
} {
  const loads = new DestinationLoads();
  return { f: measured(loads), g: measured(loads), loads };
}

/** A shortest-expected-delay policy with a (0.01 s per request) and b (0.025 s) measured. */
function measured(loads?: DestinationLoads): ShortestExpectedDelayPolicy {
  const p = new ShortestExpectedDelayPolicy({ stale: 0 }, () => 0, loads);
  p.add('a', 1, true);
  p.add('b', 1, true);
  p.updateWeight('a', 0.01);
  p.updateWeight('b', 0.025);
  return p;
}

test("shortest-expected-delay charges weight · (n + 1) with n over every lambda's requests in flight", () => {
  const { f, g, loads } = twoLambdas();
  assert.deepEqual([g.select(), g.select()], ['a', 'a']);
  assert.deepEqual(f.expectedDelays(), [
    { destination: 'a', delay: Math.fround(0.01) * 3 },
    { destination: 'b', delay: Math.fround(0.025) * 1 },
  ]);
  assert.equal(f.select(), 'b');
  assert.deepEqual([f.inFlight('a'), f.inFlight('b'), g.inFlight('a'), g.inFlight('b')], [0, 1, 2, 0]);
  assert.deepEqual([loads.inFlight('a'), loads.inFlight('b')], [2, 1]);
  const alone = measured();
  assert.deepEqual([alone.select(), alone.select(), alone.select()], ['a', 'a', 'b']);
});

test('finished and remove take a policy’s own requests off the shared count, and only those', () => {
  const { f, g, loads } = twoLambdas();
  assert.deepEqual([f.select(), f.select(), g.select()], ['a', 'a', 'b']);
  assert.deepEqual([loads.inFlight('a'), loads.inFlight('b')], [2, 1]);
  g.finished('a');
  assert.equal(loads.inFlight('a'), 2);
  f.finished('a');
  assert.deepEqual([loads.inFlight('a'), f.inFlight('a')], [1, 1]);
  g.remove('b');
  g.finished('b');
  assert.deepEqual([loads.inFlight('a'), loads.inFlight('b')], [1, 0]);
  f.remove('a');
  assert.equal(loads.size, 0);
});

test('a stale destination counts as idle only when no lambda has a request there', () => {
  let now = 0;
  const loads = new DestinationLoads();
  const make = (): ShortestExpectedDelayPolicy => {
    const p = new ShortestExpectedDelayPolicy({ stale: 30 }, () => now, loads);
    p.add('fast', 1, true);
    p.add('slow', 1, true);
    p.updateWeight('slow', 0.04);
    p.updateWeight('fast', 0.01);
    return p;
  };
  const f = make();
  const g = make();
  now = 30;
  g.updateWeight('fast', 0.01);
  assert.equal(g.select(), 'slow');
  f.updateWeight('fast', 0.01);
  // slow is stale for f too, but g's request is there: f charges it its measured 0.04 · 2, not a probe.
  assert.equal(f.select(), 'fast');
});

test('policies made by one factory share its counter; PolicyEnvironment.loads shares one across factories', () => {
  const loads = new DestinationLoads();
  const p = createPolicyFactory('type=shortest-expected-delay', { loads })();
  const q = createPolicyFactory('type=random', { loads })();
  p.add('a', 1, true);
  q.add('a', 1, true);
  p.select();
  q.select();
  assert.equal(loads.inFlight('a'), 2);
  const own = createPolicyFactory('type=shortest-expected-delay');
  const x = own();
  const y = own();
  x.add('a', 1, true);
  y.add('a', 1, true);
  y.add('b', 1, true);
  x.select();
  assert.equal(y.select(), 'b');
});
