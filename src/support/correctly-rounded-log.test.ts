import assert from 'node:assert/strict';
import { test } from 'node:test';
import { correctlyRoundedLog } from './correctly-rounded-log.js';
import { Mt19937 } from './mt19937.js';

/**
 * [x, log(x) correctly rounded]: the expected doubles are Python's `float(Decimal(x).ln())` at 80 digits
 * (Decimal's ln is correctly rounded, float() of a Decimal too).
 */
const EXACT: [number, number][] = [
  // glibc's log gives -1.754947579804852, -0.8915900322456897, -0.11923427710864745 (0.5001–0.5028 ulp off).
  [0.1729163063606679, -1.7549475798048517],
  [0.4100033156990256, -0.8915900322456896],
  [0.8875998320794549, -0.11923427710864747],
  // Math.log gives -0.14557737420884165 (the first exponential draw of mt19937(5489)).
  [0.8645229957032194, -0.14557737420884162],
  [0.5, -0.6931471805599453],
  [2, 0.6931471805599453],
  [3, 1.0986122886681098],
  [0.75, -0.2876820724517809],
  [10, 2.302585092994046],
  [0.9375, -0.06453852113757118],
  [1.0625, 0.06062462181643484],
  [1 - 2 ** -53, -1.1102230246251565e-16],
  [1 + 2 ** -52, 2.2204460492503128e-16],
  [1.9999999999999998, 0.6931471805599452],
  [1e-300, -690.7755278982137],
  [5e-324, -744.4400719213812],
  [1.7976931348623157e308, 709.782712893384],
];

test('gives the correctly rounded logarithm where glibc and Math.log miss it', () => {
  for (const [x, expected] of EXACT) assert.equal(correctlyRoundedLog(x), expected, `log(${x})`);
});

test('special values: log(1) = +0, log(0) = -Infinity, log(Infinity) = Infinity, NaN below 0 and for NaN', () => {
  assert.ok(Object.is(correctlyRoundedLog(1), 0));
  assert.equal(correctlyRoundedLog(0), -Infinity);
  assert.equal(correctlyRoundedLog(Infinity), Infinity);
  assert.ok(Number.isNaN(correctlyRoundedLog(-1)));
  assert.ok(Number.isNaN(correctlyRoundedLog(-0.5)));
  assert.ok(Number.isNaN(correctlyRoundedLog(NaN)));
});

test('stays within one unit in the last place of Math.log (itself within one) over the whole range', () => {
  const engine = new Mt19937(1);
  for (let i = 0; i < 5000; i++) {
    // Mantissas from the engine, exponents across [2^-1074, 2^1023].
    const x = (1 + engine.next() / 2 ** 32) * 2 ** ((engine.next() % 2098) - 1074);
    const ours = correctlyRoundedLog(x);
    const theirs = Math.log(x);
    const ulp = Math.abs(theirs) * 2 ** -52 || 2 ** -1074;
    assert.ok(Math.abs(ours - theirs) <= ulp, `log(${x}): ${ours} vs Math.log ${theirs}`);
  }
});
