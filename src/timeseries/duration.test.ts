// Durations in (numbers, pytimeparse expressions) and out (Python timedelta str).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPythonFloat, formatTimedelta, parseDuration, parseTimespanExpression } from './duration.js';

void test('numbers and numeric strings are seconds', () => {
  assert.equal(parseDuration(60), 60);
  assert.equal(parseDuration('86400'), 86400);
  assert.equal(parseDuration('3.6'), 3.6);
  assert.equal(parseDuration(0.5), 0.5);
});

void test('pytimeparse expressions', () => {
  const cases: [string, number][] = [
    ['1h', 3600],
    ['1 day', 86400],
    ['365 day', 365 * 86400],
    ['365 days', 365 * 86400],
    ['5min', 300],
    ['5 minutes', 300],
    ['30s', 30],
    ['1 week', 604800],
    ['7 hours', 25200],
    ['1d', 86400],
    ['0:59:58', 3598],
    ['4:13', 253],
    ['1:02:03:04', 93784],
    ['2h32m', 9120],
    ['1w 3d 2h 32m', 604800 + 3 * 86400 + 9120],
    ['5 hours, 34 minutes, 56 seconds', 20096],
    ['1.5 hours', 5400],
    ['1.2 m', 72],
    ['4:13:02.266', 15182.266],
    ['2 days,  4:13:02', 187982],
  ];
  for (const [text, seconds] of cases) assert.equal(parseDuration(text), seconds, text);
});

void test('signed expressions (relative timestamps)', () => {
  assert.equal(parseTimespanExpression('-2 days'), -172800);
  assert.equal(parseTimespanExpression('+10 minutes'), 600);
  assert.equal(parseTimespanExpression('1 year'), undefined);
  assert.equal(parseTimespanExpression('garbage'), undefined);
});

void test('zero or negative → Timespan must be positive', () => {
  for (const input of [0, -1, '0', '-5', '0 days', '-1h']) {
    assert.throws(() => parseDuration(input), { message: 'Timespan must be positive' }, String(input));
  }
});

void test('unparsable → Unable to parse timespan', () => {
  for (const input of ['1 year', 'abc', '', null, undefined, {}, [], Number.NaN, Infinity]) {
    assert.throws(() => parseDuration(input), { message: 'Unable to parse timespan' }, JSON.stringify(input));
  }
});

void test("Object.prototype's keys are unparsable, as units too", () => {
  for (const name of ['toString', 'constructor', '__proto__']) {
    for (const input of [name, `1 ${name}`, `1${name}`]) {
      assert.throws(() => parseDuration(input), { message: 'Unable to parse timespan' }, input);
      assert.equal(parseTimespanExpression(input), undefined, input);
    }
  }
});

void test('formatTimedelta prints Python timedelta str', () => {
  assert.equal(formatTimedelta(1), '0:00:01');
  assert.equal(formatTimedelta(86400), '1 day, 0:00:00');
  assert.equal(formatTimedelta(365 * 86400), '365 days, 0:00:00');
  assert.equal(formatTimedelta(3.6), '0:00:03.600000');
  assert.equal(formatTimedelta(3598), '0:59:58');
  assert.equal(formatTimedelta(25200), '7:00:00');
  assert.equal(formatTimedelta(75600), '21:00:00');
  assert.equal(formatTimedelta(7 * 86400 + 3661.5), '7 days, 1:01:01.500000');
  assert.equal(formatTimedelta(0), '0:00:00');
  assert.equal(formatTimedelta(-1), '-1 day, 23:59:59');
});

void test('duration round trip through the timedelta form', () => {
  for (const seconds of [1, 60, 3.6, 3598, 86400, 365 * 86400, 93784]) {
    assert.equal(parseDuration(formatTimedelta(seconds)), seconds);
  }
});

void test('formatPythonFloat matches Python repr', () => {
  assert.equal(formatPythonFloat(1), '1.0');
  assert.equal(formatPythonFloat(3600), '3600.0');
  assert.equal(formatPythonFloat(86400), '86400.0');
  assert.equal(formatPythonFloat(3.6), '3.6');
  assert.equal(formatPythonFloat(0.5), '0.5');
  assert.equal(formatPythonFloat(0.0001), '0.0001');
  assert.equal(formatPythonFloat(0.00001), '1e-05');
  assert.equal(formatPythonFloat(1e16), '1e+16');
  assert.equal(formatPythonFloat(1.5e16), '1.5e+16');
  assert.equal(formatPythonFloat(123456789012345.6), '123456789012345.6');
  assert.equal(formatPythonFloat(-2.5), '-2.5');
});

void test('unit terms: in order, each once, one separator after each but seconds, any case', () => {
  const cases: [string, number | undefined][] = [
    ['1W 2D', 604800 + 2 * 86400],
    ['1w,', 604800],
    ['1w ,  2d / 3h', 604800 + 2 * 86400 + 3 * 3600],
    ['1w,,2d', undefined],
    ['1d 1w', undefined],
    ['1h 1h', undefined],
    ['5s,', undefined],
    ['5 ms', undefined],
    ['1weeksx', undefined],
    ['1w2d3h4m5s', 604800 + 2 * 86400 + 3 * 3600 + 4 * 60 + 5],
    ['2 days 1:00:00', 2 * 86400 + 3600],
    ['1w, 1d, 10:00:00.5', 604800 + 86400 + 36000.5],
    ['1h 10:00:00', undefined],
    ['1.2.3 h', undefined],
    ['   ', undefined],
  ];
  for (const [text, seconds] of cases) assert.equal(parseTimespanExpression(text), seconds, text);
});

void test('inputs on which a backtracking pattern takes seconds per hundred spaces are read in one pass', () => {
  // pytimeparse's regular expression took 28 s on the first of these with n = 100.
  for (const n of [100, 1_000, 100_000]) {
    const spaces = ' '.repeat(n);
    for (const text of [`1w${spaces}1d${spaces}x`, `1w ,${spaces}x`, `1${spaces}x`, `${'1w '.repeat(n)}x`]) {
      assert.equal(parseTimespanExpression(text), undefined);
      assert.throws(() => parseDuration(text), { message: 'Unable to parse timespan' });
    }
  }
  assert.equal(parseTimespanExpression(`1w${' '.repeat(100_000)}1d`), 604800 + 86400);
});
