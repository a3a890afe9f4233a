/**
 * How a waiter may give up, cheaper than an AbortSignal (Node 20's cost microseconds each): called once
 * when the caller starts waiting, with `cancel`, which stops the wait with a reason (later calls do
 * nothing); returns what undoes the registration, called once the caller is served or has given up.
 */
export type Cancellation = (cancel: (reason: Error) => void) => () => void;

/** A caller waiting for a permit; `cancelled` ones are skipped when a permit is handed on. */
interface Waiter {
  resolve: () => void;
  cancelled: boolean;
}

/**
 * A counting semaphore with FIFO waiters; a limit of 0 means unlimited. A waiter may give up (see
 * {@link Cancellation}): it leaves the queue at once, in constant time, however long the queue.
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

  /** A {@link Cancellation} by an AbortSignal (rejecting with its reason). */
  static cancelledBy(signal: AbortSignal): Cancellation {
    return (cancel) => {
      const onAbort = (): void =>
        cancel(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      if (signal.aborted) {
        onAbort();
        return () => undefined;
      }
      signal.addEventListener('abort', onAbort, { once: true });
      return () => signal.removeEventListener('abort', onAbort);
    };
  }

  /** Whether {@link acquire} would have to wait. */
  get full(): boolean {
    return this.limit !== 0 && this.inUse >= this.limit;
  }

  /**
   * Waits for a permit (in arrival order). A `cancellation` is registered only if the caller has to wait;
   * when it cancels first, the caller leaves the queue and the wait rejects with the reason given.
   */
  async acquire(cancellation?: Cancellation): Promise<void> {
    if (!this.full) {
      this.inUse++;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, cancelled: false };
      this.queue.push(waiter);
      this.live++;
      if (cancellation === undefined) return;
      // The registration is undone exactly once: when served, or when cancelled.
      let settled = false;
      const registration: { undo?: () => void } = {};
      const cancel = (reason: Error): void => {
        if (settled) return;
        settled = true;
        waiter.cancelled = true;
        this.live--;
        this.sweep();
        registration.undo?.();
        reject(reason);
      };
      const undo = cancellation(cancel);
      registration.undo = undo;
      if (settled) undo(); // cancelled while registering
      waiter.resolve = () => {
        settled = true;
        undo();
        resolve();
      };
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

  /** Runs `task` holding a permit (waiting for one unless `cancellation` cancels first). */
  async with<T>(task: () => Promise<T>, cancellation?: Cancellation): Promise<T> {
    await this.acquire(cancellation);
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
