import type { Metric } from './experiment.js';

/** The quantile of each percentile metric. */
const QUANTILES: Record<Exclude<Metric, 'mean' | 'max'>, number> = {
  p50: 0.5,
  p90: 0.9,
  p95: 0.95,
  p99: 0.99,
  p999: 0.999,
};

/**
 * A statistic of response times (seconds): the mean, the maximum, or a percentile by the nearest-rank
 * method (the smallest value with at least that fraction of the values at or below it). NaN if empty.
 */
export function statistic(times: readonly number[], metric: Metric): number {
  if (times.length === 0) return Number.NaN;
  if (metric === 'mean') {
    let sum = 0;
    for (const t of times) sum += t;
    return sum / times.length;
  }
  const sorted = Float64Array.from(times).sort();
  if (metric === 'max') return sorted[sorted.length - 1]!;
  const rank = Math.ceil(QUANTILES[metric] * sorted.length);
  return sorted[Math.max(0, rank - 1)]!;
}
