import { logger } from '../../support/logger.js';
import { optimizerTypes } from './registry.js';
import { applyWeight, type WeightOptimizer, type WeightTable } from './weight-optimizer.js';

const log = logger('optimizer-asyncPF');

/**
 * The `asyncPF` optimizer (the original's LocalOptimizerAsyncPF): sets the weight to the latest latency
 * at once, without smoothing. With the proportional-fairness policy every such update also bumps the
 * destination's served count and last-update time.
 */
export class AsyncPfOptimizer implements WeightOptimizer {
  readonly type = 'asyncPF';
  private stopped = false;

  constructor(private readonly table: WeightTable) {}

  onSample(lambda: string, destination: string, seconds: number): void {
    if (this.stopped) return;
    applyWeight(this.table, log, lambda, destination, seconds);
  }

  stop(): void {
    this.stopped = true;
  }
}

/** Registers the `asyncPF` optimizer (no keys). */
export function setup(): void {
  optimizerTypes.register('asyncPF', (_conf, table) => new AsyncPfOptimizer(table));
}
