/**
 * Per (lambda, destination) state of an estimator: created when the dispatcher adds a pair and
 * dropped when it removes it, so that nothing about a removed destination survives.
 */
export class PairMap<T> {
  private readonly map = new Map<string, Map<string, T>>();

  /** The state of a pair, or undefined if the pair is not known. */
  get(lambda: string, destination: string): T | undefined {
    return this.map.get(lambda)?.get(destination);
  }

  /** Sets the state of a pair. */
  set(lambda: string, destination: string, value: T): void {
    let byDestination = this.map.get(lambda);
    if (byDestination === undefined) {
      byDestination = new Map();
      this.map.set(lambda, byDestination);
    }
    byDestination.set(destination, value);
  }

  /** Drops a pair; false if it was not known. */
  delete(lambda: string, destination: string): boolean {
    const byDestination = this.map.get(lambda);
    if (byDestination?.delete(destination) !== true) return false;
    if (byDestination.size === 0) this.map.delete(lambda);
    return true;
  }

  /** True if some lambda still has this destination. */
  hasDestination(destination: string): boolean {
    for (const byDestination of this.map.values()) if (byDestination.has(destination)) return true;
    return false;
  }

  /** The number of pairs. */
  get size(): number {
    let n = 0;
    for (const byDestination of this.map.values()) n += byDestination.size;
    return n;
  }
}
