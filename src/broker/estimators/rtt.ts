import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { pickMinimum, requestSize, rttSample, type PtimeEstimator } from './estimator.js';
import { windowSize } from './estimator-conf.js';
import { PairMap } from './pairs.js';
import { DEFAULT_PTIMEEST_CONF, estimatorTypes } from './registry.js';
import { LinearEstimator } from './linear-estimator.js';
import type { Clock } from '../policies/selection-policy.js';

/**
 * The `rtt` estimator (spec §4.3): one linear fit of the network time (measured time minus ptime)
 * against the request size per (lambda, destination), over `windowSize` points that go stale after
 * `stalePeriod` seconds; picks the smallest `max(0, estimate(size))`. Processing time is ignored by
 * design (quirk Q15), and a destination with no fresh data estimates 0, which probes it again.
 */
export class RttEstimator implements PtimeEstimator {
  readonly type = 'rtt';
  private readonly rtt = new PairMap<LinearEstimator>();
  /** The size of the last request chosen for, which {@link predictedDelay} predicts for. */
  private lastSize = 0;

  constructor(
    private readonly windowSize: number,
    private readonly stalePeriod: number,
    private readonly clock: Clock,
  ) {}

  added(lambda: string, destination: string): void {
    this.rtt.set(lambda, destination, new LinearEstimator(this.windowSize, this.stalePeriod, this.clock));
  }

  removed(lambda: string, destination: string): void {
    this.rtt.delete(lambda, destination);
  }

  async choose(request: LambdaRequest, destinations: readonly string[]): Promise<string> {
    const size = requestSize(request);
    this.lastSize = size;
    return pickMinimum(destinations, (d) => Math.max(0, this.rtt.get(request.name, d)?.estimate(size) ?? 0));
  }

  success(request: LambdaRequest, destination: string, response: LambdaResponse, seconds: number): void {
    this.rtt.get(request.name, destination)?.add(requestSize(request), rttSample(response, seconds));
  }

  predictedDelay(lambda: string, destination: string): number | undefined {
    const estimated = this.rtt.get(lambda, destination)?.estimate(this.lastSize);
    return estimated === undefined ? undefined : Math.max(0, estimated);
  }

  close(): void {}
}

/** Registers the `rtt` estimator, whose conf is the dispatcher's default one. */
export function setup(): void {
  estimatorTypes.register('rtt', {
    defaultConf: DEFAULT_PTIMEEST_CONF,
    create: (conf, env) =>
      new RttEstimator(windowSize(conf, 'window-size'), conf.getDouble('stale-period'), env.clock),
  });
}
