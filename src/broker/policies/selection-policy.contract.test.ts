import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Random } from '../../support/random.js';
import { ForwardingTableError } from '../forwarding-table-error.js';
import { createPolicyFactory, DestinationLoads, policyNames } from './index.js';
import type { SelectionPolicy } from './selection-policy.js';

/** Extra conf keys the built-in policies require; other registered policies get just `type=<name>`. */
const REQUIRED_KEYS: Record<string, string> = { 'proportional-fairness': ',alpha=1,beta=1' };

/** A policy of a registered type with a clock the test advances and a seeded random source. */
function makePolicy(name: string): { policy: SelectionPolicy; tick: (seconds?: number) => void } {
  let now = 0;
  const factory = createPolicyFactory(`type=${name}${REQUIRED_KEYS[name] ?? ''}`, {
    clock: () => now,
    random: new Random(12345),
  });
  return {
    policy: factory(),
    tick: (seconds = 0.001) => {
      now += seconds;
    },
  };
}

/** Selects `n` times, feeding back each chosen destination's weight as its latency (as an optimizer would). */
function selectWithFeedback(
  policy: SelectionPolicy,
  tick: (s?: number) => void,
  n: number,
): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    tick();
    const d = policy.select();
    counts.set(d, (counts.get(d) ?? 0) + 1);
    policy.updateWeight(d, policy.weight(d)!);
  }
  return counts;
}

function isKind(kind: string, message?: string): (err: unknown) => boolean {
  return (err) =>
    err instanceof ForwardingTableError &&
    err.kind === kind &&
    (message === undefined || err.message === message);
}

