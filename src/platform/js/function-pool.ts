import type { ProxyAnswer } from './action-runtime.js';
import { ContainerFailure, type ContainerProcess } from './container-process.js';
import type { JsFunction } from './function-spec.js';
import type { StemCells } from './stem-cells.js';

/** The outcome of one activation. */
export interface Activation {
  /** The proxy's answer, or why the container failed (it was killed and is gone). */
  answer: ProxyAnswer | ContainerFailure;
  /** True if the activation initialized a container (a cold start). */
  cold: boolean;
}

/** Counters of a function's activations. */
export interface PoolStats {
  cold: number;
  warm: number;
  /** Activations whose container was killed (timeout, memory, exit). */
  failures: number;
  /** Containers alive, idle among them, and activations waiting for one. */
  containers: number;
  idle: number;
  waiting: number;
}

/** A request waiting for a container. */
interface Waiter {
  start: (container: ContainerProcess | undefined) => void;
}

/** Smoothing of the mean activation time the dry runs use. */
const EWMA_WEIGHT = 0.2;

/**
 * The containers of one function: at most `fn.containers` at once, each running one activation at a
 * time; a call takes an idle warm container, else initializes a new one from the stem cells (a cold
 * start), else waits in a FIFO queue of at most `maxWaiting`. A container that fails is gone and the next
 * call gets a new one; one idle for `idleMs` is reclaimed.
 */
export class FunctionPool {
  private readonly idle: ContainerProcess[] = [];
  private readonly containers = new Set<ContainerProcess>();
  private readonly waiting: Waiter[] = [];
  private readonly counts = { cold: 0, warm: 0, failures: 0 };
  /** Mean warm activation, ms, and mean cold start (init and run), ms, from the container's start of work. */
  private meanMs: number | undefined;
  private meanColdMs: number | undefined;
  private closed = false;
  /** Slots taken by containers being started. */
  private starting = 0;

  constructor(
    readonly fn: JsFunction,
    private readonly cells: StemCells,
    private readonly maxWaiting: number,
    private readonly log: (line: string) => void,
    private readonly logLimit: number,
  ) {}

  /**
   * Runs one activation with `body` (OpenWhisk's `/run` body); fails with a plain Error if the queue is
   * full, the pool is closed or the caller gave up (`signal`) while waiting.
   */
  async invoke(body: Record<string, unknown>, signal?: AbortSignal): Promise<Activation> {
    let container = this.takeIdle();
    if (container === undefined) {
      // A slot for a new container: free now, or handed over by a container that went away.
      if (this.containers.size + this.starting < this.fn.containers) this.starting++;
      else container = await this.wait(signal);
    }
    const t0 = performance.now();
    const cold = container === undefined;
    if (container === undefined) {
      try {
        container = await this.cells.take(this.fn.memoryMb);
      } catch (err) {
        this.starting--;
        this.cells.refill(this.fn.memoryMb);
        this.next();
        throw new Error(`cannot start a container: ${(err as Error).message}`, { cause: err });
      }
      this.starting--;
      this.adopt(container);
      if (this.closed) {
        container.kill();
        this.cells.refill(this.fn.memoryMb);
        throw new Error(`function ${this.fn.name} was removed`);
      }
      const init = await this.operate(container, 'init', {
        value: { name: this.fn.name, main: this.fn.main, code: this.fn.code, binary: false },
      });
      if (init instanceof ContainerFailure || init.status !== 200) {
        container.kill();
        this.cells.refill(this.fn.memoryMb);
        this.counts.cold++;
        return { answer: init, cold };
      }
      container.action = this.fn.name;
    }
    const answer = await this.operate(container, 'run', body);
    const ms = performance.now() - t0;
    if (cold) this.cells.refill(this.fn.memoryMb);
    if (cold) {
      this.counts.cold++;
      this.meanColdMs =
        this.meanColdMs === undefined ? ms : this.meanColdMs + EWMA_WEIGHT * (ms - this.meanColdMs);
    } else {
      this.counts.warm++;
      this.meanMs = this.meanMs === undefined ? ms : this.meanMs + EWMA_WEIGHT * (ms - this.meanMs);
    }
    if (answer instanceof ContainerFailure) this.counts.failures++;
    else this.release(container);
    return { answer, cold };
  }

