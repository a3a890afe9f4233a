import { setTimeout as sleep } from 'node:timers/promises';

/** Monotonic time in seconds (for latencies, schedules and stale periods; never wall-clock time). */
export function monotonicSeconds(): number {
  return performance.now() / 1000;
}

/** Sleeps until the monotonic instant `at` (seconds); resolves false if `signal` aborted first. */
export async function sleepUntil(at: number, signal: AbortSignal): Promise<boolean> {
  const ms = (at - monotonicSeconds()) * 1000;
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
