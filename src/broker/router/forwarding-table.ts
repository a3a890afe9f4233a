import { logger } from '../../support/logger.js';
import { ForwardingTableError } from '../forwarding-table-error.js';
import { createPolicyFactory, type PolicyEnvironment, type PolicyFactory } from '../policies/index.js';
import { compareNames, isValidWeight, type SelectionPolicy } from '../policies/selection-policy.js';
import { compareEntries, formatTable, type TableEntry } from '../table-dump.js';

export { ForwardingTableError, type ForwardingTableErrorKind } from '../forwarding-table-error.js';
export type { TableEntry } from '../table-dump.js';

const log = logger('forwarding-table');

/**
 * Removes every destination of a policy that leaves the table, so that its requests still in flight leave
 * the in-flight counts it shares with other policies (their replies will not find it).
 */
function release(entry: SelectionPolicy): void {
  for (const d of entry.destinations()) entry.remove(d.destination);
}

/**
 * A broker's forwarding table: for each lambda, its destinations (endpoint, float32 weight, final flag)
 * and the selection policy that picks one. A lambda appears with its first destination and disappears
 * with its last. Errors are ForwardingTableErrors carrying the original messages.
 */
export class ForwardingTable {
  private readonly table = new Map<string, SelectionPolicy>();
  private readonly factory: PolicyFactory;

  /**
   * `policy` is a `--table-conf` string (default `type=random`) or a ready factory of per-lambda policies;
   * `env` what the policies share (with `loads`, the requests in flight per destination of every lambda).
   */
  constructor(policy: string | PolicyFactory = 'type=random', env: PolicyEnvironment = {}) {
    this.factory = typeof policy === 'string' ? createPolicyFactory(policy, env) : policy;
  }

  /**
   * Adds a destination for a lambda or updates both its weight and final flag (CHANGE). Fails with
   * InvalidWeight if the weight is negative, InvalidDestination if the destination is empty or the weight
   * is zero (or not finite).
   */
  change(lambda: string, destination: string, weight: number, final: boolean): void {
    const w = Math.fround(weight);
    if (w < 0) throw ForwardingTableError.invalidWeight(w);
    const existing = this.table.get(lambda);
    const entry = existing ?? this.factory();
    entry.add(destination, w, final);
    if (existing === undefined) this.table.set(lambda, entry);
    log.debug(
      1,
      () =>
        `Changed the weight of destination ${destination} for lambda ${lambda} to ${w}${final ? ' (F)' : ''}`,
    );
  }

  /**
   * Changes only the weight of an existing destination (what the optimizers do). The arguments are checked
   * first: NoDestinations if the destination is empty, InvalidWeight if the weight is negative,
   * InvalidDestination if it is zero (or not finite); then NoDestinations if the lambda is unknown and
   * `No destinations found for the entry: <destination>` if the destination is.
   */
  changeWeight(lambda: string, destination: string, weight: number): void {
    if (destination === '') throw ForwardingTableError.noDestinations();
    const w = Math.fround(weight);
    if (w < 0) throw ForwardingTableError.invalidWeight(w);
    if (!isValidWeight(w)) throw ForwardingTableError.invalidDestination(destination, w);
    const entry = this.table.get(lambda);
    if (entry === undefined) throw ForwardingTableError.noDestinations();
    entry.updateWeight(destination, w);
    log.debug(1, () => `Changed the weight of destination ${destination} for lambda ${lambda} to ${w}`);
  }

  /**
   * Multiplies the weight of an existing destination by a factor (float32 product). Fails with
   * InvalidWeightFactor if the factor is not positive, otherwise as `changeWeight`.
   */
  multiply(lambda: string, destination: string, factor: number): void {
    if (destination === '') throw ForwardingTableError.noDestinations();
    const f = Math.fround(factor);
    if (!(f > 0)) throw ForwardingTableError.invalidWeightFactor(f);
    const entry = this.table.get(lambda);
    if (entry === undefined) throw ForwardingTableError.noDestinations();
    const w = entry.weight(destination);
    if (w === undefined) throw ForwardingTableError.noDestinations(destination);
    const product = Math.fround(w * f);
    entry.updateWeight(destination, product);
    log.debug(1, () => `Changed the weight of destination ${destination} for lambda ${lambda} to ${product}`);
  }

  /**
   * Removes one destination of a lambda, or the whole lambda if `destination` is omitted; unknown items
   * are ignored. Returns true if something was removed.
   */
  remove(lambda: string, destination?: string): boolean {
    const entry = this.table.get(lambda);
    if (entry === undefined) return false;
    if (destination === undefined) {
      release(entry);
      this.table.delete(lambda);
      log.info(`Removed all destinations for lambda ${lambda}`);
      return true;
    }
    const removed = entry.remove(destination);
    if (removed) log.info(`Removed destination ${destination} for lambda ${lambda}`);
    if (entry.size === 0) {
      this.table.delete(lambda);
      log.info(`Lambda ${lambda} now has no destinations`);
    }
    return removed;
  }

  /** Picks the destination of a request for a lambda; fails with NoDestinations if there is none. */
  select(lambda: string): string {
    const entry = this.table.get(lambda);
    if (entry === undefined) throw ForwardingTableError.noDestinations();
    return entry.select();
  }

  /**
   * A request sent to `destination` by `select(lambda)` is over (replied, failed or abandoned); ignored if
   * the pair is gone.
   */
  finished(lambda: string, destination: string): void {
    this.table.get(lambda)?.finished(destination);
  }

  /** The requests selected for a pair and not finished yet (0 if there is no such pair). */
  inFlight(lambda: string, destination: string): number {
    return this.table.get(lambda)?.inFlight(destination) ?? 0;
  }

  /** Empties the table (FLUSH). */
  flush(): void {
    for (const entry of this.table.values()) release(entry);
    this.table.clear();
  }

  /** The weight of a destination of a lambda, or undefined if there is no such pair. */
  weight(lambda: string, destination: string): number | undefined {
    return this.table.get(lambda)?.weight(destination);
  }

  /** True if the lambda has this destination. */
  has(lambda: string, destination: string): boolean {
    return this.weight(lambda, destination) !== undefined;
  }

  /** The lambdas with at least one destination, sorted byte-wise. */
  lambdas(): string[] {
    return [...this.table.keys()].sort(compareNames);
  }

  /** The destinations of a lambda sorted byte-wise (empty if the lambda is unknown). */
  destinations(lambda: string): TableEntry[] {
    const entry = this.table.get(lambda);
    if (entry === undefined) return [];
    return entry
      .destinations()
      .map((d) => ({ lambda, ...d }))
      .sort(compareEntries);
  }

  /** Every (lambda, destination) row, sorted by lambda then destination (GetTable). */
  entries(): TableEntry[] {
    return this.lambdas().flatMap((lambda) => this.destinations(lambda));
  }

  /** The text dump of the table (see `formatTable`); empty string for an empty table. */
  toString(): string {
    return formatTable(this.entries());
  }
}