  /**
   * Estimated milliseconds a call made now would take: the mean activation time (a cold start if no
   * container is warm), more for the calls waiting ahead of it.
   */
  estimate(): number {
    const run = this.meanMs ?? this.meanColdMs ?? 0;
    const first = this.idle.length > 0 || this.meanColdMs === undefined ? run : this.meanColdMs;
    const free = this.idle.length + (this.fn.containers - this.containers.size - this.starting);
    if (free > 0) return first;
    return first + run * Math.ceil((this.waiting.length + 1) / this.fn.containers);
  }

  /** The counters. */
  stats(): PoolStats {
    return {
      ...this.counts,
      containers: this.containers.size,
      idle: this.idle.length,
      waiting: this.waiting.length,
    };
  }

  /** The containers (for their CPU and memory figures). */
  all(): ContainerProcess[] {
    return [...this.containers].filter((c) => c.pid !== undefined);
  }

  /** Kills the containers idle for `idleMs` or more. */
  reclaim(idleMs: number): void {
    const now = performance.now();
    for (const c of [...this.idle]) {
      if (now - c.lastUsed >= idleMs) {
        this.log(
          `container ${c.id} of ${this.fn.name} idle for ${Math.round(now - c.lastUsed)} ms: reclaimed`,
        );
        c.kill();
      }
    }
  }

  /**
   * Stops taking calls: waiting ones fail, idle containers are killed at once, busy ones when their
   * activation ends (or at once with `now`).
   */
  close(now = false): void {
    this.closed = true;
    for (const w of this.waiting.splice(0)) w.start(undefined);
    for (const c of this.idle.splice(0)) c.kill();
    if (now) for (const c of this.containers) c.kill();
  }

  private takeIdle(): ContainerProcess | undefined {
    // Most recently used first: the others stay idle long enough to be reclaimed.
    return this.idle.pop();
  }

  private wait(signal?: AbortSignal): Promise<ContainerProcess | undefined> {
    if (this.closed) return Promise.reject(new Error(`function ${this.fn.name} was removed`));
    if (this.waiting.length >= this.maxWaiting)
      return Promise.reject(
        new Error(`too many requests: ${this.waiting.length} activations of ${this.fn.name} waiting`),
      );
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        start: (container) => {
          signal?.removeEventListener('abort', onAbort);
          if (this.closed && container === undefined)
            reject(new Error(`function ${this.fn.name} was removed`));
          else resolve(container);
        },
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(waiter);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(new Error('cancelled: the caller gave up while waiting for a container'));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
  }

  private adopt(container: ContainerProcess): void {
    this.containers.add(container);
    container.log = this.log;
    container.onExit(() => {
      this.containers.delete(container);
      const i = this.idle.indexOf(container);
      if (i >= 0) this.idle.splice(i, 1);
      this.next();
    });
  }

  /** Hands a container that finished an activation to the next waiting call, or makes it idle. */
  private release(container: ContainerProcess): void {
    if (this.closed) {
      container.kill();
      return;
    }
    const waiter = this.waiting.shift();
    if (waiter !== undefined) waiter.start(container);
    else this.idle.push(container);
  }

  /** A slot freed (a container gone): the next waiting call starts a new container. */
  private next(): void {
    if (this.closed || this.containers.size + this.starting >= this.fn.containers) return;
    const waiter = this.waiting.shift();
    if (waiter === undefined) return;
    this.starting++;
    waiter.start(undefined);
  }

  private async operate(
    container: ContainerProcess,
    op: 'init' | 'run',
    body: unknown,
  ): Promise<ProxyAnswer | ContainerFailure> {
    container.logBudget = this.logLimit;
    try {
      return await container.operate(op, body, this.fn.timeoutMs);
    } catch (err) {
      if (err instanceof ContainerFailure) return err;
      throw err;
    }
  }
}
