import { Mt19937 } from './mt19937.js';

/**
 * Seedable random draws for the load generators and simulations: a {@link Mt19937} seeded directly with
 * the integer (as `std::mt19937(seed)`), so that runs with the same seed draw the same numbers on every
 * machine. Its real and integer draws are its own, not libstdc++'s distributions: for C++-identical draws
 * use src/support's `SeedSeq`, `ExponentialDistribution` and `UniformIntDistribution` on a `Mt19937`.
 */
export class Random {
  private readonly engine: Mt19937;

  constructor(seed: number) {
    this.engine = new Mt19937(seed);
  }

  /** Seeds from several integers (e.g. seed, thread index, stream id), combined deterministically. */
  static fromSeeds(...seeds: number[]): Random {
    let h = 2166136261;
    for (const s of seeds) {
      h = Math.imul(h ^ (s >>> 0), 16777619) >>> 0;
      h = Math.imul(h ^ (h >>> 15), 2246822507) >>> 0;
    }
    return new Random(h);
  }

  /** The next 32-bit unsigned integer. */
  nextUint32(): number {
    return this.engine.next();
  }

  /** A uniform real in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextUint32() >>> 5;
    const b = this.nextUint32() >>> 6;
    return (a * 67108864 + b) / 9007199254740992;
  }

  /** A uniform real in [lo, hi). */
  uniformReal(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** A uniform integer in [lo, hi], both included. */
  uniformInt(lo: number, hi: number): number {
    return lo + Math.floor(this.uniform() * (hi - lo + 1));
  }

  /** An exponential draw with the given mean. */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /** A random element of a non-empty array. */
  pick<T>(items: readonly T[]): T {
    return items[this.uniformInt(0, items.length - 1)]!;
  }
}
