/**
 * The 400 of a batch of measures naming metrics that do not exist (Gnocchi's `Unknown metrics: <ids>`,
 * sorted). Past {@link MAX_LISTED_UNKNOWN_METRICS} only the first are listed, with the count of all: the
 * 100,000 unknown ids an 8 MiB batch may carry would otherwise make a 3.8 MB answer (Gnocchi lists them
 * all; its tests name two).
 */
import { TimeseriesError } from '../errors.js';

/** Most unknown metrics the error lists. */
export const MAX_LISTED_UNKNOWN_METRICS = 1000;

/** The 400 for `unknown` (metric ids or `<resource id>/<name>`; sorted here, in place). */
export function unknownMetricsError(unknown: string[]): TimeseriesError {
  unknown.sort();
  if (unknown.length <= MAX_LISTED_UNKNOWN_METRICS) {
    return new TimeseriesError(400, `Unknown metrics: ${unknown.join(', ')}`);
  }
  const listed = unknown.slice(0, MAX_LISTED_UNKNOWN_METRICS).join(', ');
  return new TimeseriesError(
    400,
    `Unknown metrics: ${listed}, ... (${unknown.length} in all, the first ${MAX_LISTED_UNKNOWN_METRICS} listed)`,
  );
}
