import { EventEmitter } from 'node:events';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { Container, isDone, type Task } from './container.js';
import type { Lambda, Loads, Requirements } from './lambda.js';
import { LoadMeter } from './load-meter.js';
import { Processor, type ProcessorType } from './processor.js';
import { realScheduler, type Cancel, type Scheduler } from '../support/scheduler.js';

/** A task of the simulated computer, with the response computed at submission. */
export interface ComputerTask extends Task {
  readonly lambda: string;
  /** Seconds (on the computer's scheduler) when submitted. */
  readonly submitted: number;
  readonly response: LambdaResponse;
  readonly resolve: (result: TaskResult) => void;
}

/** A completed task: its id, its response and how long it took from submission (seconds). */
export interface TaskResult {
  id: number;
  response: LambdaResponse;
  elapsed: number;
}

/** Events of a {@link Computer}. */
export interface ComputerEvents {
  /**
   * Every sampling period: utilization in [0, 1] of each processor since the previous sample, and the
   * time of the sample (seconds on the computer's scheduler).
   */
  utilization: [values: Record<string, number>, at: number];
}

/** The requirements of a request; fails if its memory need exceeds the processor's total. */
function requirements(
  container: Container<ComputerTask>,
  request: Pick<LambdaRequest, 'name' | 'input'>,
): Requirements {
  const req = container.lambda.requirements(request);
  if (req.mem > container.processor.memory) {
    throw new Error(
      `Container ${container.name} cannot handle request ${request.name} since the memory requirements exceed ` +
        `the total available in the processor: ${container.processor.memory} <= ${req.mem}`,
    );
  }
  return req;
}

/**
 * A simulated edge computer: processors and containers executing lambdas with processor sharing,
 * event driven (a single timer set to the next completion, at most 1 s away; when time is advanced the
 * model steps from completion to completion, so a late timer delays deliveries but never changes the
 * sharing factors), plus per-processor utilization sampled every `samplePeriod` seconds from creation.
 */
export class Computer extends EventEmitter<ComputerEvents> {
  private readonly processors = new Map<string, Processor>();
  private readonly containers = new Map<string, Container<ComputerTask>>();
  private readonly byLambda = new Map<string, Container<ComputerTask>>();
  private readonly meters = new Map<string, LoadMeter>();
  private nextId = 0;
  private lastUpdate: number;
  /** Tasks completed in the model, not yet delivered. */
  private readonly completed: ComputerTask[] = [];
  private timer: Cancel | undefined;
  private sampler: Cancel | undefined;
  private closed = false;

  /**
   * `samplePeriod` seconds between utilization samples (0: none); `scheduler` gives the time and the
   * timers (default: the wall clock; the lab runs the same model on a simulated clock).
   */
  constructor(
    readonly name: string,
    private readonly samplePeriod = 1,
    private readonly scheduler: Scheduler = realScheduler,
  ) {
    super();
    this.lastUpdate = scheduler.now();
    if (samplePeriod > 0) {
      this.sampler = scheduler.every(samplePeriod, () => this.sample(), { keepAlive: false });
    }
  }

  /** Adds a processor; names are unique. */
  addProcessor(name: string, type: ProcessorType, speed: number, cores: number, memory: number): void {
    this.checkConfigurable();
    if (this.processors.has(name))
      throw new Error(`Duplicate processor ${name} added to computer ${this.name}`);
    this.processors.set(name, new Processor(name, type, speed, cores, memory));
    this.meters.set(name, new LoadMeter(cores, this.scheduler.now()));
  }

  /** Adds a container for `lambda` on a processor; container names and lambda names are unique. */
  addContainer(name: string, processorName: string, lambda: Lambda, numWorkers: number): void {
    this.checkConfigurable();
    // Checked in the original's order: container name, lambda name, processor.
    if (this.containers.has(name)) {
      throw new Error(
        `Duplicate container ${name} hosted by processor ${processorName} added to computer ${this.name}`,
      );
    }
    if (this.byLambda.has(lambda.name))
      throw new Error(`Duplicate lambda ${lambda.name} added to computer ${this.name}`);
    const processor = this.processors.get(processorName);
    if (processor === undefined)
      throw new Error(`No processor ${processorName} found in computer ${this.name}`);
    const container = new Container<ComputerTask>(name, processor, lambda, numWorkers);
    this.containers.set(name, container);
    this.byLambda.set(lambda.name, container);
  }

  /** The containers, sorted by lambda name. */
  containerList(): Container<ComputerTask>[] {
    return [...this.byLambda.values()].sort((a, b) => (a.lambda.name < b.lambda.name ? -1 : 1));
  }

