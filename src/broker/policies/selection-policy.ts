import { ForwardingTableError } from '../forwarding-table-error.js';
import { monotonicSeconds } from '../../support/clock.js';
import { DestinationLoads } from './destination-loads.js';

/** One destination of a lambda: where to forward, its weight (an impedance, float32) and the final flag. */
export interface Destination {
  /** The endpoint (`host:port`) requests are forwarded to. */
  destination: string;
  /** The impedance (estimated response time in seconds; lower is better), stored as a float32 value. */
  weight: number;
  /** True if the destination executes the lambda (an e-computer), false if it is another broker. */
  final: boolean;
}

/** A monotonic clock in seconds; injectable so that time-based behaviour can be tested deterministically. */
export type Clock = () => number;

/** The default clock: `performance.now()` in seconds. */
export const monotonicClock: Clock = monotonicSeconds;

/**
 * Orders names as C++ `std::string` does (byte-wise on UTF-8), which is code-point order: UTF-16 code
 * units compare the same way except that surrogates (code points above U+FFFF) sort after all others.
 */
export function compareNames(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) {
      const xs = x >= 0xd800 && x <= 0xdfff;
      const ys = y >= 0xd800 && y <= 0xdfff;
      if (xs !== ys) return xs ? 1 : -1;
      return x - y;
    }
  }
  return a.length - b.length;
}

/** True if a (float32) weight can be stored: positive and finite. */
export function isValidWeight(weight: number): boolean {
  return weight > 0 && weight !== Infinity;
}

/**
 * The plug-in that picks a destination for one lambda (the original's `Entry`): it keeps the lambda's
 * destinations in insertion order and chooses among them with its own policy.
 */
export interface SelectionPolicy {
  /** The number of destinations. */
  readonly size: number;
  /**
   * Adds a destination, or updates both the weight and the final flag of an existing one (which counts
   * as a weight update for the policy). Fails with InvalidDestination if the destination is empty or the
   * weight is not positive and finite.
   */
  add(destination: string, weight: number, final: boolean): void;
  /**
   * Changes the weight of an existing destination. Fails with NoDestinations if the destination is empty
   * or unknown (`…: <destination>`), with InvalidDestination if the weight is not positive and finite.
   */
  updateWeight(destination: string, weight: number): void;
  /** Removes a destination; false if it was not there. */
  remove(destination: string): boolean;
  /**
   * Picks a destination and counts one more request in flight there; fails with NoDestinations if there
   * is none.
   */
  select(): string;
  /**
   * A request sent to `destination` by `select()` is over (replied, failed or abandoned): one less in
   * flight there. Ignored for unknown destinations and destinations with none in flight.
   */
  finished(destination: string): void;
  /** The requests this policy selected for a destination and not finished yet (0 if unknown). */
  inFlight(destination: string): number;
  /** The weight of a destination, or undefined if it is not there. */
  weight(destination: string): number | undefined;
  /** The destinations, in insertion order (copies). */
  destinations(): Destination[];
}

/**
 * The bookkeeping common to all policies (the original's `Entry` base): the ordered destination list,
 * validation, errors and the requests in flight. Subclasses implement `choose` and react to changes
 * through the hooks.
 */
export abstract class BaseSelectionPolicy implements SelectionPolicy {
  /** The destinations in insertion order; subclasses must not modify it. */
  protected readonly list: Destination[] = [];
  /** This policy's requests in flight per destination (absent: none). */
  private readonly pending = new Map<string, number>();
  /** Destinations whose weight was installed by `add` and not updated by `updateWeight` since. */
  protected readonly unmeasured = new Set<string>();

  /**
   * `loads` counts the requests in flight at each destination over every policy sharing it (a router's
   * lambdas and tables); this policy adds its selections to it and takes off its finished requests and
   * those of a destination it removes. Default: a counter of its own.
   */
  constructor(protected readonly loads: DestinationLoads = new DestinationLoads()) {}

  get size(): number {
    return this.list.length;
  }

  add(destination: string, weight: number, final: boolean): void {
    const w = Math.fround(weight);
    if (destination === '' || !isValidWeight(w))
      throw ForwardingTableError.invalidDestination(destination, w);
    const existing = this.list.find((d) => d.destination === destination);
    this.unmeasured.add(destination);
    if (existing === undefined) {
      const added = { destination, weight: w, final };
      this.list.push(added);
      this.onAdded(added);
    } else {
      const old = existing.weight;
      existing.weight = w;
      existing.final = final;
      this.onWeightChanged(existing, old);
    }
  }

  updateWeight(destination: string, weight: number): void {
    if (destination === '') throw ForwardingTableError.noDestinations();
    const w = Math.fround(weight);
    if (!isValidWeight(w)) throw ForwardingTableError.invalidDestination(destination, w);
    const existing = this.list.find((d) => d.destination === destination);
    if (existing === undefined) throw ForwardingTableError.noDestinations(destination);
    const old = existing.weight;
    existing.weight = w;
    this.unmeasured.delete(destination);
    this.onWeightChanged(existing, old);
  }

  remove(destination: string): boolean {
    const index = this.list.findIndex((d) => d.destination === destination);
    if (index < 0) return false;
    const [removed] = this.list.splice(index, 1);
    const pending = this.inFlight(destination);
    if (pending > 0) this.loads.subtract(destination, pending);
    this.pending.delete(destination);
    this.unmeasured.delete(destination);
    if (removed !== undefined) this.onRemoved(removed);
    return true;
  }

  select(): string {
    if (this.list.length === 0) throw ForwardingTableError.noDestinations();
    const chosen = this.choose();
    this.pending.set(chosen, this.inFlight(chosen) + 1);
    this.loads.add(chosen);
    return chosen;
  }

  finished(destination: string): void {
    const n = this.inFlight(destination) - 1;
    if (n < 0) return;
    if (n > 0) this.pending.set(destination, n);
    else this.pending.delete(destination);
    this.loads.subtract(destination);
  }

  inFlight(destination: string): number {
    return this.pending.get(destination) ?? 0;
  }

  weight(destination: string): number | undefined {
    return this.list.find((d) => d.destination === destination)?.weight;
  }

  destinations(): Destination[] {
    return this.list.map((d) => ({ ...d }));
  }

  /** The smallest weight among the destinations not in `unmeasured`, undefined if all are. */
  protected smallestMeasuredWeight(): number | undefined {
    let min: number | undefined;
    for (const d of this.list)
      if (!this.unmeasured.has(d.destination) && (min === undefined || d.weight < min)) min = d.weight;
    return min;
  }

  /** Picks a destination; called only when there is at least one. */
  protected abstract choose(): string;

  /** Called after a destination was appended to the list. */
  protected onAdded(_added: Destination): void {}

  /** Called after a destination's weight was set (possibly to the same value). */
  protected onWeightChanged(_changed: Destination, _oldWeight: number): void {}

  /** Called after a destination was taken out of the list. */
  protected onRemoved(_removed: Destination): void {}
}
