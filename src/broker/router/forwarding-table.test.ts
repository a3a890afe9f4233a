import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setLogSink } from '../../support/logger.js';
import { Random } from '../../support/random.js';
import { ForwardingTable, ForwardingTableError, type ForwardingTableErrorKind } from './forwarding-table.js';
import { createPolicyFactory, policyNames } from '../policies/index.js';
import { ProportionalFairnessPolicy } from '../policies/proportional-fairness.js';
import { RoundRobinPolicy } from '../policies/round-robin.js';

/** An assert.throws matcher for a ForwardingTableError of a kind and, optionally, an exact message. */
function tableError(kind: ForwardingTableErrorKind, message?: string): (err: unknown) => boolean {
  return (err) => {
    assert.ok(err instanceof ForwardingTableError, `not a ForwardingTableError: ${String(err)}`);
    assert.equal(err.kind, kind);
    if (message !== undefined) assert.equal(err.message, message);
    return true;
  };
}

/** A manual clock: tests set `clock.now`. */
function manualClock(): { now: number; read: () => number } {
  const c = { now: 0, read: () => c.now };
  return c;
}

const FLT_MAX = Math.fround(3.4028234663852886e38);

describe('ForwardingTable (§12.1 TestForwardingTable)', () => {
  let restoreLog: () => void = () => {};
  before(() => {
    restoreLog = setLogSink(() => {});
  });
  after(() => restoreLog());

  test('test_ctor: random and least-impedance tables; extra conf keys are ignored', () => {
    assert.doesNotThrow(() => new ForwardingTable('type=random'));
    assert.doesNotThrow(() => new ForwardingTable('type=least-impedance'));
    assert.doesNotThrow(() => new ForwardingTable('type=round-robin'));
    assert.doesNotThrow(() => new ForwardingTable('type=random,alpha=2,beta=1'));
    assert.doesNotThrow(() => new ForwardingTable('type=least-impedance,alpha=2,beta=1'));
    assert.doesNotThrow(() => new ForwardingTable());
    assert.equal(new ForwardingTable().toString(), '');
  });

  test('test_pf_ctor: PF table directly and via conf; alpha and beta are required', () => {
    assert.doesNotThrow(() => new ForwardingTable(() => new ProportionalFairnessPolicy(2, 1)));
    assert.doesNotThrow(() => new ForwardingTable('type=proportional-fairness,alpha=2,beta=1'));
    assert.throws(() => new ForwardingTable('type=proportional-fairness'), {
      message: 'No value found for key: alpha',
    });
    assert.throws(() => new ForwardingTable('type=proportional-fairness,alpha=2'), {
      message: 'No value found for key: beta',
    });
  });

  test('policy registry: names, unknown type, missing type', () => {
    assert.deepEqual(policyNames(), [
      'random',
      'least-impedance',
      'round-robin',
      'proportional-fairness',
      'shortest-expected-delay',
    ]);
    assert.throws(() => createPolicyFactory('type=fastest'), {
      message: 'Invalid forwarding table type: fastest',
    });
    assert.throws(() => createPolicyFactory('alpha=1'), { message: 'No value found for key: type' });
    assert.throws(() => createPolicyFactory('type'), { message: 'Invalid configuration: type' });
  });

  test('test_pf_operations (alpha 2, beta 1), with an injected clock', () => {
    const clock = manualClock();
    const table = new ForwardingTable('type=proportional-fairness,alpha=2,beta=1', { clock: clock.read });
    clock.now = 0;
    table.change('lambda1', 'dest1:666', 1, true);
    clock.now = 1;
    table.change('lambda1', 'dest2:666', 1, true);
    clock.now = 2;
    table.change('lambda1', 'dest1:667', 1, true);
    clock.now = 3;
    table.change('lambda2', 'dest3:668', 1, true);
    clock.now = 4;
    table.change('lambda2', 'dest2:667', 1, true);
    assert.equal(
      table.toString(),
      'lambda1 [1] dest1:666 (F)\n' +
        '        [1] dest1:667 (F)\n' +
        '        [1] dest2:666 (F)\n' +
        'lambda2 [1] dest2:667 (F)\n' +
        '        [1] dest3:668 (F)\n',
    );

    // P = (1/w)^2 / (count / (now − last)): 10, 9, 8 at t = 10.
    clock.now = 10;
    assert.equal(table.select('lambda1'), 'dest1:666');
    table.changeWeight('lambda1', 'dest1:666', 2);
    assert.equal(
      table.toString(),
      'lambda1 [2] dest1:666 (F)\n' +
        '        [1] dest1:667 (F)\n' +
        '        [1] dest2:666 (F)\n' +
        'lambda2 [1] dest2:667 (F)\n' +
        '        [1] dest3:668 (F)\n',
    );
    // At t = 11: dest1:666 (1/4)/(2/1) = 0.125, dest2:666 10, dest1:667 9.
    clock.now = 11;
    assert.equal(table.select('lambda1'), 'dest2:666');
    table.remove('lambda1', 'dest2:666');
    assert.equal(table.select('lambda1'), 'dest1:667');
    table.changeWeight('lambda1', 'dest1:667', 3);
    assert.equal(
      table.toString(),
      'lambda1 [2] dest1:666 (F)\n' +
        '        [3] dest1:667 (F)\n' +
        'lambda2 [1] dest2:667 (F)\n' +
        '        [1] dest3:668 (F)\n',
    );
  });

  test('test_add_remove (random): dump strings, padding recomputed', () => {
    const table = new ForwardingTable('type=random', { random: new Random(1) });
    table.change('lambda1', 'dest1:666', 1, true);
    table.change('lambda1', 'dest2:666', 0.5, false);
    table.change('lambda1', 'dest2:667', 99, true);
    table.change('lambda2', 'dest1:666', 1, true);
    table.change('lambda2', 'dest2:666', 0.5, false);
    table.change('another_lambda', 'dest3:666', 42, false);
    assert.equal(
      table.toString(),
      'another_lambda [42 ] dest3:666\n' +
        'lambda1        [1  ] dest1:666 (F)\n' +
        '               [0.5] dest2:666\n' +
        '               [99 ] dest2:667 (F)\n' +
        'lambda2        [1  ] dest1:666 (F)\n' +
        '               [0.5] dest2:666\n',
    );

    table.remove('lambda1', 'dest2:666');
    assert.equal(
      table.toString(),
      'another_lambda [42 ] dest3:666\n' +
        'lambda1        [1  ] dest1:666 (F)\n' +
        '               [99 ] dest2:667 (F)\n' +
        'lambda2        [1  ] dest1:666 (F)\n' +
        '               [0.5] dest2:666\n',
    );

    table.changeWeight('lambda1', 'dest2:667', 98);
    assert.equal(
      table.toString(),
      'another_lambda [42 ] dest3:666\n' +
        'lambda1        [1  ] dest1:666 (F)\n' +
        '               [98 ] dest2:667 (F)\n' +
        'lambda2        [1  ] dest1:666 (F)\n' +
        '               [0.5] dest2:666\n',
    );

    table.multiply('lambda1', 'dest2:667', 0.5);
    assert.equal(
      table.toString(),
      'another_lambda [42 ] dest3:666\n' +
        'lambda1        [1  ] dest1:666 (F)\n' +
        '               [49 ] dest2:667 (F)\n' +
        'lambda2        [1  ] dest1:666 (F)\n' +
        '               [0.5] dest2:666\n',
    );

    table.remove('lambda1', 'dest1:666');
    table.remove('lambda1', 'dest2:667');
    assert.deepEqual(table.lambdas(), ['another_lambda', 'lambda2']);
    assert.equal(
      table.toString(),
      'another_lambda [42 ] dest3:666\n' +
        'lambda2        [1  ] dest1:666 (F)\n' +
        '               [0.5] dest2:666\n',
    );

    table.remove('lambda2');
    assert.equal(table.toString(), 'another_lambda [42] dest3:666\n');

    table.remove('another_lambda');
    assert.equal(table.toString(), '');
    assert.deepEqual(table.lambdas(), []);
  });

  test('test_invalid_operations: error kinds and texts', () => {
    const table = new ForwardingTable('type=random');
    assert.throws(
      () => table.changeWeight('lambda1', '', 1),
      tableError('NoDestinations', 'No destinations found for the entry'),
    );
    assert.throws(
      () => table.change('lambda1', '', 1, true),
      tableError('InvalidDestination', "Invalid destination towards '' with weight 1.000000"),
    );
    assert.throws(
      () => table.changeWeight('lambda1', 'valid', 0),
      tableError('InvalidDestination', "Invalid destination towards 'valid' with weight 0.000000"),
    );
    assert.doesNotThrow(() => table.change('lambda1', 'valid', 99, true));
    assert.doesNotThrow(() => table.changeWeight('lambda1', 'valid', 49));
    assert.throws(
      () => table.changeWeight('lambda1', 'valid', -99),
      tableError('InvalidWeight', "Invalid weight '-99.000000', must be > 0"),
    );
    assert.doesNotThrow(() => table.multiply('lambda1', 'valid', 99));
    assert.equal(table.weight('lambda1', 'valid'), 4851);
    assert.throws(
      () => table.multiply('lambda1', 'valid', -99),
      tableError('InvalidWeightFactor', "Invalid weight factor '-99.000000', must be > 0"),
    );
    assert.doesNotThrow(() => table.select('lambda1'));
    assert.doesNotThrow(() => table.remove('lambda1'));
    assert.doesNotThrow(() => table.remove('lambda1'));
    assert.throws(
      () => table.select('lambda1'),
      tableError('NoDestinations', 'No destinations found for the entry'),
    );
  });

  test('more errors: unknown lambda or destination, zero factor, full change with negative or zero weight', () => {
    const table = new ForwardingTable('type=least-impedance');
    assert.throws(
      () => table.changeWeight('nope', 'd', 1),
      tableError('NoDestinations', 'No destinations found for the entry'),
    );
    table.change('l', 'd', 1, false);
    assert.throws(
      () => table.changeWeight('l', 'other', 1),
      tableError('NoDestinations', 'No destinations found for the entry: other'),
    );
    assert.throws(
      () => table.multiply('l', 'other', 2),
      tableError('NoDestinations', 'No destinations found for the entry: other'),
    );
    assert.throws(() => table.multiply('nope', 'd', 2), tableError('NoDestinations'));
    assert.throws(
      () => table.multiply('l', '', 2),
      tableError('NoDestinations', 'No destinations found for the entry'),
    );
    assert.throws(
      () => table.multiply('l', 'd', 0),
      tableError('InvalidWeightFactor', "Invalid weight factor '0.000000', must be > 0"),
    );
    assert.throws(
      () => table.change('l', 'd', -0.5, true),
      tableError('InvalidWeight', "Invalid weight '-0.500000', must be > 0"),
    );
    assert.throws(
      () => table.change('l2', 'd', 0, true),
      tableError('InvalidDestination', "Invalid destination towards 'd' with weight 0.000000"),
    );
    assert.throws(() => table.change('l2', 'd', NaN, true), tableError('InvalidDestination'));
    assert.throws(
      () => table.change('l2', 'd', 1e39, true),
      tableError('InvalidDestination', "Invalid destination towards 'd' with weight inf"),
    );
    // A failed CHANGE leaves no empty lambda behind.
    assert.deepEqual(table.lambdas(), ['l']);
    assert.equal(table.remove('l', 'unknown'), false);
    assert.equal(table.remove('unknown'), false);
    assert.equal(table.remove('unknown', 'd'), false);
    assert.equal(table.toString(), 'l [1] d\n');
  });

  test('weights are float32 and dumped with %g; change updates the final flag', () => {
    const table = new ForwardingTable('type=least-impedance');
    table.change('l', 'a', 0.1, false);
    table.change('l', 'b', 1234567, true);
    assert.equal(table.weight('l', 'a'), Math.fround(0.1));
    assert.equal(table.toString(), 'l [0.1        ] a\n  [1.23457e+06] b (F)\n');
    table.change('l', 'a', 2, true);
    assert.deepEqual(table.entries(), [
      { lambda: 'l', destination: 'a', weight: 2, final: true },
      { lambda: 'l', destination: 'b', weight: 1234567, final: true },
    ]);
  });

  test('entries, lambdas and destinations are sorted byte-wise; flush empties', () => {
    const table = new ForwardingTable('type=random');
    table.change('b', 'z', 1, false);
    table.change('B', 'y', 1, false);
    table.change('b', 'a', 2, true);
    table.change('a', 'x', 3, false);
    assert.deepEqual(table.lambdas(), ['B', 'a', 'b']);
    assert.deepEqual(
      table.entries().map((e) => `${e.lambda}/${e.destination}`),
      ['B/y', 'a/x', 'b/a', 'b/z'],
    );
    assert.deepEqual(table.destinations('b'), [
      { lambda: 'b', destination: 'a', weight: 2, final: true },
      { lambda: 'b', destination: 'z', weight: 1, final: false },
    ]);
    assert.deepEqual(table.destinations('nope'), []);
    assert.ok(table.has('b', 'z'));
    assert.ok(!table.has('b', 'q'));
    table.flush();
    assert.deepEqual(table.entries(), []);
    assert.equal(table.toString(), '');
  });

  test('test_access_random: weights 1, 1/3, 1/6 give frequencies 1:3:6 (fixed seed)', () => {
    const table = new ForwardingTable('type=random', { random: new Random(5489) });
    table.change('lambda1', 'dest1', 1, true);
    table.change('lambda1', 'dest2', 1 / 3, true);
    table.change('lambda1', 'dest3', 1 / 6, true);
    const counters = new Map<string, number>();
    for (let i = 0; i < 10000; i++) {
      const d = table.select('lambda1');
      counters.set(d, (counters.get(d) ?? 0) + 1);
    }
    const n1 = counters.get('dest1') ?? 0;
    const n2 = counters.get('dest2') ?? 0;
    const n3 = counters.get('dest3') ?? 0;
    assert.equal(n1 + n2 + n3, 10000);
    assert.equal(Math.round(n2 / n1), 3);
    assert.equal(Math.round(n3 / n2), 2);
  });

  test('test_access_least_impedance: weights 6, 3, 1', () => {
    const table = new ForwardingTable('type=least-impedance');
    table.change('lambda1', 'dest1', 6, true);
    table.change('lambda1', 'dest2', 3, true);
    table.change('lambda1', 'dest3', 1, true);
    assert.equal(table.select('lambda1'), 'dest3');
    table.remove('lambda1', 'dest3');
    assert.equal(table.select('lambda1'), 'dest2');
    table.remove('lambda1', 'dest2');
    assert.equal(table.select('lambda1'), 'dest1');
  });

  test('test_access_round_robin: the exact sequences', () => {
    const clock = manualClock();
    const table = new ForwardingTable('type=round-robin', { clock: clock.read });
    const latencies = new Map([
      ['dest1', 100],
      ['dest2', 110],
      ['dest3', 1000],
    ]);
    for (const d of latencies.keys()) table.change('lambda1', d, 1, true);

    const run = (n: number, withFinal = false): string[] => {
      const out: string[] = [];
      for (let i = 0; i < n; i++) {
        const d = table.select('lambda1');
        out.push(d);
        if (withFinal) table.change('lambda1', d, latencies.get(d)!, true);
        else table.changeWeight('lambda1', d, latencies.get(d)!);
      }
      return out;
    };

    assert.equal(run(10).join(' '), 'dest1 dest2 dest3 dest1 dest2 dest1 dest2 dest1 dest2 dest1');
    latencies.set('dest1', 400);
    assert.equal(run(10).join(' '), 'dest2 dest1 dest2 dest2 dest2 dest2 dest2 dest2 dest2 dest2');
    table.remove('lambda1', 'dest2');
    assert.deepEqual(run(5), ['dest1', 'dest1', 'dest1', 'dest1', 'dest1']);
    table.remove('lambda1', 'dest1');
    assert.deepEqual(run(5), ['dest3', 'dest3', 'dest3', 'dest3', 'dest3']);
    table.change('lambda1', 'dest1', latencies.get('dest1')!, true);
    assert.deepEqual(run(5, true), ['dest1', 'dest1', 'dest1', 'dest1', 'dest1']);
  });

  test('round robin: initial deficits are FLT_MAX and saturate in float32', () => {
    const rr = new RoundRobinPolicy(() => 0);
    rr.add('b', 1, true);
    rr.add('a', 1, true);
    assert.deepEqual(
      rr.state().map((s) => [s.destination, s.deficit, s.active]),
      [
        ['a', FLT_MAX, true],
        ['b', FLT_MAX, true],
      ],
    );
    // FLT_MAX + 1 == FLT_MAX: without weight updates the selection follows name order.
    assert.deepEqual([rr.select(), rr.select(), rr.select()], ['a', 'a', 'a']);
    assert.equal(rr.state()[0]!.deficit, FLT_MAX);
    // The first weight update subtracts the minimum active deficit from all.
    rr.updateWeight('a', 1);
    assert.deepEqual(
      rr.state().map((s) => s.deficit),
      [0, 0],
    );
  });

  test('round robin stale probing (the disabled C++ test, with an injected clock)', () => {
    const clock = manualClock();
    const rr = new RoundRobinPolicy(clock.read);
    const stateOf = (d: string) => rr.state().find((s) => s.destination === d)!;
    rr.add('dest1', 1, true);
    rr.add('dest2', 1, true);

    assert.equal(rr.select(), 'dest1');
    rr.updateWeight('dest1', 100); // t = 0: dest1 is bad, out of the active set for 1 s
    assert.equal(stateOf('dest1').active, false);

    // dest2 keeps being served while the stale period of dest1 runs.
    for (const t of [0, 0.25, 0.5, 0.75]) {
      clock.now = t;
      assert.equal(rr.select(), 'dest2');
      rr.updateWeight('dest2', 1);
    }
    assert.equal(stateOf('dest1').active, false);

    // Probe → failure → the stale period doubles: 1, 2, 4, 8, 16, then capped at 30.
    let lastUpdate = 0;
    for (const period of [1, 2, 4, 8, 16, 30, 30]) {
      assert.equal(stateOf('dest1').stalePeriod, period);
      clock.now = lastUpdate + period - 0.001;
      assert.equal(rr.select(), 'dest2');
      rr.updateWeight('dest2', 1); // rebuild: still within the stale period
      assert.equal(stateOf('dest1').active, false);
      clock.now = lastUpdate + period;
      assert.equal(rr.select(), 'dest2');
      rr.updateWeight('dest2', 1); // rebuild: the stale period has elapsed → probe
      const probe = stateOf('dest1');
      assert.equal(probe.probing, true);
      assert.equal(probe.active, true);
      assert.equal(probe.lastUpdated, -1);
      assert.equal(probe.deficit, stateOf('dest2').deficit);
      assert.equal(rr.select(), 'dest1'); // equal deficits: name order
      rr.updateWeight('dest1', 100); // the probe measured a bad latency again
      lastUpdate = clock.now;
      assert.equal(stateOf('dest1').probing, false);
      assert.equal(stateOf('dest1').active, false);
    }

    // A successful probe brings dest1 back and resets its stale period.
    clock.now = lastUpdate + 30;
    assert.equal(rr.select(), 'dest2');
    rr.updateWeight('dest2', 1);
    assert.equal(rr.select(), 'dest1');
    rr.updateWeight('dest1', 1.5);
    assert.deepEqual(
      [stateOf('dest1').active, stateOf('dest1').probing, stateOf('dest1').stalePeriod],
      [true, false, 1],
    );
    // The probe was charged its old weight (100) as deficit: dest2 (weight 1) is served 100 times first.
    assert.equal(stateOf('dest1').deficit, 100);
    const served: string[] = [];
    for (let i = 0; i < 101; i++) {
      const d = rr.select();
      served.push(d);
      rr.updateWeight(d, d === 'dest1' ? 1.5 : 1);
    }
    assert.deepEqual(served, [...Array<string>(100).fill('dest2'), 'dest1']);
  });
});
