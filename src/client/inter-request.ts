import type { Random } from '../support/random.js';

/** Distributions of the time between requests, by `--inter-request-type` name. */
export const INTER_REQUEST_TYPES = ['constant', 'uniform', 'poisson'] as const;

/** An `--inter-request-type` name. */
export type InterRequestType = (typeof INTER_REQUEST_TYPES)[number];

/**
 * A generator of gaps (seconds) between requests with mean `mean`: `constant` always `mean`,
 * `uniform` U[0, 2·mean], `poisson` exponential (Poisson arrivals).
 */
export function interRequestGaps(type: string, mean: number, random: Random): () => number {
  if (!(mean >= 0)) throw new Error(`Invalid inter-request time: ${mean}`);
  switch (type) {
    case 'constant':
      return () => mean;
    case 'uniform':
      return () => random.uniformReal(0, 2 * mean);
    case 'poisson':
      return () => random.exponential(mean);
    default:
      throw new Error(
        `Invalid inter-request type: ${type}, choose one of: ${INTER_REQUEST_TYPES.join(', ')}`,
      );
  }
}
