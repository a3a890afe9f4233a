import type { Random } from '../support/random.js';
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
}

/** Throws the error `clienttracegen` reports for invalid options. */
export function validateTraceGenOptions(o: TraceGenOptions): void {
  if (o.endpoint === '') throw new Error('Invalid empty server end-point');
  if (o.lambda === '') throw new Error('Invalid empty lambda name');
  if (!(o.numClients >= 1)) throw new Error('Zero clients');
  if (!(o.rate > 0)) throw new Error(`Invalid non-positive rate: ${o.rate}`);
  if (!(o.minSize >= 0)) throw new Error(`Invalid negative minimum size: ${o.minSize}`);
  if (o.maxSize < o.minSize) {
    throw new Error(`Maximum size (${o.maxSize}) cannot be smaller than minimum size (${o.minSize})`);
  }
}

/**
 * Generates a trace: for each client in turn, Poisson arrivals of rate `rate` over [0, duration) (the
 * first one after one exponential gap), each with a size uniform in [minSize, maxSize]; times are offset by
 * `startingTime`, and the events of all clients are merged and sorted by time (ties keep client order).
 * Draws come from the one stream `random`, per client in the original's order: gap, then (size, gap)*.
 */
export function generateTrace(o: TraceGenOptions, random: Random): TraceEvent[] {
  validateTraceGenOptions(o);
  const mean = 1 / o.rate;
  const events: TraceEvent[] = [];
  for (let client = 0; client < o.numClients; client++) {
    for (let t = random.exponential(mean); t < o.duration; t += random.exponential(mean)) {
      const size = random.uniformInt(o.minSize, o.maxSize);
      events.push({ time: t + o.startingTime, lambda: o.lambda, endpoint: o.endpoint, size });
    }
  }
  return events.sort((a, b) => a.time - b.time);
}
