import { TimeseriesError } from './errors.js';
import type { ArchivePolicy, Measure, Metric } from './model.js';
import type { MeasuresQuery } from './store.js';
import { formatTimestamp } from './timestamp.js';

/** Python's float repr of a granularity in seconds, as Gnocchi prints it (`60.0`). */
function pythonFloat(x: number): string {
  return Number.isInteger(x) ? `${x}.0` : String(x);
}

/**
 * Checks that a metric can be read with a query: the method must be in its policy (404 with Gnocchi's
 * `Aggregation method does not exist for this metric`) and the granularity one of its policy's (404).
 */
export function checkMeasuresQuery(metric: Metric, policy: ArchivePolicy, query: MeasuresQuery): void {
  if (!policy.aggregation_methods.includes(query.aggregation)) {
    throw new TimeseriesError(404, {
      cause: 'Aggregation method does not exist for this metric',
      detail: { metric: metric.id, aggregation_method: query.aggregation },
    });
  }
  if (
    query.granularity !== undefined &&
    !policy.definition.some((d) => d.granularity === query.granularity)
  ) {
    throw new TimeseriesError(
      404,
      `Aggregation method '${query.aggregation}' at granularity '${pythonFloat(query.granularity)}' for metric ${metric.id} does not exist`,
    );
  }
}

/**
 * The 400 for measures older than a metric's back window (Gnocchi accepts and then silently drops them;
 * we refuse the whole request and say why).
 */
export function tooOldError(
  metricId: string,
  firstAccepted: number,
  example: Measure,
  count: number,
): TimeseriesError {
  return new TimeseriesError(400, {
    cause: 'Measures older than the back window',
    reason:
      `${count} measure(s) of metric ${metricId} are older than its archive policy's back window allows: ` +
      `the oldest timestamp accepted is ${formatTimestamp(firstAccepted)} (got ${formatTimestamp(example.timestamp)})`,
    detail: { metric: metricId, oldest_accepted: formatTimestamp(firstAccepted), rejected: count },
  });
}
