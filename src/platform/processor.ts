import { formatG } from '../support/number-format.js';

/** Kinds of simulated processors (informational only). */
export type ProcessorType = 'GenericCpu' | 'GenericGpu';

/** The processor types, for validation and messages. */
export const PROCESSOR_TYPES: readonly ProcessorType[] = ['GenericCpu', 'GenericGpu'];

/**
 * A simulated processor: `cores` cores of `speed` operations/s each and `memory` bytes, shared by the
 * tasks active on it (processor sharing: n tasks each progress at `speed · min(cores, n) / n`).
 */
export class Processor {
  private usedMemory = 0;
  /** Tasks currently active on this processor, over all its containers. */
  activeTasks = 0;

  constructor(
    readonly name: string,
    readonly type: ProcessorType,
    readonly speed: number,
    readonly cores: number,
    readonly memory: number,
  ) {
    if (name === '') throw new Error('Invalid empty processor name');
    if (!(speed > 0)) throw new Error(`Invalid speed of processor ${name}: ${speed}`);
    if (!(cores >= 1) || !Number.isInteger(cores))
      throw new Error(`Invalid number of cores of processor ${name}: ${cores}`);
    if (!(memory >= 1)) throw new Error(`Invalid memory of processor ${name}: ${memory}`);
  }

  /** Bytes in use. */
  get used(): number {
    return this.usedMemory;
  }

  /** Bytes free. */
  get available(): number {
    return this.memory - this.usedMemory;
  }

  /** Reserves memory; fails if not enough is free. */
  allocate(bytes: number): void {
    if (bytes > this.available) {
      throw new Error(
        `Cannot allocate ${bytes} bytes on processor ${this.name}: only ${this.available} available`,
      );
    }
    this.usedMemory += bytes;
  }

  /** Releases memory; fails if more than is in use. */
  free(bytes: number): void {
    if (bytes > this.usedMemory) {
      throw new Error(`Cannot free ${bytes} bytes on processor ${this.name}: only ${this.usedMemory} in use`);
    }
    this.usedMemory -= bytes;
  }

  /** Operations/s each task gets when `n` tasks are active (default: the current number). */
  taskSpeed(n = this.activeTasks): number {
    return n <= 0 ? this.speed : (this.speed * Math.min(this.cores, n)) / n;
  }

  /** One line describing the processor, as the original's computer dump (speed printed like a C++ stream). */
  toString(): string {
    return (
      `processor name ${this.name}, type ${this.type}, ${this.cores} cores, speed ${formatG(this.speed)} operations/s per core, ` +
      `memory total/available/used ${this.memory}/${this.available}/${this.used} bytes, ${this.activeTasks} running tasks`
    );
  }
}
