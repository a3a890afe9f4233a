import type { Loads } from './lambda.js';

/**
 * Utilization of one processor: integrates the number n(t) of active tasks over time and, on each sample
 * (every second), records `min(1, ∫n dt / (cores·Δt))` into 10- and 30-sample moving windows, as the
 * original does (n is not capped at the number of cores: only the ratio is capped at 1).
 */
export class LoadMeter {
  private busyIntegral = 0;
  private lastChange: number;
  private lastSample: number;
  private readonly samples: number[] = [];

  constructor(
    private readonly cores: number,
    now: number,
  ) {
    this.lastChange = now;
    this.lastSample = now;
  }

  /** Accounts for `active` tasks having been active since the last call, up to `now` (seconds). */
  accumulate(now: number, active: number): void {
    this.busyIntegral += active * Math.max(0, now - this.lastChange);
    this.lastChange = now;
  }

  /** Closes the current interval at `now` (after {@link accumulate}) and returns its utilization. */
  sample(now: number): number {
    const span = now - this.lastSample;
    const util = span > 0 ? Math.min(1, this.busyIntegral / (this.cores * span)) : 0;
    this.busyIntegral = 0;
    this.lastSample = now;
    this.samples.push(util);
    if (this.samples.length > 30) this.samples.shift();
    return util;
  }

  /** Last sample, mean of the last ≤ 10 and of the last ≤ 30 samples (0 before the first). */
  loads(): Loads {
    const n = this.samples.length;
    if (n === 0) return { load1: 0, load10: 0, load30: 0 };
    const mean = (k: number): number => {
      const xs = this.samples.slice(-k);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    return { load1: this.samples[n - 1]!, load10: mean(10), load30: mean(30) };
  }
}
