import type { Logger } from '../../support/logger.js';
import type { Scheduler } from '../../support/scheduler.js';
import type { ForwardingTable } from '../router/forwarding-table.js';
import type { Clock } from '../policies/selection-policy.js';

/** The part of a forwarding table an optimizer writes to. */
export type WeightTable = Pick<ForwardingTable, 'changeWeight'>;

/**
 * The plug-in that turns measured latencies into forwarding-table weights (the original's
 * LocalOptimizer), chosen by `--optimizer-conf type=`. The broker feeds it after every successful
 * forwarding.
 */
export interface WeightOptimizer {
  /** The `type=` name. */
  readonly type: string;
  /**
   * Records that a request for `lambda` forwarded to `destination` took `seconds` (from asking for a
   * client until the response); `concurrency`, when the router knows it, is the mean of the router's
   * requests in flight there, of every lambda (this one included), when it left and when its reply came. Never throws for
   * pairs that left the table meanwhile.
   */
  onSample(lambda: string, destination: string, seconds: number, concurrency?: number): void;
  /** Stops background work (timers); samples are ignored afterwards. */
  stop(): void;
}

/** Knobs of optimizer construction, for tests and embedding. */
export interface OptimizerOptions {
  /** Time in seconds (default: `performance.now()` in seconds). */
  clock?: Clock;
  /** False to not start the periodic timer of periodic optimizers (then call `runOnce()`); default true. */
  timer?: boolean;
  /** Time and timers of periodic optimizers (default: the wall clock; its `now` is the default clock too). */
  scheduler?: Scheduler;
}

/**
 * Sets a pair's weight; if the table refuses (the pair vanished, or the weight is invalid) the error is
 * logged and false returned, so that one bad pair cannot stop the others.
 */
export function applyWeight(
  table: WeightTable,
  log: Logger,
  lambda: string,
  destination: string,
  weight: number,
): boolean {
  try {
    table.changeWeight(lambda, destination, weight);
    return true;
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    log.warn(
      `Skipping weight update of destination ${destination} for lambda ${lambda} to ${weight}: ${reason}`,
    );
    return false;
  }
}
