import type { Computer } from '../platform/computer.js';

/** The tasks of one container as the oracle sees them. */
export interface ContainerSnapshot {
  workers: number;
  /** Residual operations of the active tasks. */
  active: number[];
  /** Operations of the pending tasks, first to be admitted first. */
  pending: number[];
}

/** One processor's exact state: its speed (ops/s per core), cores and the containers it hosts. */
export interface ProcessorSnapshot {
  speed: number;
  cores: number;
  containers: ContainerSnapshot[];
}

/** Residual operations at or below this are done (floating-point slack of the fluid steps). */
const EPSILON = 1e-6;

/** A task arriving at a container of a processor `delay` seconds from now. */
export interface FutureTask {
  delay: number;
  container: number;
  ops: number;
}

/**
 * Seconds until the last of `arrivals` (in order of their delays) completes under processor sharing (n
 * active tasks each progress at `speed · min(cores, n) / n`; an arrival is active at once if its
 * container has a free worker, else pending; a completion admits the container's pending tasks while a
 * worker is free), if nothing else arrives. This is the computer model's own arithmetic, stepped from
 * event to event on a copy of the state; memory is not modelled (lab lambdas need none).
 */
export function completionTime(state: ProcessorSnapshot, arrivals: readonly FutureTask[]): number {
  const containers = state.containers.map((c) => ({
    workers: c.workers,
    active: c.active.map((r) => ({ residual: r, mine: false })),
    pending: c.pending.map((r) => ({ residual: r, mine: false })),
  }));
  let t = 0;
  let next = 0;
  for (;;) {
    while (next < arrivals.length && arrivals[next]!.delay <= t) {
      const a = arrivals[next]!;
      const c = containers[a.container]!;
      next++;
      (c.active.length < c.workers ? c.active : c.pending).push({
        residual: a.ops,
        mine: next === arrivals.length,
      });
    }
    let n = 0;
    let smallest = Infinity;
    for (const c of containers) {
      n += c.active.length;
      for (const task of c.active) smallest = Math.min(smallest, task.residual);
    }
    const speed = n === 0 ? state.speed : (state.speed * Math.min(state.cores, n)) / n;
    let step = smallest / speed;
    if (next < arrivals.length) step = Math.min(step, arrivals[next]!.delay - t);
    if (step === Infinity) throw new Error('The oracle found a task that never completes');
    t += step;
    const progress = step * speed;
    const tolerance = EPSILON * Math.max(1, progress);
    for (const c of containers) {
      for (const task of c.active) task.residual -= progress;
      const remaining = c.active.filter((task) => task.residual > tolerance);
      if (remaining.length === c.active.length) continue;
      if (c.active.some((task) => task.mine && task.residual <= tolerance)) return t;
      c.active = remaining;
      while (c.active.length < c.workers && c.pending.length > 0) c.active.push(c.pending.shift()!);
    }
  }
}

/** The exact state of the processor hosting `lambda` on a computer, brought to the present. */
export function snapshot(computer: Computer, lambda: string): { state: ProcessorSnapshot; target: number } {
  computer.sync();
  const container = computer.container(lambda);
  const processor = container.processor;
  const hosted = computer.containerList().filter((c) => c.processor === processor);
  return {
    state: {
      speed: processor.speed,
      cores: processor.cores,
      containers: hosted.map((c) => ({
        workers: c.numWorkers,
        active: c.activeTasks().map((t) => t.residual),
        pending: c.pendingTasks().map((t) => t.ops),
      })),
    },
    target: hosted.indexOf(container),
  };
}

/**
 * The clairvoyant dispatcher of the lab: for each request it looks at every computer's exact state (and
 * at the requests it sent that are still on their way there) and sends the request where it will complete
 * first (ties: the first computer in order), counting the network delay to the computer. It is greedy
 * (myopic): under processor sharing a new task slows down the tasks already there, and it ignores both
 * that and the requests still to come, so it is the standard baseline rather than a true optimum; a
 * policy that spares the tasks already running can beat it.
 */
export class Oracle {
  /** Requests sent and not yet arrived: where and when they arrive, and their operations. */
  private transit: { computer: string; at: number; ops: number }[] = [];

  constructor(
    private readonly computers: readonly { name: string; computer: Computer }[],
    private readonly delay: number,
    private readonly clock: () => number,
  ) {}

  /** The computer where a request of `ops` operations for `lambda` would complete first. */
  choose(lambda: string, ops: number): string {
    const now = this.clock();
    this.transit = this.transit.filter((t) => t.at > now);
    let best = '';
    let bestTime = Infinity;
    for (const { name, computer } of this.computers) {
      const { state, target } = snapshot(computer, lambda);
      const arrivals = this.transit
        .filter((t) => t.computer === name)
        .map((t) => ({ delay: t.at - now, container: target, ops: t.ops }));
      arrivals.push({ delay: this.delay, container: target, ops });
      const t = completionTime(state, arrivals);
      if (t < bestTime) {
        best = name;
        bestTime = t;
      }
    }
    this.transit.push({ computer: best, at: now + this.delay, ops });
    return best;
  }
}
