import { logger } from '../../support/logger.js';
import { monotonicClock, type Clock } from '../policies/selection-policy.js';
import { optimizerTypes } from './registry.js';
import { applyWeight, type WeightOptimizer, type WeightTable } from './weight-optimizer.js';

const log = logger('optimizer-async');

/** A previous sample older than this many seconds is not used for smoothing. */
export const ASYNC_STALE_PERIOD = 5;

/**
 * The `async` optimizer (the original's LocalOptimizerAsync): updates the weight at every sample with an
 * exponential moving average, `w = alpha·w_prev + (1 − alpha)·sample` if the pair's previous sample is
 * less than 5 s old, else `w = sample`. So alpha weighs the *previous* value, as the original code does
 * (its header comment says the opposite, quirk Q3; the code's formula is kept).
 */
export class AsyncOptimizer implements WeightOptimizer {
  readonly type = 'async';
  private readonly last = new Map<string, Map<string, { weight: number; time: number }>>();
  private stopped = false;

  /** `alpha` ∈ [0, 1] is the weight of the previous value; `clock` gives the time in seconds. */
  constructor(
    private readonly table: WeightTable,
    readonly alpha: number,
    private readonly clock: Clock = monotonicClock,
  ) {}

  onSample(lambda: string, destination: string, seconds: number): void {
    if (this.stopped) return;
    const now = this.clock();
    let pairs = this.last.get(lambda);
    if (pairs === undefined) {
      pairs = new Map();
      this.last.set(lambda, pairs);
    }
    const previous = pairs.get(destination);
    let weight = seconds;
    if (previous !== undefined && now - previous.time < ASYNC_STALE_PERIOD) {
      weight = seconds * (1 - this.alpha) + this.alpha * previous.weight;
    }
    pairs.set(destination, { weight, time: now });
    if (!applyWeight(this.table, log, lambda, destination, weight)) {
      pairs.delete(destination);
      if (pairs.size === 0) this.last.delete(lambda);
    }
  }

  stop(): void {
    this.stopped = true;
  }
}

/** Registers the `async` optimizer, whose `alpha` key is required. */
export function setup(): void {
  optimizerTypes.register(
    'async',
    (conf, table, options) => new AsyncOptimizer(table, conf.getDouble('alpha'), options.clock),
  );
}
