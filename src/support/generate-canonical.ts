import type { RandomEngine } from './random-engine.js';

const TWO_32 = 4294967296;
const TWO_64 = TWO_32 * TWO_32;
/** `std::nextafter(1.0, 0.0)`, the largest double below 1. */
const BELOW_ONE = 1 - 2 ** -53;

/**
 * libstdc++'s `std::generate_canonical<double, 53>` over a 32-bit engine (GCC 12, the original's build): a
 * double in [0, 1) from two words, the first the low half, `(w0 + w1·2^32) / 2^64` with the sum rounded to
 * a double (to nearest, ties to even); a result that rounds to 1 becomes the largest double below 1.
 */
export function generateCanonical(engine: RandomEngine): number {
  const low = engine.next();
  const high = engine.next();
  const u = (low + high * TWO_32) / TWO_64;
  return u >= 1 ? BELOW_ONE : u;
}
