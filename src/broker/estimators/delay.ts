import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import type { Saver } from '../../support/saver.js';
import { pickMinimum, requestSize, type PtimeEstimator } from './estimator.js';
import { LastLoads } from './loads.js';
import { outputSaver, windowSize } from './estimator-conf.js';
import { PairMap } from './pairs.js';
import { estimatorTypes } from './registry.js';
import { LinearEstimator } from './linear-estimator.js';
import type { Clock } from '../policies/selection-policy.js';

/** The keys of the `delay` estimator's conf. */
export interface DelayEstimatorConf {
  utilLoadTimeout: number;
  utilWindowSize: number;
}

/**
 * The `delay` estimator (spec §4.3): per (lambda, destination, exact request size), a linear fit of the
 * whole measured time (s) against the load1 the destination reported, evaluated at its last load1 (0 if
 * older than `utilLoadTimeout` s, at most 99) and kept within the delays observed in the window (the
 * original's unclamped straight line, extrapolated, could send every request to one destination for good);
 * an unseen size predicts 0. Each success is written to `saver` as `<lambda> <dest> <size> <load1> <estDelay_s> <measDelay_s>`.
 */
export class DelayEstimator implements PtimeEstimator {
  readonly type = 'delay';
  private readonly pairs = new PairMap<Map<number, LinearEstimator>>();
  /** The size of the last request chosen for, which {@link predictedDelay} predicts for. */
  private lastSize = 0;
  private readonly loads: LastLoads;

  constructor(
    private readonly conf: DelayEstimatorConf,
    private readonly saver: Saver,
    clock: Clock,
  ) {
    this.loads = new LastLoads(conf.utilLoadTimeout, clock);
  }

  added(lambda: string, destination: string): void {
    this.pairs.set(lambda, destination, new Map());
  }

  removed(lambda: string, destination: string): void {
    this.pairs.delete(lambda, destination);
    if (!this.pairs.hasDestination(destination)) this.loads.forget(destination);
  }

  async choose(request: LambdaRequest, destinations: readonly string[]): Promise<string> {
    const size = requestSize(request);
    this.lastSize = size;
    return pickMinimum(destinations, (d) => this.estimate(request.name, d, size));
  }

  success(request: LambdaRequest, destination: string, response: LambdaResponse, seconds: number): void {
    const bySize = this.pairs.get(request.name, destination);
    if (bySize === undefined) return;
    const size = requestSize(request);
    const estimate = this.estimate(request.name, destination, size);
    let byLoad = bySize.get(size);
    if (byLoad === undefined) {
      byLoad = new LinearEstimator(this.conf.utilWindowSize);
      bySize.set(size, byLoad);
    }
    byLoad.add(response.load1, seconds);
    this.loads.update(destination, response.load1);
    this.saver.write(request.name, destination, size, response.load1, estimate, seconds);
  }

  predictedDelay(lambda: string, destination: string): number {
    return this.estimate(lambda, destination, this.lastSize);
  }

  close(): void {
    this.saver.close();
  }

  /** The predicted delay of a request of `size` bytes at a destination, seconds. */
  private estimate(lambda: string, destination: string, size: number): number {
    return (
      this.pairs.get(lambda, destination)?.get(size)?.estimateWithinObserved(this.loads.get(destination)) ?? 0
    );
  }
}

/** Registers the `delay` estimator. */
export function setup(): void {
  estimatorTypes.register('delay', {
    defaultConf: 'type=delay,util-load-timeout=10,util-window-size=50,output=out.dat',
    create: (conf, env) =>
      new DelayEstimator(
        {
          utilLoadTimeout: conf.getDouble('util-load-timeout'),
          utilWindowSize: windowSize(conf, 'util-window-size'),
        },
        outputSaver(conf),
        env.clock,
      ),
  });
}
