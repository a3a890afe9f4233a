/**
 * The requests in flight at each destination over every selection policy that shares the counter: a
 * router's policies of all its lambdas and both its tables share one, so that a policy placing a request
 * for one lambda sees the requests of the other lambdas already sent to the same destination (which share
 * its processor). Each policy adds its selections and takes off its finished and forgotten requests, so a
 * count is the sum of the policies' own counts. O(1) per update (one Map lookup), no allocation.
 */
export class DestinationLoads {
  private readonly counts = new Map<string, number>();

  /** The requests in flight at `destination`, over all the policies sharing the counter (0 if none). */
  inFlight(destination: string): number {
    return this.counts.get(destination) ?? 0;
  }

  /** One more request in flight at `destination`. */
  add(destination: string): void {
    this.counts.set(destination, (this.counts.get(destination) ?? 0) + 1);
  }

  /** `n` (default 1) requests fewer in flight at `destination`; the count never goes below 0. */
  subtract(destination: string, n = 1): void {
    const left = (this.counts.get(destination) ?? 0) - n;
    if (left > 0) this.counts.set(destination, left);
    else this.counts.delete(destination);
  }

  /** The number of destinations with requests in flight. */
  get size(): number {
    return this.counts.size;
  }
}
