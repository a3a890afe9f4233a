/** A caller waiting for a permit; `cancelled` ones are skipped when a permit is handed on. */
interface Waiter {
  resolve: () => void;
  cancelled: boolean;
}

/**
 * A counting semaphore with FIFO waiters; a limit of 0 means unlimited. A waiter may give up (its
 * signal aborts): it leaves the queue at once, in constant time, however long the queue.
 */
export class Semaphore {
  private inUse = 0;
  /** Waiters from `head` on; those before were served or gave up. */
  private queue: Waiter[] = [];
  private head = 0;
  private live = 0;

  constructor(readonly limit: number) {}

  /** Permits in use. */
  get active(): number {
    return this.inUse;
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.live;
  }

  /** Whether {@link acquire} would have to wait. */
  get full(): boolean {
    return this.limit !== 0 && this.inUse >= this.limit;
  }

  /**
   * Waits for a permit (in arrival order). If `signal` aborts first, stops waiting and rejects with its
   * reason (an already aborted signal rejects only if a permit is not free at once).
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    if (!this.full) {
      this.inUse++;
      return;
    }
    signal?.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, cancelled: false };
      if (signal !== undefined) {
        const onAbort = (): void => {
          waiter.cancelled = true;
          this.live--;
          this.sweep();
          reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        waiter.resolve = () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        };
      }
      this.queue.push(waiter);
      this.live++;
    });
  }

  /** Returns a permit, handing it to the oldest waiter still waiting, if any. */
  release(): void {
    while (this.head < this.queue.length) {
      const next = this.queue[this.head++]!;
      if (next.cancelled) continue;
      this.live--;
      this.compact();
      next.resolve();
      return;
    }
    this.compact();
    this.inUse--;
  }

  /** Runs `task` holding a permit (waiting for one until `signal` aborts). */
  async with<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.acquire(signal);
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  /** Drops the cancelled waiters once they outnumber the live ones (a flood of callers giving up). */
  private sweep(): void {
    const cancelled = this.queue.length - this.head - this.live;
    if (cancelled <= 1024 || cancelled <= this.live) return;
    this.queue = this.queue.slice(this.head).filter((w) => !w.cancelled);
    this.head = 0;
  }

  /** Drops the served and cancelled waiters at the front once they are most of the queue. */
  private compact(): void {
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
  }
}
