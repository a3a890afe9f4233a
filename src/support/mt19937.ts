import type { RandomEngine } from './random-engine.js';
import type { SeedSeq } from './seed-seq.js';

const N = 624;
const M = 397;
const UPPER = 0x80000000;
const LOWER = 0x7fffffff;

/**
 * C++'s `std::mt19937` (32-bit Mersenne Twister, C++11 §26.5.3.2), word for word: seeded with an integer
 * (`mt19937(seed)`, default 5489) or through a {@link SeedSeq} (`mt19937(seed_seq&)`, as libstdc++ does it).
 */
export class Mt19937 implements RandomEngine {
  /** The seed of a default-constructed `std::mt19937`. */
  static readonly DEFAULT_SEED = 5489;

  private readonly state = new Uint32Array(N);
  private index = N;

  /** `std::mt19937(seed)`: the seed is taken modulo 2^32 (-1 is 2^32 - 1), as C++ converts it. */
  constructor(seed: number = Mt19937.DEFAULT_SEED) {
    const x = this.state;
    x[0] = seed >>> 0;
    for (let i = 1; i < N; i++) {
      const prev = x[i - 1]!;
      x[i] = Math.imul(1812433253, prev ^ (prev >>> 30)) + i;
    }
  }

  /**
   * `std::mt19937(seq)`: the state is 624 words of `seq.generate`; a state that is all zero but for the
   * lower 31 bits of its first word (which the twist ignores) is replaced by 2^31, as the standard says.
   */
  static fromSeedSeq(seq: SeedSeq): Mt19937 {
    const engine = new Mt19937();
    const words = seq.generate(N);
    engine.state.set(words);
    if ((words[0]! & UPPER) === 0 && words.subarray(1).every((w) => w === 0)) engine.state[0] = UPPER;
    return engine;
  }

  /** The next 32-bit output, an integer in [0, 2^32). */
  next(): number {
    if (this.index >= N) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** Skips `n` outputs (`discard(n)`). */
  discard(n: number): void {
    for (let i = 0; i < n; i++) this.next();
  }

  private twist(): void {
    const x = this.state;
    for (let i = 0; i < N; i++) {
      const y = (x[i]! & UPPER) | (x[(i + 1) % N]! & LOWER);
      x[i] = x[(i + M) % N]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}
