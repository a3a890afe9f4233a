import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../support/random.js';
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
};

function text(seed: number, o: Partial<TraceGenOptions> = {}): string {
  return generateTrace({ ...DEFAULTS, ...o }, new Random(seed))
    .map((e) => formatTraceLine(e) + '\n')
    .join('');
}

test('the same seed gives the same trace byte for byte, another seed another trace', () => {
  const a = text(1);
  assert.ok(a.length > 0);
  assert.equal(text(1), a);
  assert.notEqual(text(2), a);
  // Pinned: the first lines of seed 1 must never change (MT19937 and exact %g formatting).
  assert.deepEqual(a.split('\n').slice(0, 3), [
    '0.427352 clambda0 localhost:6473 401',
    '0.539606 clambda0 localhost:6473 388',
    '0.53972 clambda0 localhost:6473 221',
  ]);
});

test('events are sorted, within [start, start + duration), sizes within [min, max], all sizes drawn', () => {
  const events = generateTrace(
    { ...DEFAULTS, startingTime: 100, duration: 50, minSize: 3, maxSize: 6 },
    new Random(5),
  );
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
  const events = generateTrace({ ...DEFAULTS, rate: 2.5, numClients: 4, duration }, new Random(42));
  const expected = 2.5 * 4 * duration;
  assert.ok(Math.abs(events.length - expected) / expected < 0.03, `${events.length} events`);
  const meanSize = events.reduce((s, e) => s + e.size, 0) / events.length;
  assert.ok(Math.abs(meanSize - 300) < 5, `mean size ${meanSize}`);
  // Gaps of the merged trace are exponential with mean 1 / (clients × rate).
  const gaps = events.slice(1).map((e, i) => e.time - events[i]!.time);
  const meanGap = gaps.reduce((s, g) => s + g, 0) / gaps.length;
  assert.ok(Math.abs(meanGap - 0.1) < 0.005, `mean gap ${meanGap}`);
});

test('draw order per client: gap, then (size, gap)*, from one stream', () => {
  const r = new Random(9);
  const expected: string[] = [];
  for (let t = r.exponential(1); t < 5; t += r.exponential(1)) {
    expected.push(`${formatTraceLine({ time: t, lambda: 'l', endpoint: 'e', size: r.uniformInt(1, 9) })}\n`);
  }
  const got = text(9, { numClients: 1, duration: 5, lambda: 'l', endpoint: 'e', minSize: 1, maxSize: 9 });
  assert.equal(got, expected.join(''));
});

test('invalid options are refused', () => {
  const bad: [Partial<TraceGenOptions>, string][] = [
    [{ endpoint: '' }, 'Invalid empty server end-point'],
    [{ lambda: '' }, 'Invalid empty lambda name'],
    [{ numClients: 0 }, 'Zero clients'],
    [{ rate: 0 }, 'Invalid non-positive rate: 0'],
    [{ rate: -1 }, 'Invalid non-positive rate: -1'],
    [{ minSize: 10, maxSize: 9 }, 'Maximum size (9) cannot be smaller than minimum size (10)'],
  ];
  for (const [o, message] of bad) {
    assert.throws(() => generateTrace({ ...DEFAULTS, ...o }, new Random(0)), { message });
  }
  assert.deepEqual(generateTrace({ ...DEFAULTS, duration: 0 }, new Random(0)), []);
});
