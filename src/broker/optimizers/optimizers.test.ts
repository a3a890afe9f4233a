import assert from 'node:assert/strict';
import { after, afterEach, before, describe, test } from 'node:test';
import { setLogSink } from '../../support/logger.js';
import { VirtualScheduler } from '../../support/virtual-scheduler.js';
import { ForwardingTable } from '../router/forwarding-table.js';
import { AsyncOptimizer } from './async.js';
import { AsyncPfOptimizer } from './async-pf.js';
import { NoneOptimizer } from './none.js';
import { DEFAULT_OPTIMIZER_CONF, createOptimizer, optimizerNames } from './index.js';
import { TrivialOptimizer, parseStat } from './trivial.js';
import { ProportionalFairnessPolicy } from '../policies/proportional-fairness.js';
import type { WeightOptimizer } from './weight-optimizer.js';

let logLines: string[] = [];
let restoreLog: () => void = () => {};
before(() => {
  restoreLog = setLogSink((line) => logLines.push(line));
});
after(() => restoreLog());
afterEach(() => {
  logLines = [];
});

/** A least-impedance table with lambda l → a, b (weight 1) and lambda m → c (weight 1). */
function makeTable(): ForwardingTable {
  const table = new ForwardingTable('type=least-impedance');
  table.change('l', 'a', 1, true);
  table.change('l', 'b', 1, true);
  table.change('m', 'c', 1, false);
  return table;
}

function weights(table: ForwardingTable): Record<string, number> {
  return Object.fromEntries(table.entries().map((e) => [`${e.lambda}/${e.destination}`, e.weight]));
}

describe('optimizer registry', () => {
  test('names and the default conf', () => {
    assert.deepEqual(optimizerNames(), ['none', 'trivial', 'async', 'asyncPF', 'delay-per-request']);
    assert.equal(DEFAULT_OPTIMIZER_CONF, 'type=trivial,period=10,stat=mean');
    const o = createOptimizer(DEFAULT_OPTIMIZER_CONF, makeTable(), { timer: false });
    assert.ok(o instanceof TrivialOptimizer);
    assert.equal(o.period, 10);
    assert.equal(o.stat, 'mean');
    o.stop();
  });

  test('each type builds its class', () => {
    const table = makeTable();
    const made: WeightOptimizer[] = [
      createOptimizer('type=none', table),
      createOptimizer('type=trivial,period=0.5,stat=max', table, { timer: false }),
      createOptimizer('type=async,alpha=0.25', table),
      createOptimizer('type=asyncPF', table),
    ];
    assert.deepEqual(
      made.map((o) => o.type),
      ['none', 'trivial', 'async', 'asyncPF'],
    );
    assert.ok(made[0] instanceof NoneOptimizer);
    const asyncOptimizer = made[2];
    assert.ok(asyncOptimizer instanceof AsyncOptimizer);
    assert.equal(asyncOptimizer.alpha, 0.25);
    assert.ok(made[3] instanceof AsyncPfOptimizer);
    for (const o of made) o.stop();
  });

  test('errors', () => {
    const table = makeTable();
    assert.throws(() => createOptimizer('type=smart', table), {
      message: 'Invalid local optimizer type: smart',
    });
    assert.throws(() => createOptimizer('type=trivial,period=10,stat=median', table, { timer: false }), {
      message: 'Invalid stat: median',
    });
    assert.throws(() => createOptimizer('type=trivial,stat=mean', table), {
      message: 'No value found for key: period',
    });
    assert.throws(() => createOptimizer('type=trivial,period=10', table), {
      message: 'No value found for key: stat',
    });
    assert.throws(() => createOptimizer('type=trivial,period=x,stat=mean', table), {
      message: 'Invalid type when converting x as double',
    });
    assert.throws(() => createOptimizer('type=trivial,period=0,stat=mean', table), {
      message: 'Invalid period: 0',
    });
    assert.throws(() => createOptimizer('type=async', table), { message: 'No value found for key: alpha' });
    assert.throws(() => createOptimizer('period=1', table), { message: 'No value found for key: type' });
    assert.throws(() => parseStat('MEAN'), { message: 'Invalid stat: MEAN' });
  });
});

