import { logger } from '../../support/logger.js';
import { optimizerTypes } from './registry.js';
import { applyWeight, type WeightOptimizer, type WeightTable } from './weight-optimizer.js';

const log = logger('optimizer-delay-per-request');

/** The last replies of one (lambda, destination) and their sums. */
class Window {
  private readonly delays: number[] = [];
  private readonly concurrencies: number[] = [];
  private delaySum = 0;
  private concurrencySum = 0;

  constructor(private readonly size: number) {}

  /** Adds a reply and returns Σ delay / Σ concurrency over the window. */
  add(delay: number, concurrency: number): number {
    this.delays.push(delay);
    this.concurrencies.push(concurrency);
    this.delaySum += delay;
    this.concurrencySum += concurrency;
    if (this.delays.length > this.size) {
      this.delaySum -= this.delays.shift()!;
      this.concurrencySum -= this.concurrencies.shift()!;
    }
    return this.delaySum / this.concurrencySum;
  }
}

/**
 * The `delay-per-request` optimizer, for the `shortest-expected-delay` policy: at every reply it sets the
 * weight of the pair to its seconds per concurrent request over the last `window-size` replies,
 * Σ delay / Σ concurrency, the concurrency of a reply being the mean of the router's requests in flight
 * at the destination, of every lambda (itself included), when it left and when it came back (1 when the
 * router does not say): the same count the policy charges, so that weight · (n + 1) stays consistent. Under processor sharing a reply's delay grows with the requests it shared the destination with,
 * so the weight is about the destination's time per request alone: its speed, not its momentary load,
 * which the policy adds from its in-flight counts. With other policies it is a moving mean latency.
 */
export class DelayPerRequestOptimizer implements WeightOptimizer {
  readonly type = 'delay-per-request';
  private readonly windows = new Map<string, Map<string, Window>>();
  private stopped = false;

  /** `windowSize` (≥ 1) replies per pair are remembered. */
  constructor(
    private readonly table: WeightTable,
    readonly windowSize: number,
  ) {
    if (!(Number.isInteger(windowSize) && windowSize >= 1))
      throw new Error(`Invalid window-size: ${windowSize}`);
  }

  onSample(lambda: string, destination: string, seconds: number, concurrency = 1): void {
    if (this.stopped) return;
    let pairs = this.windows.get(lambda);
    if (pairs === undefined) {
      pairs = new Map();
      this.windows.set(lambda, pairs);
    }
    let window = pairs.get(destination);
    if (window === undefined) {
      window = new Window(this.windowSize);
      pairs.set(destination, window);
    }
    const weight = window.add(seconds, Math.max(1, concurrency));
    if (!applyWeight(this.table, log, lambda, destination, weight)) {
      pairs.delete(destination);
      if (pairs.size === 0) this.windows.delete(lambda);
    }
  }

  stop(): void {
    this.stopped = true;
    this.windows.clear();
  }
}

/** Registers the `delay-per-request` optimizer; its `window-size` key defaults to 50. */
export function setup(): void {
  optimizerTypes.register(
    'delay-per-request',
    (conf, table) =>
      new DelayPerRequestOptimizer(table, conf.has('window-size') ? conf.getUint('window-size') : 50),
  );
}
