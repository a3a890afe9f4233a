/** How long a join counter waits for its remaining predecessors by default, milliseconds. */
export const DEFAULT_JOIN_TTL_MS = 60_000;

/** Most join counters a computer keeps by default. */
export const DEFAULT_MAX_JOINS = 10_000;

/** Bounds of a {@link LocalJoinCounter}. */
export interface JoinCounterOptions {
  /** A counter not completed after this many milliseconds is forgotten (default 60 s). */
  ttlMs?: number;
  /** Most counters kept; beyond, the oldest is forgotten (default 10000). */
  maxEntries?: number;
  /** Clock in milliseconds (tests); default `performance.now()`. */
  now?: () => number;
}

/**
 * Arrivals at DAG join nodes counted in this process, per `(uuid, node)` (the original's counter,
 * spec §11.2): only the `needed`-th arrival runs the node. Bounded: counters expire and their number is
 * capped, so predecessors that never come cost no memory for ever.
 */
export class LocalJoinCounter {
  private readonly counts = new Map<string, { count: number; since: number }>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  /** Counters forgotten (expired or evicted) so far. */
  forgotten = 0;

  constructor(options: JoinCounterOptions = {}) {
    this.ttlMs = options.ttlMs ?? DEFAULT_JOIN_TTL_MS;
    this.maxEntries = Math.max(1, options.maxEntries ?? DEFAULT_MAX_JOINS);
    this.now = options.now ?? (() => performance.now());
  }

  /** Counters waiting for more arrivals. */
  get size(): number {
    return this.counts.size;
  }

  /** Counts one arrival at `node` of the DAG run `uuid`; true if it is the `needed`-th (the counter ends). */
  arrive(uuid: string, node: number, needed: number): boolean {
    const now = this.now();
    this.expire(now);
    const key = `${node}/${uuid}`;
    const entry = this.counts.get(key) ?? { count: 0, since: now };
    entry.count++;
    if (entry.count >= needed) {
      this.counts.delete(key);
      return true;
    }
    if (!this.counts.has(key)) {
      if (this.counts.size >= this.maxEntries) {
        this.counts.delete(this.counts.keys().next().value!);
        this.forgotten++;
      }
      this.counts.set(key, entry);
    }
    return false;
  }

  private expire(now: number): void {
    for (const [key, entry] of this.counts) {
      if (now - entry.since < this.ttlMs) break;
      this.counts.delete(key);
      this.forgotten++;
    }
  }
}
