import type { DestinationLoads } from './destination-loads.js';
import { policyTypes } from './registry.js';
import { BaseSelectionPolicy, monotonicClock, type Clock, type Destination } from './selection-policy.js';

/**
 * An unmeasured destination is charged this fraction of the smallest measured weight: a little less, so
 * that it is tried (even by one request at a time), but not nothing, or it would take every request until
 * its first reply (as the dispatcher's `led` estimator does).
 */
const UNKNOWN_DISCOUNT = 0.999;

/** The keys of the `shortest-expected-delay` policy. */
export interface ShortestExpectedDelayConf {
  /**
   * Seconds without a measurement after which an idle destination (no request in flight there, of any
   * lambda sharing the count) counts as unmeasured again, so that it is tried once more; 0: never.
   */
  stale: number;
}

/**
 * The `shortest-expected-delay` policy (join the shortest expected delay): the weight of a destination is
 * its time per concurrent request (what the `delay-per-request` optimizer measures), and a request goes
 * where `weight · (n + 1)` is smallest, n being the requests in flight there over every policy sharing
 * the in-flight counter (`loads`: in an e-router, every lambda of both its tables, since the calls of all
 * functions share a computer's processor): the delay of one more request under processor sharing. The
 * in-flight counts are the router's own and exact at every selection, so the policy does not herd on
 * stale latencies as the others do.
 * Exploration, with a bounded cost: a destination whose weight was installed by the controller and never
 * measured since, or (with `stale` > 0) not measured for `stale` seconds and idle, is charged a little
 * less than the smallest measured weight, so it gets the next request when it is idle and no more than
 * its share until its next measurement. Ties go to the destination inserted first.
 */
export class ShortestExpectedDelayPolicy extends BaseSelectionPolicy {
  private readonly measuredAt = new Map<string, number>();

  /**
   * `conf` holds the keys; `clock` gives the time in seconds; `loads` is the in-flight counter shared
   * with the other lambdas' policies (default: its own, so only this policy's requests count).
   */
  constructor(
    readonly conf: ShortestExpectedDelayConf,
    private readonly clock: Clock = monotonicClock,
    loads?: DestinationLoads,
  ) {
    super(loads);
  }

  /** The expected delay of one more request at each destination now, in insertion order. */
  expectedDelays(): { destination: string; delay: number }[] {
    const rate = this.rates();
    return this.list.map((d, i) => ({
      destination: d.destination,
      delay: rate[i]! * (this.loads.inFlight(d.destination) + 1),
    }));
  }

  protected choose(): string {
    const rate = this.rates();
    let best = 0;
    let bestDelay = Infinity;
    this.list.forEach((d, i) => {
      const delay = rate[i]! * (this.loads.inFlight(d.destination) + 1);
      if (delay < bestDelay) {
        best = i;
        bestDelay = delay;
      }
    });
    return this.list[best]!.destination;
  }

  protected override onWeightChanged(changed: Destination, _oldWeight: number): void {
    if (this.unmeasured.has(changed.destination)) this.measuredAt.delete(changed.destination);
    else this.measuredAt.set(changed.destination, this.clock());
  }

  protected override onRemoved(removed: Destination): void {
    this.measuredAt.delete(removed.destination);
  }

  /** Each destination's time per request, unmeasured and stale idle ones charged as unknown. */
  private rates(): number[] {
    const now = this.clock();
    const stale = this.conf.stale;
    const unknown = this.list.map((d) => {
      const at = this.measuredAt.get(d.destination);
      if (at === undefined) return true;
      return stale > 0 && now - at >= stale && this.loads.inFlight(d.destination) === 0;
    });
    let min = Infinity;
    this.list.forEach((d, i) => {
      if (!unknown[i]) min = Math.min(min, d.weight);
    });
    const charge = min === Infinity ? 1 : UNKNOWN_DISCOUNT * min;
    return this.list.map((d, i) => (unknown[i] ? charge : d.weight));
  }
}

/** Registers the `shortest-expected-delay` policy; its `stale` key (seconds, ≥ 0) defaults to 30. */
export function setup(): void {
  policyTypes.register('shortest-expected-delay', (conf, env) => {
    const stale = conf.has('stale') ? conf.getDouble('stale') : 30;
    if (!(stale >= 0 && stale < Infinity)) throw new Error(`Invalid stale: ${stale}`);
    return () => new ShortestExpectedDelayPolicy({ stale }, env.clock, env.loads);
  });
}
