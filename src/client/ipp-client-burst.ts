/**
 * One active period of an open-loop client (an IPP ON period, a Poisson burst), in seconds of schedule
 * time since the client started.
 */
export interface Burst {
  /** When the period starts. */
  start: number;
  /** Request instants, non-decreasing, each at or after `start`. */
  instants: number[];
  /** When the period ends; a burst still sending after it delays the following ones by the overrun. */
  end: number;
  /** Drop the requests still due once `end` has passed (IPP) instead of sending them late (Poisson). */
  dropLate: boolean;
}

/**
 * Replays a schedule in virtual time: the request instants before `duration`, at most `maxRequests`.
 * This is the number of requests a client sends when the server answers at once.
 */
export function countScheduled(schedule: Iterator<Burst>, duration: number, maxRequests: number): number {
  let count = 0;
  for (let b = schedule.next(); !b.done && b.value.start < duration; b = schedule.next()) {
    for (const t of b.value.instants) {
      if (t >= duration || count >= maxRequests) return count;
      count++;
    }
  }
  return count;
}
