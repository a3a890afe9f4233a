import type { RandomEngine } from './random-engine.js';

const TWO_32 = 4294967296;

/** The high 32 bits of `a · b` for 32-bit unsigned `a` and `b` (the product needs 64 bits: split `b`). */
function mulHigh32(a: number, b: number): number {
  const high = a * Math.floor(b / 65536); // < 2^48, exact
  const low = a * (b % 65536); // < 2^48, exact
  return Math.floor(high / 65536) + Math.floor(((high % 65536) * 65536 + low) / TWO_32);
}

/**
 * libstdc++'s `std::uniform_int_distribution(a, b)` over a 32-bit engine (GCC 11 and later, the original's
 * GCC 12 build): an integer in [a, b], both included. A range of at most 2^32 values takes Lemire's nearly
 * divisionless method (one word, a few more only when the first falls in the biased sliver); a wider range
 * draws its high part recursively, then a word for the low 32 bits, and retries past `b`.
 */
export class UniformIntDistribution {
  /** `a` and `b` are safe integers with `a <= b` and `b - a` at most 2^53 - 1. */
  constructor(
    readonly a: number,
    readonly b: number,
  ) {
    if (!Number.isSafeInteger(a)) throw new RangeError(`uniform int distribution: a is not an integer: ${a}`);
    if (!Number.isSafeInteger(b)) throw new RangeError(`uniform int distribution: b is not an integer: ${b}`);
    if (b < a) throw new RangeError(`uniform int distribution: b (${b}) is below a (${a})`);
    if (!Number.isSafeInteger(b - a)) {
      throw new RangeError(`uniform int distribution: b - a is above 2^53 - 1: [${a}, ${b}]`);
    }
  }

  /** One draw. */
  sample(engine: RandomEngine): number {
    return this.a + offset(engine, this.b - this.a);
  }
}

/** A uniform integer in [0, range]. */
function offset(engine: RandomEngine, range: number): number {
  if (range < TWO_32 - 1) return lemire(engine, range + 1);
  if (range === TWO_32 - 1) return engine.next();
  for (;;) {
    const high = TWO_32 * offset(engine, Math.floor(range / TWO_32));
    const value = high + engine.next();
    if (value <= range) return value;
  }
}

/** Lemire's method as libstdc++'s `_S_nd`: a uniform integer in [0, n) for 1 <= n < 2^32. */
function lemire(engine: RandomEngine, n: number): number {
  let word = engine.next();
  let low = Math.imul(word, n) >>> 0;
  if (low < n) {
    const threshold = (TWO_32 - n) % n;
    while (low < threshold) {
      word = engine.next();
      low = Math.imul(word, n) >>> 0;
    }
  }
  return mulHigh32(word, n);
}