  /** The processors, sorted by name (as the original's dump). */
  processorList(): Processor[] {
    return [...this.processors.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
  }

  /** The container serving a lambda; fails with the original's message if none does. */
  container(lambda: string): Container<ComputerTask> {
    const c = this.byLambda.get(lambda);
    if (c === undefined) throw new Error(`No container for lambda ${lambda} found in computer ${this.name}`);
    return c;
  }

  /** Current loads of a processor. */
  loads(processor: string): Loads {
    const meter = this.meters.get(processor);
    return meter ? meter.loads() : { load1: 0, load10: 0, load30: 0 };
  }

  /**
   * Submits a request for execution. Fails at once for an unknown lambda or a memory need above the
   * processor's total; otherwise resolves when the task completes.
   */
  submit(request: Pick<LambdaRequest, 'name' | 'input' | 'states'>): {
    id: number;
    done: Promise<TaskResult>;
  } {
    if (this.closed) throw new Error(`Computer ${this.name} is shut down`);
    const container = this.container(request.name);
    const req = requirements(container, request);
    this.update();
    const id = this.nextId++;
    const response = container.lambda.execute(request, this.loads(container.processor.name));
    let resolve!: (r: TaskResult) => void;
    const done = new Promise<TaskResult>((r) => (resolve = r));
    const submitted = this.lastUpdate;
    container.push({
      id,
      ops: req.ops,
      mem: req.mem,
      residual: req.ops,
      lambda: request.name,
      submitted,
      response,
      resolve,
    });
    this.deliver();
    return { id, done };
  }

  /**
   * Dry run: estimated seconds a request would take if submitted now, and the hosting processor's loads.
   * Fails like {@link submit} for an unknown lambda or a memory need above the processor's total.
   */
  simulate(request: Pick<LambdaRequest, 'name' | 'input'>): { seconds: number; loads: Loads } {
    const container = this.container(request.name);
    const { ops } = requirements(container, request);
    this.update();
    this.deliver();
    return { seconds: container.simulate(ops), loads: this.loads(container.processor.name) };
  }

  /** Brings the model to the present: progresses the active tasks and delivers those that completed. */
  sync(): void {
    this.update();
    this.deliver();
  }

  /** Stops the timers; tasks in progress never complete. */
  close(): void {
    this.closed = true;
    this.disarm();
    this.sampler?.();
    this.sampler = undefined;
  }

  private disarm(): void {
    this.timer?.();
    this.timer = undefined;
  }

  /** Multi-line description: the computer, its processors, its containers (by lambda name). */
  override toString(): string {
    return [
      `computer ${this.name}`,
      ...this.processorList().map((p) => p.toString()),
      ...this.containerList().map((c) => c.toString()),
    ].join('\n');
  }

  private checkConfigurable(): void {
    if (this.nextId > 0) throw new Error('Configuration after initialization is complete');
  }

  /**
   * Advances the model to the present: from completion to completion, each interval at its processors'
   * per-task speeds, moving completed tasks to the delivery list (which frees their workers and memory and
   * admits pending tasks at the exact completion time).
   */
  private update(): void {
    const t = this.scheduler.now();
    let clock = this.lastUpdate;
    this.lastUpdate = Math.max(t, clock);
    while (clock < t) {
      const remaining = t - clock;
      const nearest = new Map<Container<ComputerTask>, number>();
      let step = remaining;
      for (const c of this.containers.values()) {
        const n = c.nearest();
        nearest.set(c, n);
        step = Math.min(step, n);
      }
      clock = step === remaining ? t : clock + step;
      const speeds = new Map<Processor, number>();
      for (const p of this.processors.values()) {
        this.meters.get(p.name)!.accumulate(clock, p.activeTasks);
        speeds.set(p, p.taskSpeed());
      }
      for (const c of this.containers.values()) {
        c.advance(step, speeds.get(c.processor));
        // The head that set the step is done: drop the floating-point leftover.
        const head = c.head();
        if (head !== undefined && nearest.get(c)! <= step) head.residual = 0;
      }
      this.collect();
    }
  }

  /**
   * Moves the completed head tasks of every container to the delivery list. Then admits the pending tasks
   * of containers left with no active task: their memory may have been freed by another container on the
   * same processor and, as only a container's own completions admit its pending tasks, they would
   * otherwise wait forever (a stall of the original).
   */
  private collect(): void {
    for (const c of this.containers.values()) {
      for (let head = c.head(); head !== undefined && isDone(head); head = c.head()) {
        c.pop();
        this.completed.push(head);
      }
    }
    for (const c of this.containers.values()) if (c.activeCount === 0 && c.pendingCount > 0) c.admitPending();
  }

  /** Delivers completed tasks and arms the timer for the next completion. */
  private deliver(): void {
    this.collect();
    const t = this.lastUpdate;
    for (const task of this.completed.splice(0)) {
      const elapsed = t - task.submitted;
      task.response.ptime = Math.round(elapsed * 1000);
      task.resolve({ id: task.id, response: task.response, elapsed });
    }
    this.disarm();
    let next = Infinity;
    for (const c of this.containers.values()) next = Math.min(next, c.nearest());
    if (next === Infinity || this.closed) return;
    // At most 1 s, as the original (real timers wake up at the last whole millisecond and poll the rest).
    this.timer = this.scheduler.after(Math.min(next, 1), () => this.sync());
  }

  private sample(): void {
    this.sync();
    const t = this.lastUpdate;
    const values: Record<string, number> = {};
    for (const [name, meter] of this.meters) values[name] = meter.sample(t);
    this.emit('utilization', values, t);
  }
}