describe('none optimizer', () => {
  test('leaves weights alone', () => {
    const table = makeTable();
    const o = createOptimizer('type=none', table);
    o.onSample('l', 'a', 0.5);
    o.onSample('l', 'ghost', 0.5);
    assert.deepEqual(weights(table), { 'l/a': 1, 'l/b': 1, 'm/c': 1 });
  });
});

describe('trivial optimizer', () => {
  const samples: [string, string, number][] = [
    ['l', 'a', 0.5],
    ['l', 'a', 1],
    ['l', 'a', 3],
    ['m', 'c', 0.25],
    ['m', 'c', 0.75],
  ];

  for (const [stat, a, c] of [
    ['mean', 1.5, 0.5],
    ['min', 0.5, 0.25],
    ['max', 3, 0.75],
  ] as const) {
    test(`stat=${stat}: each sampled pair gets the ${stat} of the period, the others keep their weight`, () => {
      const table = makeTable();
      const o = new TrivialOptimizer(table, 10, stat, false);
      for (const [l, d, s] of samples) o.onSample(l, d, s);
      assert.deepEqual(weights(table), { 'l/a': 1, 'l/b': 1, 'm/c': 1 }, 'nothing changes before the round');
      assert.equal(o.runOnce(), 2);
      assert.deepEqual(weights(table), { 'l/a': a, 'l/b': 1, 'm/c': c });
      o.stop();
    });
  }

  test('each round uses only its own samples; a round without samples changes nothing', () => {
    const table = makeTable();
    const o = new TrivialOptimizer(table, 10, 'mean', false);
    o.onSample('l', 'a', 0.5);
    o.onSample('l', 'a', 1);
    assert.equal(o.runOnce(), 1);
    assert.equal(table.weight('l', 'a'), 0.75);
    assert.equal(o.runOnce(), 0);
    assert.equal(table.weight('l', 'a'), 0.75);
    o.onSample('l', 'a', 2);
    o.onSample('l', 'b', 0.1);
    assert.equal(o.runOnce(), 2);
    assert.deepEqual(weights(table), { 'l/a': 2, 'l/b': Math.fround(0.1), 'm/c': 1 });
  });

  test('a pair that left the table is skipped and logged; the rest of the round goes on (Q16 fixed)', () => {
    const table = makeTable();
    const o = new TrivialOptimizer(table, 10, 'mean', false);
    o.onSample('l', 'a', 2);
    o.onSample('l', 'b', 3);
    o.onSample('m', 'c', 4);
    o.onSample('gone', 'x', 5);
    table.remove('l', 'a');
    assert.equal(o.runOnce(), 2);
    assert.deepEqual(weights(table), { 'l/b': 3, 'm/c': 4 });
    const skipped = logLines.filter((line) => line.includes('Skipping weight update'));
    assert.equal(skipped.length, 2);
    assert.match(
      skipped[0]!,
      /^W.* destination a for lambda l to 2: No destinations found for the entry: a\n$/,
    );
    assert.match(skipped[1]!, /destination x for lambda gone to 5: No destinations found for the entry\n$/);
  });

  test('the timer runs rounds by itself; stop() ends them and drops samples', async () => {
    const table = makeTable();
    const clock = new VirtualScheduler();
    const o = createOptimizer('type=trivial,period=0.02,stat=max', table, { scheduler: clock });
    o.onSample('l', 'a', 4);
    o.onSample('l', 'a', 8);
    await clock.run(0.019);
    assert.equal(table.weight('l', 'a'), 1, 'no round before one period');
    await clock.run(0.02);
    assert.equal(table.weight('l', 'a'), 8);
    o.stop();
    o.onSample('l', 'a', 16);
    await clock.run(1); // fifty periods
    assert.equal(table.weight('l', 'a'), 8);
  });
});

