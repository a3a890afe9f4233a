import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Random } from './random.js';

describe('Random (MT19937)', () => {
  test('seed 5489 gives the reference sequence of MT19937 (std::mt19937 default seed)', () => {
    const r = new Random(5489);
    assert.deepEqual(
      Array.from({ length: 5 }, () => r.nextUint32()),
      [3499211612, 581869302, 3890346734, 3586334585, 545404204],
    );
  });

  test('the 10000th output of std::mt19937 default-constructed is 4123659995 (C++11 §26.5.5)', () => {
    const r = new Random(5489);
    for (let i = 0; i < 9999; i++) r.nextUint32();
    assert.equal(r.nextUint32(), 4123659995);
  });

  test('other seeds match std::mt19937 (values from g++/libstdc++)', () => {
    const zero = new Random(0);
    assert.deepEqual([zero.nextUint32(), zero.nextUint32()], [2357136044, 2546248239]);
    const max = new Random(4294967295);
    assert.equal(max.nextUint32(), 419326371);
    const r = new Random(42);
    for (let i = 0; i < 9999; i++) r.nextUint32();
    assert.equal(r.nextUint32(), 1399405940);
  });

  test('same seed, same sequence; different seeds, different sequences', () => {
    const draw = (r: Random) => Array.from({ length: 1000 }, () => r.uniform());
    assert.deepEqual(draw(new Random(123)), draw(new Random(123)));
    assert.notDeepEqual(draw(new Random(123)), draw(new Random(124)));
    const seeded = (...s: number[]) =>
      Array.from(
        { length: 10 },
        (
          (r) => () =>
            r.nextUint32()
        )(Random.fromSeeds(...s)),
      );
    assert.deepEqual(seeded(0, 1, 2), seeded(0, 1, 2));
    assert.notDeepEqual(seeded(0, 1, 2), seeded(0, 2, 1));
    assert.notDeepEqual(seeded(0, 1), seeded(1, 1));
  });

  test('nextUint32 gives 32-bit unsigned integers', () => {
    const r = new Random(1);
    for (let i = 0; i < 10000; i++) {
      const x = r.nextUint32();
      assert.ok(Number.isInteger(x) && x >= 0 && x <= 0xffffffff, String(x));
    }
  });

  test('uniform is in [0, 1) with mean ≈ 1/2; uniformReal in [lo, hi)', () => {
    const r = new Random(2024);
    let sum = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const u = r.uniform();
      assert.ok(u >= 0 && u < 1, String(u));
      sum += u;
    }
    assert.ok(Math.abs(sum / n - 0.5) < 0.01, `mean ${sum / n}`);
    for (let i = 0; i < 1000; i++) {
      const x = r.uniformReal(-2, 3);
      assert.ok(x >= -2 && x < 3, String(x));
    }
  });

  test('uniformInt covers [lo, hi] with both ends included, evenly', () => {
    const r = new Random(99);
    const counts = new Map<number, number>();
    for (let i = 0; i < 60000; i++) {
      const k = r.uniformInt(-1, 4);
      counts.set(k, (counts.get(k) ?? 0) + 1);
    }
    assert.deepEqual(
      [...counts.keys()].sort((a, b) => a - b),
      [-1, 0, 1, 2, 3, 4],
    );
    for (const [k, c] of counts) assert.ok(Math.abs(c - 10000) < 500, `value ${k}: ${c} draws`);
    assert.equal(r.uniformInt(7, 7), 7);
  });

  test('exponential: positive, mean within 2% over 100k draws', () => {
    const r = new Random(31337);
    const mean = 0.25;
    let sum = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const x = r.exponential(mean);
      assert.ok(x >= 0 && Number.isFinite(x), String(x));
      sum += x;
    }
    assert.ok(Math.abs(sum / n - mean) / mean < 0.02, `mean ${sum / n}`);
  });

  test('pick returns elements of the array, each of them eventually', () => {
    const r = new Random(5);
    const items = ['a', 'b', 'c'] as const;
    const seen = new Set<string>();
    for (let i = 0; i < 100; i++) seen.add(r.pick(items));
    assert.deepEqual([...seen].sort(), ['a', 'b', 'c']);
  });
});
