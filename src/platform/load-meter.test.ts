// Utilization sampling of a processor (spec §5.4), driven with explicit times.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LoadMeter } from './load-meter.js';

function approx(actual: number, expected: number, tolerance = 1e-12): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${expected}, got ${actual}`);
}

void test('no sample yet: loads are 0/0/0', () => {
  assert.deepEqual(new LoadMeter(4, 0).loads(), { load1: 0, load10: 0, load30: 0 });
});

void test('intel-server-like 20-core processor with one task always active reports 0.05', () => {
  const meter = new LoadMeter(20, 100);
  for (let s = 1; s <= 3; s++) {
    // the task changes every 0.25 s, one is always active
    for (let q = 1; q <= 4; q++) meter.accumulate(100 + s - 1 + q / 4, 1);
    approx(meter.sample(100 + s), 0.05);
  }
  const loads = meter.loads();
  approx(loads.load1, 0.05);
  approx(loads.load10, 0.05);
  approx(loads.load30, 0.05);
});

void test('utilization integrates the number of active tasks over the interval', () => {
  const meter = new LoadMeter(4, 0);
  meter.accumulate(0.5, 0); // idle for 0.5 s
  meter.accumulate(1, 2); // 2 tasks for 0.5 s
  approx(meter.sample(1), (2 * 0.5) / 4);
  // an interval of 2 s with one task for 1 s
  meter.accumulate(2, 1);
  meter.accumulate(3, 0);
  approx(meter.sample(3), 1 / (4 * 2));
});

void test('utilization counts active tasks, not busy cores, and is capped at 1 (as the original)', () => {
  const meter = new LoadMeter(4, 0);
  meter.accumulate(0.5, 8); // 8 tasks on 4 cores for half the interval
  meter.accumulate(1, 0);
  approx(meter.sample(1), 1); // min(1, 8·0.5 / 4)
  meter.accumulate(2, 16);
  approx(meter.sample(2), 1);
  meter.accumulate(3, 2);
  approx(meter.sample(3), 0.5);
});

void test('an empty interval samples 0', () => {
  const meter = new LoadMeter(1, 5);
  assert.equal(meter.sample(5), 0);
});

void test('moving windows: last sample, mean of the last 10 and of the last 30', () => {
  const meter = new LoadMeter(1, 0);
  // samples 0.01, 0.02, ..., 0.40: one task active for i/100 of each 1-s interval
  for (let i = 1; i <= 40; i++) {
    meter.accumulate(i - 1 + i / 100, 1);
    meter.accumulate(i, 0);
    approx(meter.sample(i), i / 100);
    const loads = meter.loads();
    approx(loads.load1, i / 100);
    const mean = (k: number): number => {
      const from = Math.max(1, i - k + 1);
      let sum = 0;
      for (let j = from; j <= i; j++) sum += j / 100;
      return sum / (i - from + 1);
    };
    approx(loads.load10, mean(10));
    approx(loads.load30, mean(30));
  }
});
