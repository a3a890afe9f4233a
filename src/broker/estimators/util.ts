import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import type { Saver } from '../../support/saver.js';
import { pickMinimum, requestSize, rttSample, type PtimeEstimator } from './estimator.js';
import { LastLoads } from './loads.js';
import { outputSaver, windowSize } from './estimator-conf.js';
import { PairMap } from './pairs.js';
import { estimatorTypes } from './registry.js';
import { LinearEstimator } from './linear-estimator.js';
import type { Clock } from '../policies/selection-policy.js';

/** The keys of the `util` estimator's conf. */
export interface UtilEstimatorConf {
  rttWindowSize: number;
  rttStalePeriod: number;
  utilLoadTimeout: number;
  utilWindowSize: number;
}

/** What the `util` estimator knows of one (lambda, destination). */
interface PairState {
  /** Network time (s) against request size. */
  rtt: LinearEstimator;
  /** Per exact request size: processing time (s) against load1. */
  ptime: Map<number, LinearEstimator>;
}

/**
 * The `util` estimator (spec §4.3): predicted delay = `max(0, RTT(size))` + `PT(load)`, where RTT is a
 * linear fit of the network time against the request size per (lambda, destination) (stale after
 * `rttStalePeriod` s) and PT, per (lambda, destination, exact size), a linear fit of the processing time
 * against the load1 the destination reported, evaluated at its last load1 (0 if older than
 * `utilLoadTimeout` s, at most 99). An unseen size predicts PT = 0; PT is not clamped. Each success is
 * written to `saver` as `<lambda> <dest> <size> <load1> <estRTT_s> <measRTT_s> <estPtime_s> <measPtime_s>`.
 */
export class UtilEstimator implements PtimeEstimator {
  readonly type = 'util';
  private readonly pairs = new PairMap<PairState>();
  private readonly loads: LastLoads;

  constructor(
    private readonly conf: UtilEstimatorConf,
    private readonly saver: Saver,
    private readonly clock: Clock,
  ) {
    this.loads = new LastLoads(conf.utilLoadTimeout, clock);
  }

  added(lambda: string, destination: string): void {
    this.pairs.set(lambda, destination, {
      rtt: new LinearEstimator(this.conf.rttWindowSize, this.conf.rttStalePeriod, this.clock),
      ptime: new Map(),
    });
  }

  removed(lambda: string, destination: string): void {
    this.pairs.delete(lambda, destination);
    if (!this.pairs.hasDestination(destination)) this.loads.forget(destination);
  }

  async choose(request: LambdaRequest, destinations: readonly string[]): Promise<string> {
    const size = requestSize(request);
    return pickMinimum(destinations, (d) => {
      const e = this.estimate(request.name, d, size);
      return e.rtt + e.ptime;
    });
  }

  success(request: LambdaRequest, destination: string, response: LambdaResponse, seconds: number): void {
    const state = this.pairs.get(request.name, destination);
    if (state === undefined) return;
    const size = requestSize(request);
    const estimate = this.estimate(request.name, destination, size);
    const rtt = rttSample(response, seconds);
    const ptime = response.ptime / 1000;
    state.rtt.add(size, rtt);
    let byLoad = state.ptime.get(size);
    if (byLoad === undefined) {
      byLoad = new LinearEstimator(this.conf.utilWindowSize);
      state.ptime.set(size, byLoad);
    }
    byLoad.add(response.load1, ptime);
    this.loads.update(destination, response.load1);
    this.saver.write(
      request.name,
      destination,
      size,
      response.load1,
      estimate.rtt,
      rtt,
      estimate.ptime,
      ptime,
    );
  }

  close(): void {
    this.saver.close();
  }

  /** The two parts of the predicted delay of a request of `size` bytes at a destination, seconds. */
  private estimate(lambda: string, destination: string, size: number): { rtt: number; ptime: number } {
    const state = this.pairs.get(lambda, destination);
    if (state === undefined) return { rtt: 0, ptime: 0 };
    return {
      rtt: Math.max(0, state.rtt.estimate(size)),
      ptime: state.ptime.get(size)?.estimate(this.loads.get(destination)) ?? 0,
    };
  }
}

/** Registers the `util` estimator. */
export function setup(): void {
  estimatorTypes.register('util', {
    defaultConf:
      'type=util,rtt-window-size=50,rtt-stale-period=10,util-load-timeout=10,util-window-size=50,output=out.dat',
    create: (conf, env) =>
      new UtilEstimator(
        {
          rttWindowSize: windowSize(conf, 'rtt-window-size'),
          rttStalePeriod: conf.getDouble('rtt-stale-period'),
          utilLoadTimeout: conf.getDouble('util-load-timeout'),
          utilWindowSize: windowSize(conf, 'util-window-size'),
        },
        outputSaver(conf),
        env.clock,
      ),
  });
}