describe('async optimizer', () => {
  test('alpha weighs the previous value; a previous sample 5 s old or more is forgotten', () => {
    let now = 0;
    const table = makeTable();
    const o = createOptimizer('type=async,alpha=0.25', table, { clock: () => now });
    o.onSample('l', 'a', 1);
    assert.equal(table.weight('l', 'a'), 1);
    now = 1;
    o.onSample('l', 'a', 2); // 0.75·2 + 0.25·1
    assert.equal(table.weight('l', 'a'), 1.75);
    now = 2;
    o.onSample('l', 'a', 3); // 0.75·3 + 0.25·1.75
    assert.equal(table.weight('l', 'a'), 2.6875);
    now = 6.75;
    o.onSample('l', 'a', 1); // 4.75 s later: still smoothed, 0.75·1 + 0.25·2.6875
    assert.equal(table.weight('l', 'a'), Math.fround(0.75 + 0.25 * 2.6875));
    now = 11.75;
    o.onSample('l', 'a', 4); // exactly 5 s later: reset
    assert.equal(table.weight('l', 'a'), 4);
    // other pairs are independent
    o.onSample('l', 'b', 0.5);
    assert.deepEqual(weights(table), { 'l/a': 4, 'l/b': 0.5, 'm/c': 1 });
  });

  test('alpha = 0 follows the samples, alpha = 1 keeps the first value', () => {
    let now = 0;
    const table = makeTable();
    const follow = new AsyncOptimizer(table, 0, () => now);
    const keep = new AsyncOptimizer(table, 1, () => now);
    for (const s of [1, 2, 3]) {
      now += 1;
      follow.onSample('l', 'a', s);
      keep.onSample('l', 'b', s);
    }
    assert.deepEqual(weights(table), { 'l/a': 3, 'l/b': 1, 'm/c': 1 });
  });

  test('a vanished pair is logged, not thrown, and its history is dropped', () => {
    let now = 0;
    const table = makeTable();
    const o = new AsyncOptimizer(table, 0.5, () => now);
    o.onSample('l', 'a', 2);
    table.remove('l', 'a');
    now = 1;
    assert.doesNotThrow(() => o.onSample('l', 'a', 4));
    assert.equal(logLines.filter((line) => line.includes('Skipping weight update')).length, 1);
    table.change('l', 'a', 1, true);
    now = 2;
    o.onSample('l', 'a', 6); // no smoothing with the sample taken before the removal
    assert.equal(table.weight('l', 'a'), 6);
  });

  test('stop() ignores later samples', () => {
    const table = makeTable();
    const o = new AsyncOptimizer(table, 0.5, () => 0);
    o.stop();
    o.onSample('l', 'a', 3);
    assert.equal(table.weight('l', 'a'), 1);
  });
});

describe('asyncPF optimizer', () => {
  test('sets the weight to the last latency and bumps the PF count and time', () => {
    let now = 0;
    const policies: ProportionalFairnessPolicy[] = [];
    const table = new ForwardingTable(() => {
      const p = new ProportionalFairnessPolicy(1, 1, () => now);
      policies.push(p);
      return p;
    });
    table.change('l', 'a', 1, true);
    table.change('l', 'b', 1, true);
    const o = createOptimizer('type=asyncPF', table);
    now = 10;
    o.onSample('l', 'a', 0.5);
    o.onSample('l', 'a', 0.25);
    assert.deepEqual(weights(table), { 'l/a': 0.25, 'l/b': 1 });
    now = 12;
    // a: (1/0.25) / (3 / 2) = 8/3; b: 1 / (1 / 12) = 12
    assert.deepEqual(policies[0]!.priorities(), [
      { destination: 'a', priority: Math.fround(8 / 3) },
      { destination: 'b', priority: 12 },
    ]);
    assert.equal(table.select('l'), 'b');
    assert.doesNotThrow(() => o.onSample('l', 'ghost', 1));
    assert.equal(logLines.filter((line) => line.includes('Skipping weight update')).length, 1);
  });
});
