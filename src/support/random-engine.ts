/**
 * A source of uniformly distributed 32-bit words, as C++'s `UniformRandomBitGenerator` with `min() == 0`
 * and `max() == 2^32 - 1` (e.g. `std::mt19937`): what the distributions of src/support draw from.
 */
export interface RandomEngine {
  /** The next word, an integer in [0, 2^32). */
  next(): number;
}
