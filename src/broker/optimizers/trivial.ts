import { logger } from '../../support/logger.js';
import { realScheduler, type Cancel, type Scheduler } from '../../support/scheduler.js';
import { optimizerTypes } from './registry.js';
import { applyWeight, type WeightOptimizer, type WeightTable } from './weight-optimizer.js';

const log = logger('optimizer-trivial');

/** Which statistic of a period's latencies becomes the weight. */
export type TrivialStat = 'mean' | 'min' | 'max';

/** Parses a `stat=` value; fails with `Invalid stat: <s>`. */
export function parseStat(text: string): TrivialStat {
  if (text === 'mean' || text === 'min' || text === 'max') return text;
  throw new Error(`Invalid stat: ${text}`);
}

interface Summary {
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * The `trivial` optimizer (the original's LocalOptimizerTrivial): collects the latencies of each
 * (lambda, destination) pair and every `period` seconds (first round one period after creation) sets
 * each sampled pair's weight to the mean, min or max of that period's samples, then starts over. Pairs
 * without samples keep their weight. A pair that left the table meanwhile is skipped and logged, and the
 * rest of the round goes on (the original aborted the round, quirk Q16).
 */
export class TrivialOptimizer implements WeightOptimizer {
  readonly type = 'trivial';
  private samples = new Map<string, Map<string, Summary>>();
  private timer: Cancel | undefined;
  private stopped = false;

  /**
   * `period` in seconds (> 0); with `timer` false no timer runs and rounds happen only via `runOnce()`.
   * The timer runs on `scheduler` (default: the wall clock, where it does not keep the process alive).
   */
  constructor(
    private readonly table: WeightTable,
    readonly period: number,
    readonly stat: TrivialStat,
    timer = true,
    scheduler: Scheduler = realScheduler,
  ) {
    if (!(period > 0 && period < Infinity)) throw new Error(`Invalid period: ${period}`);
    if (timer) this.timer = scheduler.every(period, () => this.runOnce(), { keepAlive: false });
  }

  onSample(lambda: string, destination: string, seconds: number): void {
    if (this.stopped) return;
    let pairs = this.samples.get(lambda);
    if (pairs === undefined) {
      pairs = new Map();
      this.samples.set(lambda, pairs);
    }
    const s = pairs.get(destination);
    if (s === undefined) {
      pairs.set(destination, { count: 1, sum: seconds, min: seconds, max: seconds });
    } else {
      s.count += 1;
      s.sum += seconds;
      s.min = Math.min(s.min, seconds);
      s.max = Math.max(s.max, seconds);
    }
  }

  /** Runs one update round now with the samples collected so far; returns how many weights were set. */
  runOnce(): number {
    const round = this.samples;
    this.samples = new Map();
    let updated = 0;
    for (const [lambda, pairs] of round) {
      for (const [destination, s] of pairs) {
        const latency = this.stat === 'mean' ? s.sum / s.count : this.stat === 'min' ? s.min : s.max;
        log.debug(
          2,
          () =>
            `${lambda} ${destination}, num ${s.count}, mean ${s.sum / s.count}, min ${s.min}, max ${s.max}`,
        );
        if (applyWeight(this.table, log, lambda, destination, latency)) updated++;
      }
    }
    return updated;
  }

  stop(): void {
    this.stopped = true;
    this.timer?.();
    this.timer = undefined;
    this.samples.clear();
  }
}

/** Registers the `trivial` optimizer, whose `period` and `stat` keys are required. */
export function setup(): void {
  optimizerTypes.register(
    'trivial',
    (conf, table, options) =>
      new TrivialOptimizer(
        table,
        conf.getDouble('period'),
        parseStat(conf.get('stat')),
        options.timer,
        options.scheduler,
      ),
  );
}
