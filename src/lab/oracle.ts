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

/** Seconds by which the oracle's bounds may be off by rounding (far below any difference it acts on). */
const ROUNDING = 1e-9;

/** Residual operations at or below this are done (floating-point slack of the fluid steps). */
const EPSILON = 1e-6;

/** A task arriving at a container of a processor `delay` seconds from now. */
export interface FutureTask {
  delay: number;
  container: number;
  ops: number;
}

/** Completion times of a simulated processor, from now, if nothing else arrives. */
export interface Completions {
  /** Seconds until the last of the arrivals completes. */
  last: number;
  /** The sum over every task (those in the state and the arrivals) of the seconds until it completes. */
  total: number;
}

/**
 * Completion times of the tasks of `state` and of `arrivals` (in order of their delays) under processor
 * sharing (n active tasks each progress at `speed · min(cores, n) / n`; an arrival is active at once if its
 * container has a free worker, else pending; a completion admits the container's pending tasks while a
 * worker is free), if nothing else arrives. This is the computer model's own arithmetic, stepped from
 * event to event on a copy of the state; memory is not modelled (lab lambdas need none).
 */
export function simulate(state: ProcessorSnapshot, arrivals: readonly FutureTask[]): Completions {
  const containers = state.containers.map((c) => ({
    workers: c.workers,
    active: c.active.map((r) => ({ residual: r, last: false })),
    pending: c.pending.map((r) => ({ residual: r, last: false })),
  }));
  let t = 0;
  let next = 0;
  let last = NaN;
  let total = 0;
  for (;;) {
    while (next < arrivals.length && arrivals[next]!.delay <= t) {
      const a = arrivals[next]!;
      const c = containers[a.container]!;
      next++;
      (c.active.length < c.workers ? c.active : c.pending).push({
        residual: a.ops,
        last: next === arrivals.length,
      });
    }
    let n = 0;
    let smallest = Infinity;
    for (const c of containers) {
      n += c.active.length;
      for (const task of c.active) smallest = Math.min(smallest, task.residual);
    }
    if (n === 0 && next === arrivals.length) return { last, total };
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
      for (const task of c.active) {
        if (task.residual > tolerance) continue;
        total += t;
        if (task.last) last = t;
      }
      c.active = remaining;
      while (c.active.length < c.workers && c.pending.length > 0) c.active.push(c.pending.shift()!);
    }
  }
}

/** Seconds until the last of `arrivals` completes (see {@link simulate}). */
export function completionTime(state: ProcessorSnapshot, arrivals: readonly FutureTask[]): number {
  return simulate(state, arrivals).last;
}

/**
 * The exact state of the processor hosting `lambda` on a computer, brought to the present: `target` is
 * the index of `lambda`'s container in it, `lambdas` the lambda of each of its containers.
 */
export function snapshot(
  computer: Computer,
  lambda: string,
): { state: ProcessorSnapshot; target: number; lambdas: string[] } {
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
    lambdas: hosted.map((c) => c.lambda.name),
  };
}

/**
 * What a clairvoyant dispatcher minimises for each request: `first-completion` (the lab's `oracle`) its
 * own completion time; `least-added-delay` (`oracle-marginal`) its own response time plus the delay it
 * adds to the tasks already on (or on their way to) the computer, i.e. the increase of the sum of all
 * response times, which is what the mean response time is made of.
 */
export type OracleObjective = 'first-completion' | 'least-added-delay';

/**
 * The clairvoyant dispatcher of the lab: for each request it looks at every computer's exact state (and
 * at the requests it sent that are still on their way there) and sends the request where its objective is
 * least (ties: the first computer in order), counting the network delay to the computer. Both objectives
 * are greedy (myopic): they ignore the requests still to come, so they are reference points rather than a
 * true optimum. `first-completion` is the standard baseline; under processor sharing it also ignores that a
 * new task slows down the tasks already there, so a policy that spares them can beat it, while
 * `least-added-delay` counts that slowdown.
 */
export class Oracle {
  /** Requests sent and not yet arrived: where and when they arrive, and their operations. */
  private transit: { computer: string; lambda: string; at: number; ops: number }[] = [];
  /** Per lambda, the computers fastest first (stable: in order among equals), with their index and speed. */
  private readonly bySpeed = new Map<
    string,
    { name: string; computer: Computer; index: number; speed: number }[]
  >();

  constructor(
    private readonly computers: readonly { name: string; computer: Computer }[],
    private readonly delay: number,
    private readonly clock: () => number,
    private readonly objective: OracleObjective = 'first-completion',
  ) {}

  /**
   * The computer where a request of `ops` operations for `lambda` costs least by the objective. Computers
   * are tried fastest first: a request cannot complete sooner than alone on a core, `delay + ops / speed`,
   * and both costs are at least its completion time, so the search stops at the first computer whose bound
   * exceeds the best cost found (the choice is the same as trying every one).
   */
  choose(lambda: string, ops: number): string {
    const now = this.clock();
    this.transit = this.transit.filter((t) => t.at > now);
    let best = '';
    let bestIndex = -1;
    let bestCost = Infinity;
    const better = (cost: number, index: number): boolean =>
      cost < bestCost || (cost === bestCost && index < bestIndex);
    for (const { name, computer, index, speed } of this.fastestFirst(lambda)) {
      // Margins for rounding: the bound and the stepped arithmetic, a sum and a difference of sums.
      if (!better(this.delay + ops / speed - ROUNDING, index)) break;
      const { state, target, lambdas } = snapshot(computer, lambda);
      const arrivals = this.transit
        .filter((t) => t.computer === name)
        .map((t) => ({ delay: t.at - now, container: lambdas.indexOf(t.lambda), ops: t.ops }));
      const without = arrivals.slice();
      arrivals.push({ delay: this.delay, container: target, ops });
      const after = simulate(state, arrivals);
      if (!better(after.last - ROUNDING, index)) continue;
      const cost =
        this.objective === 'least-added-delay' ? after.total - simulate(state, without).total : after.last;
      if (better(cost, index)) {
        best = name;
        bestIndex = index;
        bestCost = cost;
      }
    }
    this.transit.push({ computer: best, lambda, at: now + this.delay, ops });
    return best;
  }

  private fastestFirst(lambda: string): { name: string; computer: Computer; index: number; speed: number }[] {
    let sorted = this.bySpeed.get(lambda);
    if (sorted === undefined) {
      sorted = this.computers
        .map(({ name, computer }, index) => ({
          name,
          computer,
          index,
          speed: computer.container(lambda).processor.speed,
        }))
        .sort((a, b) => b.speed - a.speed || a.index - b.index);
      this.bySpeed.set(lambda, sorted);
    }
    return sorted;
  }
}
