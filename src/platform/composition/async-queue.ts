/** Default most asynchronous invocations waiting for a worker (`--max-pending-async`). */
export const DEFAULT_MAX_PENDING_ASYNC = 1000;

/**
 * The work queue of an asynchronous computer (spec §5.7): `workers` jobs run at a time, at most
 * `maxPending` wait; {@link offer} refuses beyond. {@link stop} drops the waiting jobs and waits for the
 * running ones.
 */
export class AsyncQueue<T> {
  private readonly waiting: T[] = [];
  private running = 0;
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(
    readonly workers: number,
    readonly maxPending: number,
    private readonly run: (job: T) => Promise<void>,
  ) {}

  /** Jobs waiting for a worker. */
  get pending(): number {
    return this.waiting.length;
  }

  /** Jobs being run. */
  get active(): number {
    return this.running;
  }

  /** Queues a job; false if the queue is full or stopped. */
  offer(job: T): boolean {
    if (this.stopped || this.waiting.length >= this.maxPending) return false;
    this.waiting.push(job);
    this.pump();
    return true;
  }

  /** Resolves once nothing waits and nothing runs. */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Refuses new jobs, drops the waiting ones (returns how many) and waits for the running ones. */
  async stop(): Promise<number> {
    this.stopped = true;
    const dropped = this.waiting.splice(0).length;
    await this.whenIdle();
    return dropped;
  }

  private pump(): void {
    while (this.running < this.workers && this.waiting.length > 0) {
      const job = this.waiting.shift() as T;
      this.running++;
      void this.run(job)
        .catch(() => undefined)
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.waiting.length === 0) {
            for (const resolve of this.idle.splice(0)) resolve();
          }
        });
    }
  }
}
