import { EventEmitter } from 'node:events';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { Container, isDone, type Task } from './container.js';
import type { Lambda, Loads } from './lambda.js';
import { LoadMeter } from './load-meter.js';
import { Processor, type ProcessorType } from './processor.js';

/** A task of the simulated computer, with the response computed at submission. */
export interface ComputerTask extends Task {
  readonly lambda: string;
  /** Seconds (monotonic) when submitted. */
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
  /** Every sampling period: utilization in [0, 1] of each processor. */
  utilization: [Record<string, number>];
}

/** Monotonic time in seconds. */
function now(): number {
  return performance.now() / 1000;
}

/**
 * A simulated edge computer: processors and containers executing lambdas with processor sharing,
 * event driven (a single timer set to the next completion; exact completion times), plus per-processor
 * utilization sampled every `samplePeriod` seconds from creation.
 */
export class Computer extends EventEmitter<ComputerEvents> {
  private readonly processors = new Map<string, Processor>();
  private readonly containers = new Map<string, Container<ComputerTask>>();
  private readonly byLambda = new Map<string, Container<ComputerTask>>();
  private readonly meters = new Map<string, LoadMeter>();
  private nextId = 0;
  private lastUpdate = now();
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private sampler: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly samplePeriod = 1,
  ) {
    super();
    if (samplePeriod > 0) {
      this.sampler = setInterval(() => this.sample(), samplePeriod * 1000);
      this.sampler.unref();
    }
  }

  /** Adds a processor; names are unique. */
  addProcessor(name: string, type: ProcessorType, speed: number, cores: number, memory: number): void {
    this.checkConfigurable();
    if (this.processors.has(name)) throw new Error(`Duplicate processor ${name} added to computer ${this.name}`);
    this.processors.set(name, new Processor(name, type, speed, cores, memory));
    this.meters.set(name, new LoadMeter(cores, now()));
  }

  /** Adds a container for `lambda` on a processor; container names and lambda names are unique. */
  addContainer(name: string, processorName: string, lambda: Lambda, numWorkers: number): void {
    this.checkConfigurable();
    const processor = this.processors.get(processorName);
    if (processor === undefined) throw new Error(`No processor ${processorName} found in computer ${this.name}`);
    if (this.containers.has(name)) {
      throw new Error(`Duplicate container ${name} hosted by processor ${processorName} added to computer ${this.name}`);
    }
    if (this.byLambda.has(lambda.name)) throw new Error(`Duplicate lambda ${lambda.name} added to computer ${this.name}`);
    const container = new Container<ComputerTask>(name, processor, lambda, numWorkers);
    this.containers.set(name, container);
    this.byLambda.set(lambda.name, container);
  }

  /** The containers, sorted by lambda name. */
  containerList(): Container<ComputerTask>[] {
    return [...this.byLambda.values()].sort((a, b) => (a.lambda.name < b.lambda.name ? -1 : 1));
  }

  /** The processors, in the order added. */
  processorList(): Processor[] {
    return [...this.processors.values()];
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
  submit(request: Pick<LambdaRequest, 'name' | 'input' | 'states'>): { id: number; done: Promise<TaskResult> } {
    if (this.closed) throw new Error(`Computer ${this.name} is shut down`);
    const container = this.container(request.name);
    const req = container.lambda.requirements(request);
    if (req.mem > container.processor.memory) {
      throw new Error(
        `Container ${container.name} cannot handle request ${request.name} since the memory requirements exceed ` +
          `the total available in the processor: ${container.processor.memory} <= ${req.mem}`,
      );
    }
    this.update();
    const id = this.nextId++;
    const response = container.lambda.execute(request, this.loads(container.processor.name));
    let resolve!: (r: TaskResult) => void;
    const done = new Promise<TaskResult>((r) => (resolve = r));
    container.push({ id, ops: req.ops, mem: req.mem, residual: req.ops, lambda: request.name, submitted: now(), response, resolve });
    this.deliver();
    return { id, done };
  }

  /** Dry run: estimated seconds a request would take if submitted now, and the hosting processor's loads. */
  simulate(request: Pick<LambdaRequest, 'name' | 'input'>): { seconds: number; loads: Loads } {
    const container = this.container(request.name);
    this.update();
    const { ops } = container.lambda.requirements(request);
    return { seconds: container.simulate(ops), loads: this.loads(container.processor.name) };
  }

  /** Stops the timers; tasks in progress never complete. */
  close(): void {
    this.closed = true;
    this.disarm();
    clearInterval(this.sampler);
  }

  private disarm(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
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

  /** Advances every active task to the present, each at its processor's current per-task speed. */
  private update(): void {
    const t = now();
    const elapsed = t - this.lastUpdate;
    this.lastUpdate = t;
    for (const p of this.processors.values()) this.meters.get(p.name)!.accumulate(t, p.activeTasks);
    if (elapsed <= 0) return;
    const speeds = new Map<Processor, number>();
    for (const p of this.processors.values()) speeds.set(p, p.taskSpeed());
    for (const c of this.containers.values()) c.advance(elapsed, speeds.get(c.processor));
  }

  /** Delivers completed tasks and arms the timer for the next completion. */
  private deliver(): void {
    const t = now();
    for (const c of this.containers.values()) {
      for (let head = c.head(); head !== undefined && isDone(head); head = c.head()) {
        c.pop();
        const elapsed = t - head.submitted;
        head.response.ptime = Math.round(elapsed * 1000);
        head.resolve({ id: head.id, response: head.response, elapsed });
      }
    }
    this.disarm();
    let next = Infinity;
    for (const c of this.containers.values()) next = Math.min(next, c.nearest());
    if (next === Infinity || this.closed) return;
    const wake = (): void => {
      this.update();
      this.deliver();
    };
    // Timers have millisecond granularity: sleep the whole milliseconds, then poll the last fraction.
    const ms = next * 1000;
    if (ms < 1) this.immediate = setImmediate(wake);
    else this.timer = setTimeout(wake, Math.floor(ms));
  }

  private sample(): void {
    this.update();
    const t = this.lastUpdate;
    const values: Record<string, number> = {};
    for (const [name, meter] of this.meters) values[name] = meter.sample(t);
    this.emit('utilization', values);
  }
}
