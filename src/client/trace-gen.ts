import { ExponentialDistribution } from '../support/exponential-distribution.js';
import { Mt19937 } from '../support/mt19937.js';
import { SeedSeq } from '../support/seed-seq.js';
import { UniformIntDistribution } from '../support/uniform-int-distribution.js';
import type { TraceEvent } from './trace.js';

/** What `clienttracegen` generates. */
export interface TraceGenOptions {
  endpoint: string;
  lambda: string;
  /** Smallest input size, bytes. */
  minSize: number;
  /** Largest input size, bytes (included). */
  maxSize: number;
  /** Requests per second of each client. */
  rate: number;
  numClients: number;
  /** Seconds added to every event time. */
  startingTime: number;
  /** Seconds of arrivals per client, from 0. */
  duration: number;
  /** Seed of the draws: one `std::mt19937` seeded through `std::seed_seq{seed}`, as the original. */
  seed: number;
}

/** Throws the error `clienttracegen` reports for invalid options. */
export function validateTraceGenOptions(o: TraceGenOptions): void {
  if (o.endpoint === '') throw new Error('Invalid empty server end-point');
  if (o.lambda === '') throw new Error('Invalid empty lambda name');
  if (!(o.numClients >= 1)) throw new Error('Zero clients');
  if (!(o.rate > 0)) throw new Error(`Invalid non-positive rate: ${o.rate}`);
  if (!Number.isFinite(o.rate)) throw new Error(`Invalid infinite rate: ${o.rate}`);
  if (!Number.isSafeInteger(o.seed)) {
    throw new Error(`Invalid seed: ${o.seed} (an integer within ±${Number.MAX_SAFE_INTEGER} is expected)`);
  }
  if (!(o.minSize >= 0)) throw new Error(`Invalid negative minimum size: ${o.minSize}`);
  if (o.maxSize < o.minSize) {
    throw new Error(`Maximum size (${o.maxSize}) cannot be smaller than minimum size (${o.minSize})`);
  }
}

/**
 * Generates a trace: for each client in turn, Poisson arrivals of rate `rate` over [0, duration) (the
 * first one after one exponential gap), each with a size uniform in [minSize, maxSize]; times are offset by
 * `startingTime`, and the events of all clients are merged and sorted by time (a stable sort: ties keep
 * client order). The draws are the original `clienttracegen`'s, in its order (per client: gap, then
 * (size, gap)*) from one `std::mt19937` seeded by `std::seed_seq{seed}`, through libstdc++'s
 * `exponential_distribution` and `uniform_int_distribution`: the same seed gives the original's trace.
 */
export function generateTrace(o: TraceGenOptions): TraceEvent[] {
  validateTraceGenOptions(o);
  const engine = Mt19937.fromSeedSeq(new SeedSeq([o.seed]));
  const gaps = new ExponentialDistribution(o.rate);
  const sizes = new UniformIntDistribution(o.minSize, o.maxSize);
  const events: TraceEvent[] = [];
  for (let client = 0; client < o.numClients; client++) {
    for (let t = gaps.sample(engine); t < o.duration; t += gaps.sample(engine)) {
      events.push({
        time: o.startingTime + t,
        lambda: o.lambda,
        endpoint: o.endpoint,
        size: sizes.sample(engine),
      });
    }
  }
  return events.sort((a, b) => a.time - b.time);
}
