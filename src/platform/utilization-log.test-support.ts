import { streamUtilization } from '../client/utilization-client.js';
import type { Computer } from './computer.js';

/** One utilization sample as the computer took it. */
export interface TakenSample {
  /** Time of the sample, seconds on the computer's scheduler. */
  at: number;
  /** Utilization of each processor since the previous sample. */
  values: Record<string, number>;
  /** True if a StreamUtil subscriber was registered, so that the sample was streamed. */
  sent: boolean;
}

/**
 * A computer's utilization samples both as it took them (in-process, with their times) and as its
 * StreamUtil endpoint streamed them, so that tests compare the two and integrate the samples over time
 * instead of expecting each one to fall in a window of wall-clock time. Waits are on events (samples
 * taken, samples streamed), never on sleeps.
 */
export class UtilizationLog {
  readonly taken: TakenSample[] = [];
  readonly streamed: Record<string, number>[] = [];
  private readonly abort = new AbortController();
  private readonly watching: Promise<void>;
  private ended = false;
  private failure: unknown;
  private waiters: (() => void)[] = [];
  private readonly onSample = (values: Record<string, number>, at: number): void => {
    // Listeners run in registration order: ours first, then any stream subscriber registered since.
    this.taken.push({ at, values, sent: this.computer.listenerCount('utilization') > 1 });
    this.wake();
  };

  /** Starts recording the samples of `computer` and streaming those of its utilization `endpoint`. */
  constructor(
    private readonly computer: Computer,
    endpoint: string,
  ) {
    computer.on('utilization', this.onSample);
    this.watching = (async () => {
      try {
        for await (const u of streamUtilization(endpoint, this.abort.signal)) {
          this.streamed.push(u.values);
          this.wake();
        }
      } catch (err) {
        this.failure = err;
      } finally {
        this.ended = true;
        this.wake();
      }
    })();
  }

  /** Waits until the stream has delivered a sample: from then on, every sample taken is streamed. */
  async live(): Promise<void> {
    await this.until(() => this.streamed.length > 0, 'the first streamed sample');
  }

  /** Waits for the next sample the computer takes and returns it. */
  async next(): Promise<TakenSample> {
    const n = this.taken.length;
    await this.until(() => this.taken.length > n, 'a new sample');
    return this.taken[n]!;
  }

  /**
   * Waits until every sample sent so far has been streamed, then ends the recording and the stream (the
   * samples streamed meanwhile, not recorded as taken, are dropped).
   */
  async close(): Promise<void> {
    this.computer.off('utilization', this.onSample);
    const sent = this.taken.filter((s) => s.sent).length;
    try {
      await this.until(() => this.streamed.length >= sent, `${sent} streamed samples`);
    } finally {
      this.abort.abort();
      await this.watching;
      this.streamed.splice(sent);
    }
  }

  /** The samples sent on the stream, their values rounded to float as the protocol carries them. */
  sentAsFloats(): Record<string, number>[] {
    return this.taken
      .filter((s) => s.sent)
      .map((s) => Object.fromEntries(Object.entries(s.values).map(([k, v]) => [k, Math.fround(v)])));
  }

  /**
   * Busy core-seconds of `processor` (of `cores` cores) between the samples `from` and `to` (indices in
   * {@link taken}): the sum of utilization × cores × the span of each sample after `from` up to `to`.
   */
  busyCoreSeconds(processor: string, cores: number, from: number, to: number): number {
    let busy = 0;
    for (let i = from + 1; i <= to; i++) {
      const sample = this.taken[i]!;
      busy += sample.values[processor]! * cores * (sample.at - this.taken[i - 1]!.at);
    }
    return busy;
  }

  private wake(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  private async until(condition: () => boolean, what: string): Promise<void> {
    while (!condition()) {
      if (this.ended) {
        const why = this.failure instanceof Error ? this.failure.message : 'no error';
        throw new Error(`utilization stream ended before ${what}: ${why}`);
      }
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
}
