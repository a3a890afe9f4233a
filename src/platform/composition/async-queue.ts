/** Default most asynchronous invocations waiting for a worker (`--max-pending-async`). */
export const DEFAULT_MAX_PENDING_ASYNC = 1000;
/** Default most bytes (inputs and states) of the asynchronous invocations waiting for a worker: 256 MiB. */
export const DEFAULT_MAX_PENDING_ASYNC_BYTES = 256 * 1024 * 1024;

/**
 * The work queue of an asynchronous computer (spec §5.7): `workers` jobs run at a time, at most
 * `maxPending` wait, holding at most `maxPendingBytes` (a job's size as `offer` is told); {@link offer}
 * refuses beyond. {@link close} drops the waiting jobs.
 */
export class AsyncQueue<T> {
  private readonly waiting: { job: T; bytes: number }[] = [];
  private bytes = 0;
  private running = 0;
  private stopped = false;
  private idle: (() => void)[] = [];

  constructor(
    readonly workers: number,
    readonly maxPending: number,
    readonly maxPendingBytes: number,
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

  /** Bytes of the jobs waiting. */
  get pendingBytes(): number {
    return this.bytes;
  }

  /** Queues a job of `bytes`: 'queued', or why not ('full': too many jobs, 'bytes': too many bytes, 'stopped'). */
  offer(job: T, bytes = 0): 'queued' | 'full' | 'bytes' | 'stopped' {
    if (this.stopped) return 'stopped';
    if (this.waiting.length >= this.maxPending) return 'full';
    if (this.bytes + bytes > this.maxPendingBytes && this.waiting.length > 0) return 'bytes';
    this.waiting.push({ job, bytes });
    this.bytes += bytes;
    this.pump();
    return 'queued';
  }

  /** Resolves once nothing waits and nothing runs. */
  whenIdle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  /** Refuses new jobs and drops the waiting ones; returns how many (see {@link whenIdle} for the running ones). */
  close(): number {
    this.stopped = true;
    const dropped = this.waiting.splice(0).length;
    this.bytes = 0;
    if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
    return dropped;
  }

  private pump(): void {
    while (this.running < this.workers && this.waiting.length > 0) {
      const { job, bytes } = this.waiting.shift() as { job: T; bytes: number };
      this.bytes -= bytes;
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
