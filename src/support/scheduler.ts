import { monotonicSeconds } from './clock.js';

/** Cancels a timer; cancelling twice, or after it ran, does nothing. */
export type Cancel = () => void;

/** How a timer is set. */
export interface TimerOptions {
  /** False if a pending timer must not keep the process alive (real time only); default true. */
  keepAlive?: boolean;
}

/**
 * Time and timers in seconds, so that event-driven models run either on the wall clock (the
 * {@link realScheduler}) or on a simulated clock (the lab's VirtualScheduler) with the same code.
 */
export interface Scheduler {
  /** The current time, seconds (monotonic). */
  now(): number;
  /** Runs `fn` once, `seconds` (≥ 0) from now. */
  after(seconds: number, fn: () => void, options?: TimerOptions): Cancel;
  /** Runs `fn` every `seconds` (> 0), first `seconds` from now. */
  every(seconds: number, fn: () => void, options?: TimerOptions): Cancel;
}

/** The longest delay Node timers accept, in milliseconds. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The wall clock: `performance.now()` and Node timers. As timers have millisecond granularity, a delay
 * below one millisecond runs at the next turn of the event loop (setImmediate) and a longer one sleeps
 * its whole milliseconds, so that a caller waiting for an exact instant wakes up just before it and polls
 * the last fraction.
 */
export const realScheduler: Scheduler = {
  now: monotonicSeconds,
  after(seconds, fn, options = {}) {
    const ms = seconds * 1000;
    if (ms < 1) {
      const immediate = setImmediate(fn);
      if (options.keepAlive === false) immediate.unref();
      return () => clearImmediate(immediate);
    }
    const timer = setTimeout(fn, Math.min(Math.floor(ms), MAX_TIMER_MS));
    if (options.keepAlive === false) timer.unref();
    return () => clearTimeout(timer);
  },
  every(seconds, fn, options = {}) {
    const timer = setInterval(fn, Math.min(seconds * 1000, MAX_TIMER_MS));
    if (options.keepAlive === false) timer.unref();
    return () => clearInterval(timer);
  },
};
