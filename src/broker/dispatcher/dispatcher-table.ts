import { logger } from '../../support/logger.js';
import { ForwardingTableError } from '../forwarding-table-error.js';
import { compareNames } from '../policies/selection-policy.js';
import { formatTable, type TableEntry } from '../table-dump.js';

const log = logger('dispatcher');

/** What the destination table tells about its changes (the estimator listens). */
export interface DestinationHooks {
  /** A destination was added for a lambda. */
  added(lambda: string, destination: string): void;
  /** A destination of a lambda was removed. */
  removed(lambda: string, destination: string): void;
}

/**
 * The e-dispatcher's single table (spec §4.1, §12.2): for each lambda, its destinations and their final
 * flags. Weights are not kept (rows show 1); the final flag is only shown. A lambda appears with its
 * first destination and disappears with its last; every addition and removal of a (lambda, destination)
 * is reported through the hooks, destinations in ascending name order.
 */
export class DestinationTable {
  private readonly table = new Map<string, Map<string, boolean>>();

  constructor(private readonly hooks: DestinationHooks) {}

  /**
   * Adds a destination for a lambda or updates its final flag (CHANGE); the weight is ignored, whatever
   * it is. Fails with InvalidDestination if the destination is empty.
   */
  change(lambda: string, destination: string, weight: number, final: boolean): void {
    if (destination === '') throw ForwardingTableError.invalidDestination(destination, weight);
    let destinations = this.table.get(lambda);
    if (destinations === undefined) {
      destinations = new Map();
      this.table.set(lambda, destinations);
    }
    const known = destinations.has(destination);
    destinations.set(destination, final);
    if (!known) {
      log.debug(1, () => `added destination ${destination} for lambda ${lambda}${final ? ' (F)' : ''}`);
      this.hooks.added(lambda, destination);
    }
  }

  /** Changing only a weight does nothing: the dispatcher has no weights. */
  changeWeight(_lambda: string, _destination: string, _weight: number): void {}

  /** Removes one destination of a lambda, or the whole lambda if `destination` is omitted; unknown items are ignored. */
  remove(lambda: string, destination?: string): void {
    const destinations = this.table.get(lambda);
    if (destinations === undefined) return;
    const gone = destination === undefined ? [...destinations.keys()].sort(compareNames) : [destination];
    for (const d of gone) {
      if (!destinations.delete(d)) continue;
      log.debug(1, () => `removed destination ${d} of lambda ${lambda}`);
      this.hooks.removed(lambda, d);
    }
    if (destinations.size === 0) this.table.delete(lambda);
  }

  /** Removes everything (FLUSH), lambda by lambda in name order. */
  flush(): void {
    for (const lambda of this.lambdas()) this.remove(lambda);
  }

  /** True if the lambda has this destination. */
  has(lambda: string, destination: string): boolean {
    return this.table.get(lambda)?.has(destination) ?? false;
  }

  /** The lambdas, in name order. */
  lambdas(): string[] {
    return [...this.table.keys()].sort(compareNames);
  }

  /** The destinations of a lambda in name order; fails with NoDestinations if there is none. */
  destinations(lambda: string): string[] {
    const destinations = this.table.get(lambda);
    if (destinations === undefined) throw ForwardingTableError.noDestinations();
    return [...destinations.keys()].sort(compareNames);
  }

  /** The rows, sorted by lambda then destination, each with weight 1. */
  entries(): TableEntry[] {
    return this.lambdas().flatMap((lambda) =>
      [...this.table.get(lambda)!]
        .sort(([a], [b]) => compareNames(a, b))
        .map(([destination, final]) => ({ lambda, destination, weight: 1, final })),
    );
  }

  /** The text dump, in the forwarding-table format (spec §3.1.4). */
  toString(): string {
    return formatTable(this.entries());
  }
}
