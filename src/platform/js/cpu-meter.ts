import { availableParallelism } from 'node:os';
import type { Loads } from '../lambda.js';

/** CPU seconds of one process. */
export interface CpuTimes {
  user: number;
  system: number;
}

/** A window of samples and their mean over its last `k`. */
function mean(xs: number[], k: number): number {
  const last = xs.slice(-k);
  return last.length === 0 ? 0 : last.reduce((a, b) => a + b, 0) / last.length;
}

/**
 * Real CPU load of the computer (spec §5.9 ProcessLoadServer): the CPU time of its own process and of
 * its containers, sampled every period as a fraction of all cores, user and system apart; `load1` is the
 * last sample of their sum, `load10` and `load30` the means of the last 10 and 30.
 */
export class CpuMeter {
  private last: CpuTimes;
  private lastAt = performance.now();
  private readonly samples: number[] = [];
  /** CPU of the containers alive at the previous sample, by pid, as last read. */
  private seen = new Map<number, CpuTimes>();
  /** CPU of the containers gone, as last read. */
  private readonly retired: CpuTimes = { user: 0, system: 0 };

  /** `children` lists the containers alive with their CPU so far. */
  constructor(
    private readonly children: () => Iterable<{ pid: number | undefined; cpu(): CpuTimes }>,
    private readonly cores = availableParallelism(),
  ) {
    this.last = this.total();
  }

  /** Closes the interval since the previous sample: user and system utilization in [0, 1]. */
  sample(): { usr: number; sys: number } {
    const now = performance.now();
    const total = this.total();
    const span = ((now - this.lastAt) / 1000) * this.cores;
    const usr = span > 0 ? Math.min(1, Math.max(0, total.user - this.last.user) / span) : 0;
    const sys = span > 0 ? Math.min(1, Math.max(0, total.system - this.last.system) / span) : 0;
    this.last = total;
    this.lastAt = now;
    this.samples.push(Math.min(1, usr + sys));
    if (this.samples.length > 30) this.samples.shift();
    return { usr, sys };
  }

  /** The last sample and the means of the last 10 and 30 (0 before the first). */
  loads(): Loads {
    const n = this.samples.length;
    return {
      load1: n === 0 ? 0 : this.samples[n - 1]!,
      load10: mean(this.samples, 10),
      load30: mean(this.samples, 30),
    };
  }

  /**
   * CPU seconds of this process and of every container ever seen (a container gone counts with its last
   * figure, so the total never goes back).
   */
  private total(): CpuTimes {
    const own = process.cpuUsage();
    const alive = new Map<number, CpuTimes>();
    for (const child of this.children()) if (child.pid !== undefined) alive.set(child.pid, child.cpu());
    for (const [pid, t] of this.seen) {
      if (alive.has(pid)) continue;
      this.retired.user += t.user;
      this.retired.system += t.system;
    }
    this.seen = alive;
    let user = own.user / 1e6 + this.retired.user;
    let system = own.system / 1e6 + this.retired.system;
    for (const t of alive.values()) {
      user += t.user;
      system += t.system;
    }
    return { user, system };
  }
}
