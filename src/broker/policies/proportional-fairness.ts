import type { DestinationLoads } from './destination-loads.js';
import { policyTypes } from './registry.js';
import { BaseSelectionPolicy, monotonicClock, type Clock, type Destination } from './selection-policy.js';

interface Stats {
  /** 1 on insertion, +1 on every weight update. */
  count: number;
  /** Clock time of the insertion, then of the last weight update. */
  last: number;
}

/**
 * The `proportional-fairness` policy (the original's EntryProportionalFairness). Each destination has a
 * count (1 on insertion, +1 per weight update) and the time of its insertion or last weight update; a
 * selection returns the destination maximising the float32 priority
 * `P = (1/w)^alpha / (count / (now − last))^beta`, ties (and undefined priorities) going to the earliest
 * inserted. With alpha = 0, beta = 1 it approximates round robin, with alpha = 1, beta = 0 maximum
 * throughput. Meant to be fed by the `asyncPF` optimizer, which sets w to the last latency.
 */
export class ProportionalFairnessPolicy extends BaseSelectionPolicy {
  private readonly stats = new Map<string, Stats>();

  /**
   * `alpha` weighs the inverse latency, `beta` the service rate; `clock` gives the time in seconds;
   * `loads` is the shared in-flight counter (default: its own).
   */
  constructor(
    readonly alpha: number,
    readonly beta: number,
    private readonly clock: Clock = monotonicClock,
    loads?: DestinationLoads,
  ) {
    super(loads);
  }

  /** The priority of each destination now, in insertion order, for diagnostics and tests. */
  priorities(): { destination: string; priority: number }[] {
    const now = this.clock();
    return this.list.map((d) => ({ destination: d.destination, priority: this.priority(d, now) }));
  }

  protected choose(): string {
    const now = this.clock();
    let best = this.list[0]!;
    let bestPriority = -Infinity;
    for (const d of this.list) {
      const p = this.priority(d, now);
      if (p > bestPriority) {
        best = d;
        bestPriority = p;
      }
    }
    return best.destination;
  }

  protected override onAdded(added: Destination): void {
    this.stats.set(added.destination, { count: 1, last: this.clock() });
  }

  protected override onWeightChanged(changed: Destination, _oldWeight: number): void {
    const s = this.stats.get(changed.destination)!;
    s.count += 1;
    s.last = this.clock();
  }

  protected override onRemoved(removed: Destination): void {
    this.stats.delete(removed.destination);
  }

  private priority(d: Destination, now: number): number {
    const s = this.stats.get(d.destination)!;
    const inverse = Math.fround(1 / d.weight);
    return Math.fround(Math.pow(inverse, this.alpha) / Math.pow(s.count / (now - s.last), this.beta));
  }
}

/** Registers the `proportional-fairness` policy, whose `alpha` and `beta` keys are required. */
export function setup(): void {
  policyTypes.register('proportional-fairness', (conf, env) => {
    const alpha = conf.getDouble('alpha');
    const beta = conf.getDouble('beta');
    return () => new ProportionalFairnessPolicy(alpha, beta, env.clock, env.loads);
  });
}
