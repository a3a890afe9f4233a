import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExponentialDistribution } from '../support/exponential-distribution.js';
import { Mt19937 } from '../support/mt19937.js';
import { SeedSeq } from '../support/seed-seq.js';
import { UniformIntDistribution } from '../support/uniform-int-distribution.js';
import { formatTraceLine } from './trace.js';
import { generateTrace, type TraceGenOptions } from './trace-gen.js';

const DEFAULTS: TraceGenOptions = {
  endpoint: 'localhost:6473',
  lambda: 'clambda0',
  minSize: 100,
  maxSize: 500,
  rate: 1,
  numClients: 5,
  startingTime: 0,
  duration: 10,
  seed: 0,
};

function lines(o: Partial<TraceGenOptions> = {}): string[] {
  return generateTrace({ ...DEFAULTS, ...o }).map((e) => formatTraceLine(e));
}

test('the first lines are the C++ clienttracegen’s for the same seed (test/fixtures/clienttracegen)', () => {
  assert.deepEqual(lines({ seed: 0 }).slice(0, 3), [
    '0.0460887 clambda0 localhost:6473 401',
    '0.386835 clambda0 localhost:6473 101',
    '0.466352 clambda0 localhost:6473 194',
  ]);
  assert.deepEqual(lines({ seed: 1 }).slice(0, 3), [
    '0.0806707 clambda0 localhost:6473 205',
    '0.336683 clambda0 localhost:6473 403',
    '0.398644 clambda0 localhost:6473 488',
  ]);
  const custom = { rate: 3.5, numClients: 7, duration: 20, minSize: 10, maxSize: 10000, startingTime: 5 };
  assert.deepEqual(lines({ ...custom, seed: 42, lambda: 'flambda' }).slice(0, 3), [
    '5.15158 flambda localhost:6473 5289',
    '5.16504 flambda localhost:6473 113',
    '5.2133 flambda localhost:6473 8613',
  ]);
});

test('the same seed gives the same trace, another seed another trace', () => {
  const a = lines({ seed: 1 });
  assert.equal(a.length, 58);
  assert.deepEqual(lines({ seed: 1 }), a);
  assert.notDeepEqual(lines({ seed: 2 }), a);
});

test('events are sorted, within [start, start + duration), sizes within [min, max], all sizes drawn', () => {
  const events = generateTrace({
    ...DEFAULTS,
    startingTime: 100,
    duration: 50,
    minSize: 3,
    maxSize: 6,
    seed: 5,
  });
  const seen = new Set<number>();
  let previous = -Infinity;
  for (const e of events) {
    assert.ok(e.time >= previous);
    previous = e.time;
    assert.ok(e.time >= 100 && e.time < 150, `time ${e.time}`);
    assert.ok(Number.isInteger(e.size) && e.size >= 3 && e.size <= 6);
    seen.add(e.size);
    assert.equal(e.lambda, 'clambda0');
    assert.equal(e.endpoint, 'localhost:6473');
  }
  assert.deepEqual([...seen].sort(), [3, 4, 5, 6]);
});

test('the event rate is num-clients × rate and sizes average (min + max) / 2 over a long trace', () => {
  const duration = 2000;
  const events = generateTrace({ ...DEFAULTS, rate: 2.5, numClients: 4, duration, seed: 42 });
  const expected = 2.5 * 4 * duration;
  assert.ok(Math.abs(events.length - expected) / expected < 0.03, `${events.length} events`);
  const meanSize = events.reduce((s, e) => s + e.size, 0) / events.length;
  assert.ok(Math.abs(meanSize - 300) < 5, `mean size ${meanSize}`);
  // Gaps of the merged trace are exponential with mean 1 / (clients × rate).
  const gaps = events.slice(1).map((e, i) => e.time - events[i]!.time);
  const meanGap = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  assert.ok(Math.abs(meanGap - 0.1) < 0.005, `mean gap ${meanGap}`);
});

test('draw order per client: gap, then (size, gap)*, from one mt19937 seeded by seed_seq{seed}', () => {
  const engine = Mt19937.fromSeedSeq(new SeedSeq([9]));
  const gaps = new ExponentialDistribution(1);
  const sizes = new UniformIntDistribution(1, 9);
  const expected: string[] = [];
  for (let client = 0; client < 2; client++) {
    for (let t = gaps.sample(engine); t < 5; t += gaps.sample(engine)) {
      expected.push(formatTraceLine({ time: t, lambda: 'l', endpoint: 'e', size: sizes.sample(engine) }));
    }
  }
  const o = { numClients: 2, duration: 5, lambda: 'l', endpoint: 'e', minSize: 1, maxSize: 9, seed: 9 };
  // A stable sort by time of the two clients' events in turn.
  const byTime = expected.map((line, i) => ({ line, i, time: Number(line.split(' ')[0]) }));
  byTime.sort((a, b) => a.time - b.time || a.i - b.i);
  assert.deepEqual(
    lines(o),
    byTime.map((e) => e.line),
  );
});

test('invalid options are refused with the option named', () => {
  const bad: [Partial<TraceGenOptions>, string][] = [
    [{ endpoint: '' }, 'Invalid empty server end-point'],
    [{ lambda: '' }, 'Invalid empty lambda name'],
    [{ numClients: 0 }, 'Zero clients'],
    [{ rate: 0 }, 'Invalid non-positive rate: 0'],
    [{ rate: -1 }, 'Invalid non-positive rate: -1'],
    [{ rate: Infinity }, 'Invalid infinite rate: Infinity'],
    [{ minSize: 10, maxSize: 9 }, 'Maximum size (9) cannot be smaller than minimum size (10)'],
    [{ seed: 2 ** 60 }, `Invalid seed: ${2 ** 60} (an integer within ±9007199254740991 is expected)`],
  ];
  for (const [o, message] of bad) {
    assert.throws(() => generateTrace({ ...DEFAULTS, ...o }), { message });
  }
  assert.deepEqual(generateTrace({ ...DEFAULTS, duration: 0 }), []);
});

test('a negative seed wraps modulo 2^32 as C++’s unsigned conversion does: -1 seeds as 2^32 - 1', () => {
  assert.deepEqual(lines({ seed: -1 }), lines({ seed: 4294967295 }));
});
