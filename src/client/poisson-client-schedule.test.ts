import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../support/random.js';
import type { Burst } from './ipp-client-burst.js';
import { drawPoisson, poissonSchedule, type PoissonParameters } from './poisson-client-schedule.js';

const P: PoissonParameters = { periodMean: 5, burstSizeMean: 5, minSleep: 0, maxSleep: 0.1 };

function bursts(p: PoissonParameters, seed: number, count: number): Burst[] {
  const out: Burst[] = [];
  for (const b of poissonSchedule(p, new Random(seed), new Random(seed + 1000))) {
    out.push(b);
    if (out.length === count) break;
  }
  return out;
}

function mean(xs: number[]): number {
  return xs.reduce((s, x) => s + x, 0) / xs.length;
}

function variance(xs: number[]): number {
  const m = mean(xs);
  return mean(xs.map((x) => (x - m) ** 2));
}

test('Poisson draws have mean and variance equal to the mean, small and large', () => {
  for (const m of [0.5, 5, 1200]) {
    const r = new Random(17);
    const xs = Array.from({ length: 20_000 }, () => drawPoisson(m, r));
    assert.ok(xs.every((x) => Number.isInteger(x) && x >= 0));
    assert.ok(Math.abs(mean(xs) - m) < 0.03 * m + 0.02, `mean ${mean(xs)} for ${m}`);
    assert.ok(Math.abs(variance(xs) - m) < 0.06 * m + 0.03, `variance ${variance(xs)} for ${m}`);
  }
  assert.equal(drawPoisson(0, new Random(1)), 0);
});

test('with a fixed seed: periods average period-mean, bursts burst-size-mean, gaps in [min, max]', () => {
  const p = { ...P, minSleep: 0.01, maxSleep: 0.03 };
  const list = bursts(p, 4, 10_000);
  const periods = list.map((b) => b.end - b.start);
  assert.ok(Math.abs(mean(periods) - 5) < 0.2, `period mean ${mean(periods)}`);
  for (const b of list) assert.ok(b.end >= (b.instants.at(-1) ?? b.start), 'a period holds its burst');
  const sizes = list.map((b) => b.instants.length);
  assert.ok(Math.abs(mean(sizes) - 5) < 0.1, `burst mean ${mean(sizes)}`);
  assert.ok(Math.abs(variance(sizes) - 5) < 0.4, `burst variance ${variance(sizes)}`);
  for (let i = 0; i < list.length; i++) {
    const b = list[i]!;
    assert.equal(b.dropLate, false);
    if (i > 0) assert.equal(b.start, list[i - 1]!.end);
    if (b.instants.length > 0) assert.equal(b.instants[0], b.start);
    for (let j = 1; j < b.instants.length; j++) {
      const gap = b.instants[j]! - b.instants[j - 1]!;
      assert.ok(gap >= 0.01 - 1e-12 && gap <= 0.03 + 1e-12, `gap ${gap}`);
    }
  }
});

test('the first burst comes after half a period draw: period-mean / 2 on average over seeds', () => {
  const firsts = Array.from({ length: 5000 }, (_, seed) => bursts(P, seed, 1)[0]!.start);
  assert.ok(Math.abs(mean(firsts) - 2.5) < 0.15, `first start mean ${mean(firsts)}`);
});

test('the same seeds give the same schedule', () => {
  assert.deepEqual(bursts(P, 2, 50), bursts(P, 2, 50));
  assert.notDeepEqual(bursts(P, 2, 50), bursts(P, 3, 50));
});

test('invalid parameters are refused at once', () => {
  const r = new Random(0);
  assert.throws(() => poissonSchedule({ ...P, periodMean: 0 }, r, r), { message: 'Invalid mean period: 0' });
  assert.throws(() => poissonSchedule({ ...P, burstSizeMean: -1 }, r, r), {
    message: 'Invalid mean burst size: -1',
  });
  assert.throws(() => poissonSchedule({ ...P, minSleep: 1 }, r, r), {
    message: 'Invalid min/max sleep times: 1/0.1',
  });
  assert.doesNotThrow(() => poissonSchedule({ ...P, maxSleep: 0 }, r, r));
});
