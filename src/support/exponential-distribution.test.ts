import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ExponentialDistribution } from './exponential-distribution.js';
import { Mt19937 } from './mt19937.js';
import type { RandomEngine } from './random-engine.js';

function draws(lambda: number, engine: RandomEngine, n: number): number[] {
  const d = new ExponentialDistribution(lambda);
  return Array.from({ length: n }, () => d.sample(engine));
}

test('draws equal libstdc++’s exponential_distribution<double> (g++ 12, printed with %.17g)', () => {
  assert.deepEqual(
    draws(1, new Mt19937(5489), 3),
    [0.14557737420884162, 1.8018618670099642, 3.4695116981270844],
  );
  assert.deepEqual(
    draws(3.5, new Mt19937(42), 3),
    [0.45494300611780858, 0.057899571972051755, 0.43220690336864126],
  );
  assert.deepEqual(draws(0.001, new Mt19937(0), 2), [898.56038879777839, 1859.6042131439135]);
});

test('a draw is -log(1 - u) / lambda of one canonical draw (two words)', () => {
  let calls = 0;
  const half: RandomEngine = { next: () => (calls++ % 2 === 0 ? 0 : 2 ** 31) };
  assert.deepEqual(draws(2, half, 2), [Math.LN2 / 2, Math.LN2 / 2]);
  assert.equal(calls, 4);
});

test('the mean of many draws is 1 / lambda within 1%', () => {
  const n = 200_000;
  const mean = draws(4, new Mt19937(7), n).reduce((s, x) => s + x, 0) / n;
  assert.ok(Math.abs(mean - 0.25) < 0.0025, `mean ${mean}`);
});

test('lambda must be a finite number above 0', () => {
  for (const lambda of [0, -1, NaN, Infinity]) {
    assert.throws(() => new ExponentialDistribution(lambda), {
      message: `exponential distribution: lambda must be a finite number above 0, got ${lambda}`,
    });
  }
});
