import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinearEstimator } from './linear-estimator.js';

/** A clock the test moves by hand. */
function manualClock(): { clock: () => number; advance: (s: number) => void } {
  let now = 0;
  return { clock: () => now, advance: (s) => (now += s) };
}

test('no points estimate 0; one point or equal x estimate the mean of y', () => {
  const e = new LinearEstimator(10);
  assert.deepEqual(e.coefficients(), { a: 0, b: 0 });
  assert.equal(e.estimate(123), 0);
  e.add(3, 7);
  assert.deepEqual(e.coefficients(), { a: 7, b: 0 });
  e.add(3, 9);
  e.add(3, 11);
  assert.deepEqual(e.coefficients(), { a: 9, b: 0 });
  assert.equal(e.estimate(1000), 9);
  const tenths = new LinearEstimator(10);
  for (const y of [1, 2, 3]) tenths.add(0.1, y);
  assert.deepEqual(tenths.coefficients(), { a: 2, b: 0 });
});

test('points on a line are fitted exactly; noisy points get the least-squares line', () => {
  const e = new LinearEstimator(10);
  for (let x = 0; x < 5; x++) e.add(x, 2 + 3 * x);
  const { a, b } = e.coefficients();
  assert.ok(Math.abs(a - 2) < 1e-12 && Math.abs(b - 3) < 1e-12, `${a} ${b}`);
  assert.ok(Math.abs(e.estimate(10) - 32) < 1e-9);
  const noisy = new LinearEstimator(10);
  for (const [x, y] of [
    [0, 1],
    [1, 3],
    [2, 2],
    [3, 5],
  ] as const)
    noisy.add(x, y);
  // Σx=6 Σy=11 Σxy=22 Σx²=14, n=4: b = (4·22 − 6·11)/(4·14 − 36) = 1.1, a = (11 − 1.1·6)/4 = 1.1.
  const fit = noisy.coefficients();
  assert.ok(Math.abs(fit.b - 1.1) < 1e-12 && Math.abs(fit.a - 1.1) < 1e-12, JSON.stringify(fit));
});

test('the window keeps the last points only', () => {
  const e = new LinearEstimator(3);
  for (const y of [100, 100, 1, 2, 3]) e.add(1, y);
  assert.equal(e.size, 3);
  assert.equal(e.estimate(1), 2);
});

test('stale points are purged, oldest first, when an estimate is asked for', () => {
  const { clock, advance } = manualClock();
  const e = new LinearEstimator(10, 5, clock);
  e.add(0, 10);
  advance(3);
  e.add(0, 20);
  assert.equal(e.estimate(0), 15);
  advance(2.5);
  assert.equal(e.size, 2, 'nothing is purged before an estimate');
  assert.equal(e.estimate(0), 20);
  assert.equal(e.size, 1);
  advance(3);
  assert.equal(e.estimate(0), 0);
  assert.equal(e.size, 0);
  e.add(1, 4);
  assert.equal(e.estimate(0), 4);
});

test('without a stale period points never expire', () => {
  const { clock, advance } = manualClock();
  const e = new LinearEstimator(10, 0, clock);
  e.add(0, 10);
  advance(1e6);
  assert.equal(e.estimate(0), 10);
});

test('the window size must be a positive integer', () => {
  assert.throws(() => new LinearEstimator(0), /^Error: Invalid window size: 0$/);
  assert.throws(() => new LinearEstimator(1.5), /^Error: Invalid window size: 1\.5$/);
});

test('estimateWithinObserved keeps the prediction within the observed values', () => {
  const e = new LinearEstimator(10);
  e.add(0, 0.05);
  e.add(10, 0.04);
  assert.ok(Math.abs(e.estimate(100) - -0.05) < 1e-12);
  assert.equal(e.estimateWithinObserved(100), 0.04);
  assert.equal(e.estimateWithinObserved(-100), 0.05);
  assert.ok(Math.abs(e.estimateWithinObserved(5) - 0.045) < 1e-12);
});
