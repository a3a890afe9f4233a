import type { Random } from '../support/random.js';
import type { Burst } from './ipp-client-burst.js';

/** Parameters of an Interrupted Poisson Process (ON/OFF) client, seconds. */
export interface IppParameters {
  /** Mean ON period. */
  onMean: number;
  /** Mean OFF period. */
  offMean: number;
  /** Smallest gap between requests of an ON period. */
  minSleep: number;
  /** Largest gap between requests of an ON period. */
  maxSleep: number;
}

/** Throws if the parameters cannot make a schedule. */
export function validateIpp(p: IppParameters): void {
  if (!(p.onMean > 0)) throw new Error(`Invalid ON mean period: ${p.onMean}`);
  if (!(p.offMean >= 0)) throw new Error(`Invalid OFF mean period: ${p.offMean}`);
  if (!(p.minSleep >= 0) || p.minSleep > p.maxSleep || p.maxSleep === 0) {
    throw new Error(`Invalid min/max sleep times: ${p.minSleep}/${p.maxSleep}`);
  }
}

/** The request instants of an ON period [start, start + length): start, then gaps U[minSleep, maxSleep]. */
function onInstants(start: number, length: number, p: IppParameters, sleeps: Random): number[] {
  const instants: number[] = [];
  for (let offset = 0; offset < length; offset += sleeps.uniformReal(p.minSleep, p.maxSleep)) {
    instants.push(start + offset);
  }
  return instants;
}

/**
 * The endless ON periods of an IPP client. ON and OFF durations are exponential; the client starts at a
 * uniformly random point of one ON+OFF cycle (so clients are not in phase). Each ON period is a burst
 * whose requests are due at its start and then after gaps U[minSleep, maxSleep] while within the period;
 * those still due when it ends are dropped. `periods` draws the first ON and OFF lengths and the phase,
 * then the period lengths as they come; `sleeps` the gaps. Throws at once on invalid parameters.
 */
export function ippSchedule(p: IppParameters, periods: Random, sleeps: Random): Generator<Burst> {
  validateIpp(p);
  return ippBursts(p, periods, sleeps);
}

function* ippBursts(p: IppParameters, periods: Random, sleeps: Random): Generator<Burst> {
  const on = periods.exponential(p.onMean);
  const off = periods.exponential(p.offMean);
  const phase = periods.uniformReal(0, on + off);
  // Starting within the first ON period, the OFF period after it is the one already drawn.
  let pendingOff = phase < on ? off : undefined;
  let start = phase < on ? 0 : on + off - phase;
  let length = phase < on ? on - phase : periods.exponential(p.onMean);
  for (;;) {
    yield { start, instants: onInstants(start, length, p, sleeps), end: start + length, dropLate: true };
    start += length + (pendingOff ?? periods.exponential(p.offMean));
    pendingOff = undefined;
    length = periods.exponential(p.onMean);
  }
}