for (const name of policyNames()) {
  describe(`SelectionPolicy contract: ${name}`, () => {
    test('an empty policy has no destinations and cannot select', () => {
      const { policy } = makePolicy(name);
      assert.equal(policy.size, 0);
      assert.deepEqual(policy.destinations(), []);
      assert.throws(() => policy.select(), isKind('NoDestinations', 'No destinations found for the entry'));
    });

    test('a single destination is always selected', () => {
      const { policy, tick } = makePolicy(name);
      policy.add('only', 5, true);
      for (let i = 0; i < 20; i++) {
        tick(0.3);
        assert.equal(policy.select(), 'only');
        if (i % 2 === 0) policy.updateWeight('only', 1 + i);
      }
    });

    test('add keeps insertion order, updates weight and final of an existing destination, stores float32', () => {
      const { policy } = makePolicy(name);
      policy.add('c', 1, false);
      policy.add('a', 0.1, true);
      policy.add('b', 3, false);
      policy.add('c', 7, true);
      assert.equal(policy.size, 3);
      assert.deepEqual(policy.destinations(), [
        { destination: 'c', weight: 7, final: true },
        { destination: 'a', weight: Math.fround(0.1), final: true },
        { destination: 'b', weight: 3, final: false },
      ]);
      policy.updateWeight('b', 0.2);
      assert.equal(policy.weight('b'), Math.fround(0.2));
      assert.equal(policy.weight('zzz'), undefined);
      // destinations() returns copies
      policy.destinations()[0]!.weight = 99;
      assert.equal(policy.weight('c'), 7);
    });

    test('updating an unknown or empty destination fails and changes nothing', () => {
      const { policy } = makePolicy(name);
      policy.add('a', 1, true);
      policy.add('b', 2, false);
      const before = policy.destinations();
      assert.throws(
        () => policy.updateWeight('ghost', 1),
        isKind('NoDestinations', 'No destinations found for the entry: ghost'),
      );
      assert.throws(
        () => policy.updateWeight('', 1),
        isKind('NoDestinations', 'No destinations found for the entry'),
      );
      assert.deepEqual(policy.destinations(), before);
      assert.ok(['a', 'b'].includes(policy.select()));
    });

    test('invalid destinations and weights are rejected', () => {
      const { policy } = makePolicy(name);
      assert.throws(
        () => policy.add('', 1, true),
        isKind('InvalidDestination', "Invalid destination towards '' with weight 1.000000"),
      );
      for (const w of [0, -1, NaN, Infinity, 1e-50]) {
        assert.throws(() => policy.add('a', w, true), isKind('InvalidDestination'));
      }
      policy.add('a', 1, true);
      for (const w of [0, -1, NaN, Infinity]) {
        assert.throws(() => policy.updateWeight('a', w), isKind('InvalidDestination'));
      }
      assert.equal(policy.weight('a'), 1);
      assert.equal(policy.size, 1);
    });

    test('a removed destination is never selected', () => {
      const { policy, tick } = makePolicy(name);
      policy.add('a', 1, true);
      policy.add('b', 0.5, true);
      policy.add('c', 2, true);
      selectWithFeedback(policy, tick, 50);
      assert.equal(policy.remove('b'), true);
      assert.equal(policy.remove('b'), false);
      const counts = selectWithFeedback(policy, tick, 500);
      assert.equal(counts.get('b'), undefined);
      assert.deepEqual(
        [...counts.keys()].sort().filter((d) => d !== 'a' && d !== 'c'),
        [],
      );
    });

    test('only present destinations are selected while destinations come and go', () => {
      const { policy, tick } = makePolicy(name);
      const rng = new Random(7);
      const pool = ['d0', 'd1', 'd2', 'd3', 'd4', 'd5'];
      for (let step = 0; step < 2000; step++) {
        tick(rng.uniformReal(0, 0.2));
        const op = rng.uniform();
        const d = rng.pick(pool);
        if (op < 0.15) policy.add(d, rng.uniformReal(0.01, 10), rng.uniform() < 0.5);
        else if (op < 0.25) policy.remove(d);
        else if (op < 0.4 && policy.weight(d) !== undefined)
          policy.updateWeight(d, rng.uniformReal(0.01, 10));
        const present = policy.destinations().map((x) => x.destination);
        assert.equal(policy.size, present.length);
        if (present.length === 0) {
          assert.throws(() => policy.select(), isKind('NoDestinations'));
        } else {
          const chosen = policy.select();
          assert.ok(present.includes(chosen), `${chosen} not in ${present.join(',')}`);
        }
      }
    });

    test('removing the last destination empties the policy, which can be refilled', () => {
      const { policy, tick } = makePolicy(name);
      policy.add('a', 1, true);
      policy.add('b', 1, true);
      policy.remove('a');
      policy.remove('b');
      assert.equal(policy.size, 0);
      assert.deepEqual(policy.destinations(), []);
      assert.throws(() => policy.select(), isKind('NoDestinations'));
      policy.add('c', 3, false);
      tick();
      assert.equal(policy.select(), 'c');
    });

    test('a destination much heavier than the others is selected much less often', () => {
      const { policy, tick } = makePolicy(name);
      // The heavy one comes first in both insertion and name order, so that no tie-break favours the others.
      policy.add('a-heavy', 1000, true);
      policy.add('b-light', 1, true);
      policy.add('c-light', 1, true);
      const counts = selectWithFeedback(policy, tick, 3000);
      const heavy = counts.get('a-heavy') ?? 0;
      const light = (counts.get('b-light') ?? 0) + (counts.get('c-light') ?? 0);
      assert.equal(heavy + light, 3000);
      assert.ok(heavy * 20 < light, `heavy ${heavy} vs light ${light}`);
    });

    test('select counts a request in flight, finished ends it, remove forgets the count', () => {
      const { policy, tick } = makePolicy(name);
      policy.add('a', 1, true);
      tick();
      assert.equal(policy.select(), 'a');
      assert.equal(policy.select(), 'a');
      assert.equal(policy.inFlight('a'), 2);
      policy.finished('a');
      assert.equal(policy.inFlight('a'), 1);
      policy.finished('a');
      policy.finished('a');
      policy.finished('unknown');
      assert.deepEqual([policy.inFlight('a'), policy.inFlight('unknown')], [0, 0]);
      policy.select();
      policy.remove('a');
      policy.add('a', 1, true);
      assert.equal(policy.inFlight('a'), 0);
    });

    test('the policies of a PolicyEnvironment.loads add their requests in flight to it', () => {
      const loads = new DestinationLoads();
      const factory = createPolicyFactory(`type=${name}${REQUIRED_KEYS[name] ?? ''}`, {
        clock: () => 1,
        random: new Random(12345),
        loads,
      });
      const p = factory();
      const q = factory();
      p.add('a', 1, true);
      q.add('a', 1, true);
      p.select();
      p.select();
      q.select();
      assert.deepEqual([loads.inFlight('a'), p.inFlight('a'), q.inFlight('a')], [3, 2, 1]);
      q.finished('a');
      q.finished('a');
      assert.equal(loads.inFlight('a'), 2);
      p.remove('a');
      assert.equal(loads.inFlight('a'), 0);
    });
  });
}

describe('SelectionPolicy registry', () => {
  test("Object.prototype's keys are unknown policy types", () => {
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      assert.throws(() => createPolicyFactory(`type=${name}`), {
        message: `Invalid forwarding table type: ${name}`,
      });
    }
  });
});
