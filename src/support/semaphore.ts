/** A counting semaphore with FIFO waiters; a limit of 0 means unlimited. */
export class Semaphore {
  private inUse = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Permits in use. */
  get active(): number {
    return this.inUse;
  }

  /** Callers waiting for a permit. */
  get waiting(): number {
    return this.waiters.length;
  }

  /** Waits for a permit (in arrival order). */
  async acquire(): Promise<void> {
    if (this.limit === 0 || this.inUse < this.limit) {
      this.inUse++;
      return;
    }
    await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /** Returns a permit, handing it to the oldest waiter if any. */
  release(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.inUse--;
  }

  /** Runs `task` holding a permit. */
  async with<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }
}
