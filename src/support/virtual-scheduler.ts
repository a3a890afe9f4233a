import type { Cancel, Scheduler } from './scheduler.js';

/** A pending event: when it runs, its tie-breaking sequence number and what it does. */
interface Event {
  time: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** Events queued to the event loop at once by {@link VirtualScheduler.run}. */
const BATCH = 256;

/** True if `a` runs before `b`: earlier time, or the same time and scheduled first. */
function before(a: Event, b: Event): boolean {
  return a.time < b.time || (a.time === b.time && a.seq < b.seq);
}

/**
 * A simulated clock for discrete-event runs: timers are events in a binary heap keyed by (time,
 * sequence number), so that events at the same instant run in the order they were scheduled and every
 * run with the same inputs is identical. Time only moves when {@link run} takes the next event.
 */
export class VirtualScheduler implements Scheduler {
  private readonly heap: Event[] = [];
  private time: number;
  private seq = 0;
  private executed = 0;

  constructor(start = 0) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  /** The number of events run so far. */
  get eventsRun(): number {
    return this.executed;
  }

  /** The number of events waiting (cancelled ones included until they are reached). */
  get pending(): number {
    return this.heap.length;
  }

  after(seconds: number, fn: () => void): Cancel {
    if (!(seconds >= 0)) throw new Error(`Invalid timer delay: ${seconds}`);
    const event: Event = { time: this.time + seconds, seq: this.seq++, fn, cancelled: false };
    this.push(event);
    return () => {
      event.cancelled = true;
    };
  }

  every(seconds: number, fn: () => void): Cancel {
    if (!(seconds > 0)) throw new Error(`Invalid timer period: ${seconds}`);
    let cancelled = false;
    let next = this.time + seconds;
    const tick = (): void => {
      if (cancelled) return;
      next += seconds;
      this.after(next - this.time, tick);
      fn();
    };
    this.after(seconds, tick);
    return () => {
      cancelled = true;
    };
  }

  /**
   * Runs the events in time order until none is left or the next one is after `until` (the clock then
   * stays at the last event run). Each event runs in its own callback of the event loop (batches of
   * setImmediate, between which Node drains the promise jobs), so that the promise continuations an event
   * starts finish at its instant, before time moves on: async code runs unchanged in virtual time.
   */
  run(until = Infinity): Promise<void> {
    return new Promise((resolve, reject) => {
      let done = false;
      const step = (last: boolean): void => {
        if (done) return;
        const next = this.heap[0];
        if (next === undefined || next.time > until) {
          done = true;
          resolve();
          return;
        }
        this.pop();
        if (!next.cancelled) {
          this.time = next.time;
          this.executed++;
          try {
            next.fn();
          } catch (err) {
            done = true;
            reject(err instanceof Error ? err : new Error(String(err)));
            return;
          }
        }
        if (last) batch();
      };
      const batch = (): void => {
        for (let i = 0; i < BATCH; i++) setImmediate(step, i === BATCH - 1);
      };
      batch();
    });
  }

  private push(event: Event): void {
    const h = this.heap;
    let i = h.length;
    h.push(event);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(event, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = event;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= h.length) break;
      const r = l + 1;
      const child = r < h.length && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[child]!, last)) break;
      h[i] = h[child]!;
      i = child;
    }
    h[i] = last;
  }
}
