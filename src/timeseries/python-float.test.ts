import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parsePythonFloat } from './python-float.js';

test("numeric texts as Python's float() reads them", () => {
  const cases: [string, number | undefined][] = [
    ['42', 42],
    [' -1.5e3 ', -1500],
    ['+.5', 0.5],
    ['5.', 5],
    ['1_000.2_5', 1000.25],
    ['1E-2', 0.01],
    ['1e400', Infinity],
    ['', undefined],
    ['.', undefined],
    ['1__0', undefined],
    ['_1', undefined],
    ['1_', undefined],
    ['1.2.3', undefined],
    ['0x10', undefined],
    ['1e', undefined],
    ['inf', undefined],
  ];
  for (const [text, value] of cases) assert.equal(parsePythonFloat(text), value, JSON.stringify(text));
});

test('a long text that fails is refused in one pass (no split of the digits is retried)', () => {
  // With `\d+\.?\d*` a text of n digits then `x` costs n² steps: 10^12 for these 10^6 digits.
  assert.equal(parsePythonFloat(`${'1'.repeat(1_000_000)}x`), undefined);
  assert.equal(parsePythonFloat(`${'1_'.repeat(500_000)}x`), undefined);
  assert.equal(parsePythonFloat(`1${' '.repeat(1_000_000)}x`), undefined);
  assert.equal(parsePythonFloat('9'.repeat(400)), Infinity);
});
