import assert from 'node:assert/strict';
import { test } from 'node:test';
import { generateCanonical } from './generate-canonical.js';
import { Mt19937 } from './mt19937.js';
import type { RandomEngine } from './random-engine.js';

/** An engine that gives the listed words, in order. */
function words(...list: number[]): RandomEngine {
  return { next: () => list.shift() ?? assert.fail('the engine ran out of words') };
}

test('on std::mt19937(5489) the draws are libstdc++’s (g++ 12, printed with %.17g)', () => {
  const engine = new Mt19937(5489);
  assert.deepEqual(
    Array.from({ length: 4 }, () => generateCanonical(engine)),
    [0.1354770042967805, 0.8350085899945795, 0.96886777112423139, 0.2210340429827049],
  );
});

test('two words per draw, the first the low half: (w0 + w1·2^32) / 2^64', () => {
  assert.equal(generateCanonical(words(0, 0)), 0);
  assert.equal(generateCanonical(words(0, 2 ** 31)), 0.5);
  assert.equal(generateCanonical(words(2 ** 31, 0)), 2 ** -33);
  assert.equal(generateCanonical(words(1, 0)), 2 ** -64);
});

test('the sum is rounded to a double, ties to even', () => {
  // 2^63 + 2^10 is a tie between 2^63 and 2^63 + 2^11: even is 2^63; 2^63 + 3·2^10 rounds up to + 2^12.
  assert.equal(generateCanonical(words(2 ** 10, 2 ** 31)), 0.5);
  assert.equal(generateCanonical(words(3 * 2 ** 10, 2 ** 31)), 0.5 + 2 ** -52);
});

test('a sum that rounds to 2^64 gives the largest double below 1, not 1', () => {
  assert.equal(generateCanonical(words(0xffffffff, 0xffffffff)), 1 - 2 ** -53);
  assert.equal(generateCanonical(words(0xfffff800, 0xffffffff)), 1 - 2 ** -53);
  assert.equal(generateCanonical(words(0, 0xffffffff)), 1 - 2 ** -32);
});
