import { optimizerTypes } from './registry.js';
import type { WeightOptimizer } from './weight-optimizer.js';

/** The `none` optimizer: ignores samples, so weights stay as the controller installed them. */
export class NoneOptimizer implements WeightOptimizer {
  readonly type = 'none';

  onSample(_lambda: string, _destination: string, _seconds: number): void {}

  stop(): void {}
}

/** Registers the `none` optimizer (no keys). */
export function setup(): void {
  optimizerTypes.register('none', () => new NoneOptimizer());
}
