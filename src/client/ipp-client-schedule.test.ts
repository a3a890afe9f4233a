import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from '../support/random.js';
import { countScheduled, type Burst } from './ipp-client-burst.js';
import { ippSchedule, type IppParameters } from './ipp-client-schedule.js';

const P: IppParameters = { onMean: 1, offMean: 1, minSleep: 0, maxSleep: 0.1 };

function bursts(p: IppParameters, seed: number, until: number): Burst[] {
  const out: Burst[] = [];
  for (const b of ippSchedule(p, new Random(seed), new Random(seed + 1000))) {
    if (b.start >= until) break;
    out.push(b);
  }
  return out;
}

test('ON periods: instants from the start with gaps in [min, max] sleep, all before the end, dropped late', () => {
  const p = { ...P, minSleep: 0.02, maxSleep: 0.05 };
  let previousEnd = -Infinity;
  for (const b of bursts(p, 3, 500)) {
    assert.ok(b.dropLate);
    assert.ok(b.start >= previousEnd, 'periods do not overlap');
    previousEnd = b.end;
    assert.equal(b.instants[0], b.start);
    for (let i = 1; i < b.instants.length; i++) {
      const gap = b.instants[i]! - b.instants[i - 1]!;
      assert.ok(gap >= 0.02 - 1e-12 && gap <= 0.05 + 1e-12, `gap ${gap}`);
    }
    assert.ok(b.instants.at(-1)! < b.end);
  }
});

test('with a fixed seed: ON and OFF periods average their means, ON a fraction on/(on+off) of the time', () => {
  const p = { ...P, onMean: 2, offMean: 0.5 };
  const list = bursts(p, 11, 20_000);
  // Skip the first (partial) period.
  const on = list.slice(1).map((b) => b.end - b.start);
  const off = list.slice(1).map((b, i) => b.start - list[i]!.end);
  const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
  assert.ok(Math.abs(mean(on) - 2) < 0.1, `ON mean ${mean(on)}`);
  assert.ok(Math.abs(mean(off) - 0.5) < 0.025, `OFF mean ${mean(off)}`);
  const total = list.at(-1)!.end;
  const onTime = list.reduce((s, b) => s + b.end - b.start, 0);
  assert.ok(Math.abs(onTime / total - 0.8) < 0.02, `ON fraction ${onTime / total}`);
  // Requests per ON second: one every 0.05 s on average.
  const requests = list.reduce((s, b) => s + b.instants.length, 0);
  assert.ok(Math.abs(requests / onTime - 20) < 1.5, `rate ${requests / onTime}`);
});

test('the initial phase is uniform within a cycle: with equal means half the clients start ON', () => {
  let startsOn = 0;
  const n = 4000;
  for (let seed = 0; seed < n; seed++) {
    const first = ippSchedule(P, Random.fromSeeds(seed, 0), Random.fromSeeds(seed, 1)).next().value as Burst;
    if (first.start === 0) startsOn++;
    else assert.ok(first.start > 0);
  }
  assert.ok(Math.abs(startsOn / n - 0.5) < 0.03, `${startsOn} of ${n} start ON`);
});

test('the same seeds give the same schedule', () => {
  assert.deepEqual(bursts(P, 5, 100), bursts(P, 5, 100));
  assert.notDeepEqual(bursts(P, 5, 100), bursts(P, 6, 100));
});

test('countScheduled counts the instants before the duration, capped', () => {
  const list = bursts(P, 8, 60);
  const within = list.flatMap((b) => b.instants).filter((t) => t < 30).length;
  assert.equal(countScheduled(ippSchedule(P, new Random(8), new Random(1008)), 30, Infinity), within);
  assert.equal(countScheduled(ippSchedule(P, new Random(8), new Random(1008)), 30, 7), Math.min(7, within));
  assert.equal(countScheduled(ippSchedule(P, new Random(8), new Random(1008)), 0, Infinity), 0);
});

test('invalid parameters are refused at once', () => {
  const r = new Random(0);
  assert.throws(() => ippSchedule({ ...P, maxSleep: 0 }, r, r), {
    message: 'Invalid min/max sleep times: 0/0',
  });
  assert.throws(() => ippSchedule({ ...P, minSleep: 0.2 }, r, r), {
    message: 'Invalid min/max sleep times: 0.2/0.1',
  });
  assert.throws(() => ippSchedule({ ...P, onMean: 0 }, r, r), { message: 'Invalid ON mean period: 0' });
  assert.throws(() => ippSchedule({ ...P, offMean: -1 }, r, r), { message: 'Invalid OFF mean period: -1' });
});
