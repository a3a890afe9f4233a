/**
 * The measures of Gnocchi's deprecated aggregation routes (`/v1/aggregation/metric` and
 * `/v1/aggregation/resource/<type>/metric/<name>`), as its `get_cross_metric_measures_from_objs`: one
 * metric's own series (resampled if asked), or several metrics aggregated point by point with
 * `reaggregation` (default: `aggregation`) after the overlap check (`needed_overlap`, default 100) or the
 * `fill`. Several metrics are evaluated as the operations tree
 * `(aggregate <reaggregation> ([resample <aggregation> <resample>] (metric (<id> <aggregation>)…)))`.
 */
import { evaluateOperations, type EvaluateOptions } from '../aggregates-evaluator.js';
import type { Operation } from '../aggregates-operation.js';
import { OPERATION_AGGREGATES } from '../aggregates-operators.js';
import { parseDuration } from '../duration.js';
import { TimeseriesError } from '../errors.js';
import type { ArchivePolicy, Metric, Point } from '../model.js';
import {
  isCalendarUnit,
  resample,
  resampleCalendar,
  type CalendarPoint,
  type CalendarUnit,
} from '../resample.js';
import type { TimeseriesStore } from '../store.js';
import { formatPyFloat } from './json.js';

/** What the deprecated routes read besides the metrics. */
export interface CrossMetricQuery {
  /** The aggregation method read from each metric (`aggregation`, default `mean`). */
  aggregation: string;
  /** The method combining the metrics point by point (`reaggregation`, default: `aggregation`). */
  reaggregation?: string;
  /** `start`, `stop`, `granularity`, `needed_overlap` (default 100 here), `fill` (aggregation-query.ts). */
  options: EvaluateOptions;
  /** The `resample` parameter as given (a duration or a calendar unit; needs `granularity`). */
  resample?: string;
  /** `refresh=true`: process pending measures first. */
  refresh: boolean;
}

/** `A granularity must be specified to resample`, then the duration or calendar unit. */
function parseResample(text: string, options: EvaluateOptions): number | CalendarUnit {
  if (options.granularity === undefined) {
    throw new TimeseriesError(400, 'A granularity must be specified to resample');
  }
  if (isCalendarUnit(text)) return text;
  try {
    return parseDuration(text);
  } catch (e) {
    throw new TimeseriesError(400, e instanceof Error ? e.message : String(e));
  }
}

/** The granularities every metric's policy has, in the order of the first policy's definition. */
function commonGranularities(policies: ArchivePolicy[]): number[] {
  const [first, ...rest] = policies;
  if (first === undefined) return [];
  return first.definition
    .map((d) => d.granularity)
    .filter((g) => rest.every((p) => p.definition.some((d) => d.granularity === g)));
}

/** Gnocchi's `AggregationDoesNotExist` text (404). */
function aggregationDoesNotExist(metric: Metric, method: string, granularity: number): TimeseriesError {
  return new TimeseriesError(
    404,
    `Aggregation method '${method}' at granularity '${formatPyFloat(granularity)}' for metric ${metric.id} does not exist`,
  );
}

/**
 * The measures of `metrics` (in the order given; the caller has checked access) for the deprecated
 * routes; errors in Gnocchi's order and with its texts. No metrics: no measures.
 */
export async function crossMetricMeasures(
  store: TimeseriesStore,
  metrics: Metric[],
  query: CrossMetricQuery,
): Promise<(Point | CalendarPoint)[]> {
  const { aggregation, options } = query;
  const reaggregation = query.reaggregation ?? aggregation;
  if (metrics.length === 0) return [];
  const resampleTo = query.resample ? parseResample(query.resample, options) : undefined;
  const policies: ArchivePolicy[] = [];
  for (const metric of metrics) {
    const policy = await store.getArchivePolicy(metric.archive_policy_name);
    if (policy === undefined) {
      throw new TimeseriesError(500, `Archive policy ${metric.archive_policy_name} is missing`);
    }
    policies.push(policy);
  }
  const granularities =
    options.granularity !== undefined ? [options.granularity] : commonGranularities(policies);
  if (granularities.length === 0) {
    throw new TimeseriesError(400, {
      cause: "Metrics can't being aggregated",
      reason: 'No granularity match',
      detail: metrics.map((m) => [m.id, aggregation]),
    });
  }
  metrics.forEach((metric, i) => {
    const policy = policies[i] as ArchivePolicy;
    for (const g of granularities) {
      // Gnocchi looks the granularity up here, and the method only below for one metric.
      const known =
        policy.definition.some((d) => d.granularity === g) &&
        (metrics.length === 1 || policy.aggregation_methods.includes(aggregation));
      if (!known) throw aggregationDoesNotExist(metric, aggregation, g);
    }
  });
  if (metrics.length === 1 && !(policies[0] as ArchivePolicy).aggregation_methods.includes(aggregation)) {
    throw new TimeseriesError(404, {
      cause: 'Aggregation method does not exist for this metric',
      detail: { metric: (metrics[0] as Metric).id, aggregation_method: aggregation },
    });
  }
  if (!OPERATION_AGGREGATES.includes(reaggregation)) {
    throw TimeseriesError.argument('reaggregation', `Must be one of ${OPERATION_AGGREGATES.join(', ')}`);
  }
  if (query.refresh) await store.processPending();
  const range = {
    ...(options.start !== undefined ? { start: options.start } : {}),
    ...(options.stop !== undefined ? { stop: options.stop } : {}),
  };
  if (metrics.length === 1) {
    const metric = metrics[0] as Metric;
    const out: (Point | CalendarPoint)[] = [];
    for (const granularity of [...granularities].sort((a, b) => b - a)) {
      const points = await store.getMeasures(metric.id, { aggregation, granularity, ...range });
      if (resampleTo === undefined) out.push(...points);
      else if (typeof resampleTo === 'number') out.push(...resample(points, aggregation, resampleTo));
      else {
        try {
          out.push(...resampleCalendar(points, aggregation, resampleTo));
        } catch (e) {
          throw new TimeseriesError(400, e instanceof Error ? e.message : String(e));
        }
      }
    }
    return out;
  }
  if (typeof resampleTo === 'string') {
    throw TimeseriesError.argument('resample', 'Calendar resampling applies to one metric only');
  }
  let operand: Operation = { kind: 'metric', refs: metrics.map((m) => ({ metric: m.id, aggregation })) };
  if (resampleTo !== undefined) {
    operand = { kind: 'resample', method: aggregation, granularity: resampleTo, operand };
  }
  const op: Operation = { kind: 'aggregate', method: reaggregation, operand };
  const series = new Map<string, Point[]>();
  for (const metric of metrics)
    series.set(metric.id, await store.getMeasures(metric.id, { aggregation, ...range }));
  const policyOf = new Map(metrics.map((m, i) => [m.id, policies[i] as ArchivePolicy]));
  const result = evaluateOperations(op, (ref) => series.get(ref.metric), {
    ...options,
    needed_overlap: options.needed_overlap ?? 100,
    granularities: (ref) => policyOf.get(ref.metric)?.definition.map((d) => d.granularity) ?? [],
  });
  return 'aggregated' in result && Array.isArray(result.aggregated) ? result.aggregated : [];
}
