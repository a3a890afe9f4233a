import { ContainerProcess, type ContainerOptions } from './container-process.js';

/**
 * Pre-started containers not yet bound to a function (OpenWhisk's prewarmed "stem cells"), `count` ready
 * for each memory size in use: a cold start takes one (skipping the process start) and a new one is
 * started in its place.
 */
export class StemCells {
  private readonly ready = new Map<number, ContainerProcess[]>();
  private closed = false;

  constructor(
    private readonly count: number,
    private readonly options: Omit<ContainerOptions, 'memoryMb'>,
  ) {}

  /** Keeps `count` containers of `memoryMb` ready from now on. */
  keep(memoryMb: number): void {
    if (!this.ready.has(memoryMb)) this.ready.set(memoryMb, []);
    this.fill(memoryMb);
  }

  /**
   * A container of `memoryMb`, ready for `/init`: a pre-started one if there is one, else a new one. The
   * one taken is replaced on {@link refill}, once the cold start is over: a process starting takes the CPU
   * the cold start needs.
   */
  async take(memoryMb: number): Promise<ContainerProcess> {
    const cell = this.ready.get(memoryMb)?.shift() ?? this.start(memoryMb);
    await cell.ready;
    return cell;
  }

  /**
   * Starts containers of `memoryMb` until `count` are ready again (if that size is kept), once the current
   * I/O is done: starting a process blocks the event loop for milliseconds, which the answer of the cold
   * start being finished should not wait for.
   */
  refill(memoryMb: number): void {
    setImmediate(() => {
      if (this.ready.has(memoryMb)) this.fill(memoryMb);
    });
  }

  /** The pre-started containers (for their CPU and memory figures). */
  all(): ContainerProcess[] {
    return [...this.ready.values()].flat();
  }

  /** Kills the pre-started containers and starts no more. */
  close(): void {
    this.closed = true;
    for (const cell of this.all()) cell.kill();
    this.ready.clear();
  }

  private start(memoryMb: number): ContainerProcess {
    return new ContainerProcess({ ...this.options, memoryMb });
  }

  private fill(memoryMb: number): void {
    const cells = this.ready.get(memoryMb)!;
    while (!this.closed && cells.length < this.count) {
      const cell = this.start(memoryMb);
      cells.push(cell);
      cell.onExit(() => {
        const i = cells.indexOf(cell);
        if (i >= 0) cells.splice(i, 1);
      });
    }
  }
}
