import type { Lambda } from './lambda.js';
import type { Processor } from './processor.js';

/** A unit of work in a container: `ops` operations holding `mem` bytes while active. */
export interface Task {
  readonly id: number;
  readonly ops: number;
  readonly mem: number;
  /** Operations still to execute. */
  residual: number;
}

/** Residual operations at or below this fraction of a task's size count as done (floating-point slack). */
const DONE_TOLERANCE = 1e-9;

/** True if the task has no work left. */
export function isDone(task: Task): boolean {
  return task.residual <= task.ops * DONE_TOLERANCE;
}

/**
 * A container: runs one lambda on one processor with at most `numWorkers` active tasks. A task is
 * admitted when a worker is free and its memory fits, otherwise it waits in a FIFO pending list, and
 * pending tasks are admitted in order as tasks complete (head-of-line blocking on memory).
 */
export class Container<T extends Task = Task> {
  /** Active tasks, by residual operations, ties in arrival order. */
  private readonly active: T[] = [];
  private readonly pending: T[] = [];

  constructor(
    readonly name: string,
    readonly processor: Processor,
    readonly lambda: Lambda,
    readonly numWorkers: number,
  ) {
    if (name === '') throw new Error('Invalid empty container name');
    if (!(numWorkers >= 1) || !Number.isInteger(numWorkers)) {
      throw new Error(`Invalid number of workers of container ${name}: ${numWorkers}`);
    }
  }

  /** Number of active tasks. */
  get activeCount(): number {
    return this.active.length;
  }

  /** Number of pending tasks. */
  get pendingCount(): number {
    return this.pending.length;
  }

  /** The active tasks, closest to completion first (not to be modified). */
  activeTasks(): readonly T[] {
    return this.active;
  }

  /** The pending tasks, first to be admitted first (not to be modified). */
  pendingTasks(): readonly T[] {
    return this.pending;
  }

  /** The active task closest to completion. */
  head(): T | undefined {
    return this.active[0];
  }

  /** Adds a task: active at once if a worker is free and its memory fits, else pending. */
  push(task: T): void {
    if (this.active.length < this.numWorkers && task.mem <= this.processor.available) this.activate(task);
    else this.pending.push(task);
  }

  /** Progresses every active task by `seconds` at `taskSpeed` ops/s (default: the processor's current share). */
  advance(seconds: number, taskSpeed = this.processor.taskSpeed()): void {
    if (seconds < 0) throw new Error(`Cannot advance container ${this.name} by a negative time: ${seconds}`);
    const progress = seconds * taskSpeed;
    for (const t of this.active) t.residual = Math.max(0, t.residual - progress);
  }

  /** Seconds until the head task completes at the current speed; Infinity if none is active. */
  nearest(): number {
    const head = this.active[0];
    if (head === undefined) return Infinity;
    return isDone(head) ? 0 : head.residual / this.processor.taskSpeed();
  }

  /**
   * Removes the head active task (the one closest to completion), frees its memory and worker, and
   * admits pending tasks in order while a worker is free and the first one fits in memory.
   */
  pop(): T | undefined {
    const task = this.active.shift();
    if (task === undefined) return undefined;
    this.processor.free(task.mem);
    this.processor.activeTasks--;
    this.admitPending();
    return task;
  }

  /** Admits pending tasks in FIFO order while a worker is free and the first one fits in memory. */
  admitPending(): void {
    while (this.pending.length > 0 && this.active.length < this.numWorkers) {
      const next = this.pending[0]!;
      if (next.mem > this.processor.available) break;
      this.pending.shift();
      this.activate(next);
    }
  }

  /**
   * Estimated seconds a new task of `ops` operations would take if pushed now: the pending tasks at
   * the current per-task speed, plus the head's residual time if every worker is busy, plus the new task.
   */
  simulate(ops: number): number {
    const p = this.processor;
    const n = p.activeTasks;
    let t = 0;
    if (n > 0) for (const task of this.pending) t += task.ops / p.taskSpeed(n);
    const busy = this.active.length >= this.numWorkers;
    if (busy && this.active[0] !== undefined) t += this.active[0].residual / p.taskSpeed(n);
    return t + ops / p.taskSpeed(busy ? n : n + 1);
  }

  /** One line describing the container, as the original's computer dump. */
  toString(): string {
    return (
      `container name ${this.name}, lambda name ${this.lambda.name}, num-workers ${this.numWorkers}, ` +
      `active ${this.active.length}, pending ${this.pending.length}`
    );
  }

  private activate(task: T): void {
    this.processor.allocate(task.mem);
    this.processor.activeTasks++;
    let i = this.active.length;
    while (i > 0 && this.active[i - 1]!.residual > task.residual) i--;
    this.active.splice(i, 0, task);
  }
}
