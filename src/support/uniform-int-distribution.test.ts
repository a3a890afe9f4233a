import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mt19937 } from './mt19937.js';
import type { RandomEngine } from './random-engine.js';
import { UniformIntDistribution } from './uniform-int-distribution.js';

// Expected draws: printed by a C++ program built with g++ 12 / libstdc++, std::uniform_int_distribution
// <size_t> (<long long> for a negative bound) over std::mt19937(5489).

/** An engine that counts its words. */
function counted(engine: RandomEngine): RandomEngine & { words: number } {
  const c = { words: 0, next: () => (c.words++, engine.next()) };
  return c;
}

function draws(a: number, b: number, n: number, engine: RandomEngine = new Mt19937(5489)): number[] {
  const d = new UniformIntDistribution(a, b);
  return Array.from({ length: n }, () => d.sample(engine));
}

test('a small range (Lemire’s method, one word per draw) gives libstdc++’s draws', () => {
  const engine = counted(new Mt19937(5489));
  assert.deepEqual(draws(100, 500, 8, engine), [426, 154, 463, 434, 150, 488, 466, 188]);
  assert.equal(engine.words, 8);
  assert.deepEqual(draws(-5, 5, 8), [3, -4, 4, 4, -4, 5, 5, -3]);
  assert.deepEqual(draws(0, 0, 3), [0, 0, 0]);
});

test('a range of almost 2^32 rejects the biased words as libstdc++ does', () => {
  // threshold = 2^32 mod 3000000001 = 1294967295: a third of the words are drawn again.
  const engine = counted(new Mt19937(5489));
  assert.deepEqual(
    draws(0, 3000000000, 8, engine),
    [2444171076, 406431012, 380960435, 2740127567, 663102128, 1897077750, 924501151, 292621204],
  );
  assert.ok(engine.words > 8, `${engine.words} words`);
});

test('a range of exactly 2^32 values gives the words themselves', () => {
  assert.deepEqual(draws(0, 4294967295, 3), [3499211612, 581869302, 3890346734]);
});

test('a wider range draws its high part first, then a word (libstdc++’s upscaling)', () => {
  assert.deepEqual(draws(0, 1e15, 4), [814721518182134, 905795009191801, 126989164328927, 913377284435937]);
});

test('every value of a small range comes out, about equally often', () => {
  const counts = new Map<number, number>();
  for (const x of draws(3, 6, 40_000, new Mt19937(11))) counts.set(x, (counts.get(x) ?? 0) + 1);
  assert.deepEqual([...counts.keys()].sort(), [3, 4, 5, 6]);
  for (const [x, c] of counts) assert.ok(Math.abs(c - 10_000) < 400, `${x}: ${c}`);
});

test('bounds must be safe integers with a <= b and b - a at most 2^53 - 1', () => {
  const bad: [number, number, string][] = [
    [0.5, 1, 'uniform int distribution: a is not an integer: 0.5'],
    [0, NaN, 'uniform int distribution: b is not an integer: NaN'],
    [2, 1, 'uniform int distribution: b (1) is below a (2)'],
    [
      -Number.MAX_SAFE_INTEGER,
      1,
      `uniform int distribution: b - a is above 2^53 - 1: [${-Number.MAX_SAFE_INTEGER}, 1]`,
    ],
  ];
  for (const [a, b, message] of bad) assert.throws(() => new UniformIntDistribution(a, b), { message });
});
