import type { Random } from '../support/random.js';
import type { Burst } from './ipp-client-burst.js';

/** Parameters of a bursty Poisson client, seconds. */
export interface PoissonParameters {
  /** Mean time between burst starts. */
  periodMean: number;
  /** Mean number of requests per burst. */
  burstSizeMean: number;
  /** Smallest gap between requests of a burst. */
  minSleep: number;
  /** Largest gap between requests of a burst. */
  maxSleep: number;
}

/** Throws if the parameters cannot make a schedule. */
export function validatePoisson(p: PoissonParameters): void {
  if (!(p.periodMean > 0)) throw new Error(`Invalid mean period: ${p.periodMean}`);
  if (!(p.burstSizeMean >= 0)) throw new Error(`Invalid mean burst size: ${p.burstSizeMean}`);
  if (!(p.minSleep >= 0) || p.minSleep > p.maxSleep) {
    throw new Error(`Invalid min/max sleep times: ${p.minSleep}/${p.maxSleep}`);
  }
}

/**
 * A Poisson-distributed integer with the given mean (Knuth's product of uniforms, in chunks of mean at
 * most 500 so that e^-mean does not underflow; a sum of Poisson draws is a Poisson draw).
 */
export function drawPoisson(mean: number, random: Random): number {
  let k = 0;
  for (let left = mean; left > 0; left -= 500) {
    const limit = Math.exp(-Math.min(left, 500));
    for (let p = random.uniform(); p > limit; p *= random.uniform()) k++;
  }
  return k;
}

/**
 * The endless bursts of a bursty Poisson client. Periods are exponential with mean `periodMean`; the first
 * burst comes after half a period draw (so clients are not in phase). At each period start a burst of
 * Poisson(`burstSizeMean`) requests is due at the start and then after gaps U[minSleep, maxSleep]; late
 * requests are still sent. A period ends after its drawn length, or at its last request if later (the
 * rest of the period is then empty), and the next one starts there. `periods` draws the first offset, then (period, burst size)*; `sleeps` the gaps. Throws at
 * once on invalid parameters.
 */
export function poissonSchedule(p: PoissonParameters, periods: Random, sleeps: Random): Generator<Burst> {
  validatePoisson(p);
  return poissonBursts(p, periods, sleeps);
}

function* poissonBursts(p: PoissonParameters, periods: Random, sleeps: Random): Generator<Burst> {
  let start = periods.exponential(p.periodMean) / 2;
  for (;;) {
    const length = periods.exponential(p.periodMean);
    const size = drawPoisson(p.burstSizeMean, periods);
    const instants: number[] = size > 0 ? [start] : [];
    for (let t = start; instants.length < size;) {
      t += sleeps.uniformReal(p.minSleep, p.maxSleep);
      instants.push(t);
    }
    const end = Math.max(start + length, instants.at(-1) ?? start);
    yield { start, instants, end, dropLate: false };
    start = end;
  }
}
