import { ForwardingTableError } from '../forwarding-table-error.js';
import type { DestinationLoads } from './destination-loads.js';
import { policyTypes } from './registry.js';
import {
  BaseSelectionPolicy,
  compareNames,
  monotonicClock,
  type Clock,
  type Destination,
} from './selection-policy.js';

/** The largest float32 value, the deficit of destinations added while the active set is empty. */
const FLT_MAX = Math.fround(3.4028234663852886e38);
/** Stale period of a destination that has not failed a probe, in seconds. */
const INITIAL_STALE_PERIOD = 1;
/** Factor applied to the stale period after each failed probe. */
const STALE_BACKOFF = 2;
/** Upper bound of the stale period, in seconds. */
const MAXIMUM_STALE_PERIOD = 30;

/** The per-destination state of the round-robin policy, as shown by `RoundRobinPolicy.state()`. */
export interface RoundRobinState {
  destination: string;
  /** The float32 weight. */
  weight: number;
  /** Clock time of the last weight update, or −1 if never updated or being probed. */
  lastUpdated: number;
  /** The float32 deficit counter. */
  deficit: number;
  /** Seconds after the last update before a destination outside the active set is probed again. */
  stalePeriod: number;
  /** True while the destination is in the active set for a single probe. */
  probing: boolean;
  /** True if the destination is in the active set. */
  active: boolean;
}

type Cached = Omit<RoundRobinState, 'destination' | 'active'>;

/**
 * The `round-robin` policy (the original's EntryRoundRobin): deficit-based weighted round robin over an
 * active set.
 *
 * A destination is *good* if it is the only one or its weight is at most twice the minimum weight. The
 * active set is rebuilt after every addition, removal or weight change (never on selection): good
 * destinations are active (ending a probe resets their stale period to 1 s); destinations never updated
 * (or being probed) are active; a bad destination recently updated is inactive, and if it was being
 * probed its stale period doubles (up to 30 s); once its stale period has elapsed since its last update
 * it is probed: made active once, with the minimum active deficit. Selection takes the active
 * destination with the smallest float32 deficit (ties: smallest name) and adds its weight to the
 * deficit. A weight update stamps the destination and subtracts the minimum active deficit from all
 * deficits; new destinations start at the minimum active deficit, FLT_MAX if the active set is empty
 * (FLT_MAX + w saturates at FLT_MAX in float32, so initial selections follow name order).
 */
export class RoundRobinPolicy extends BaseSelectionPolicy {
  private readonly cache = new Map<string, Cached>();
  /** Names of the active destinations, in name order. */
  private active: string[] = [];

  /** `clock` gives the time in seconds used for stale periods; `loads` is the shared in-flight counter. */
  constructor(
    private readonly clock: Clock = monotonicClock,
    loads?: DestinationLoads,
  ) {
    super(loads);
  }

  /** The per-destination state in name order, for diagnostics and tests. */
  state(): RoundRobinState[] {
    const active = new Set(this.active);
    return [...this.cache.keys()].sort(compareNames).map((destination) => ({
      destination,
      ...this.cache.get(destination)!,
      active: active.has(destination),
    }));
  }

  protected choose(): string {
    let best: string | undefined;
    let bestState: Cached | undefined;
    for (const name of this.active) {
      const s = this.cache.get(name)!;
      if (bestState === undefined || s.deficit < bestState.deficit) {
        best = name;
        bestState = s;
      }
    }
    if (best === undefined || bestState === undefined) throw ForwardingTableError.noDestinations();
    bestState.deficit = Math.fround(bestState.deficit + bestState.weight);
    return best;
  }

  protected override onAdded(_added: Destination): void {
    this.updateList();
  }

  protected override onRemoved(_removed: Destination): void {
    this.updateList();
  }

  protected override onWeightChanged(changed: Destination, _oldWeight: number): void {
    const s = this.cache.get(changed.destination)!;
    s.weight = changed.weight;
    s.lastUpdated = this.clock();
    const min = this.minDeficit();
    for (const c of this.cache.values()) c.deficit = Math.fround(c.deficit - min);
    this.rebuildActiveSet();
  }

  /** The smallest deficit in the active set, FLT_MAX if it is empty. */
  private minDeficit(): number {
    let min = FLT_MAX;
    for (const name of this.active) min = Math.min(min, this.cache.get(name)!.deficit);
    return min;
  }

  /** Aligns the cache with the destination list after an addition or removal. */
  private updateList(): void {
    if (this.list.length === 0) {
      this.cache.clear();
      this.active = [];
      return;
    }
    const min = this.minDeficit();
    const present = new Set<string>();
    for (const d of this.list) {
      present.add(d.destination);
      const s = this.cache.get(d.destination);
      if (s === undefined) {
        this.cache.set(d.destination, {
          weight: d.weight,
          lastUpdated: -1,
          deficit: min,
          stalePeriod: INITIAL_STALE_PERIOD,
          probing: false,
        });
      } else {
        s.weight = d.weight;
      }
    }
    for (const name of this.cache.keys()) if (!present.has(name)) this.cache.delete(name);
    this.active = this.active.filter((name) => this.cache.has(name));
    this.rebuildActiveSet();
  }

  private rebuildActiveSet(): void {
    let minWeight = Infinity;
    for (const s of this.cache.values()) minWeight = Math.min(minWeight, s.weight);
    const single = this.cache.size === 1;
    const now = this.clock();
    const minDeficit = this.minDeficit();
    const next: string[] = [];
    for (const name of [...this.cache.keys()].sort(compareNames)) {
      const s = this.cache.get(name)!;
      let active = false;
      if (single || s.weight <= minWeight * 2) {
        if (s.probing) {
          s.probing = false;
          s.stalePeriod = INITIAL_STALE_PERIOD;
        }
        active = true;
      } else if (s.lastUpdated < 0) {
        active = true;
      } else {
        if (s.probing) {
          s.probing = false;
          s.stalePeriod = Math.min(MAXIMUM_STALE_PERIOD, STALE_BACKOFF * s.stalePeriod);
        }
        if (now - s.lastUpdated >= s.stalePeriod) {
          s.lastUpdated = -1;
          s.deficit = minDeficit;
          s.probing = true;
          active = true;
        }
      }
      if (active) next.push(name);
    }
    this.active = next;
  }
}

/** Registers the `round-robin` policy (no keys). */
export function setup(): void {
  policyTypes.register('round-robin', (_conf, env) => () => new RoundRobinPolicy(env.clock, env.loads));
}
