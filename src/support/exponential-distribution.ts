import { correctlyRoundedLog } from './correctly-rounded-log.js';
import { generateCanonical } from './generate-canonical.js';
import type { RandomEngine } from './random-engine.js';

/**
 * libstdc++'s `std::exponential_distribution<double>(lambda)`: each draw is `-log(1 - u) / lambda` with
 * `u` from {@link generateCanonical} (two engine words per draw); the mean is `1 / lambda`. The logarithm
 * is {@link correctlyRoundedLog}: glibc's `log` gives the same double but in a few draws in 10,000, where
 * it is one unit in the last place off (Math.log would be in 7%).
 */
export class ExponentialDistribution {
  /** `lambda` is the rate, a finite number above 0. */
  constructor(readonly lambda: number) {
    if (!(lambda > 0 && Number.isFinite(lambda))) {
      throw new RangeError(`exponential distribution: lambda must be a finite number above 0, got ${lambda}`);
    }
  }

  /** One draw. */
  sample(engine: RandomEngine): number {
    return -correctlyRoundedLog(1 - generateCanonical(engine)) / this.lambda;
  }
}
