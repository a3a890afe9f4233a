/**
 * Measures of one metric: `POST /v1/metric/<id>/measures` (202, empty body) and
 * `GET /v1/metric/<id>/measures?start&stop&aggregation&granularity&resample&refresh`, plus the same by
 * resource and metric name under `/v1/resource/<type>/<id>/metric/<name>/measures`.
 *
 * Back-window policy (ours, unlike Gnocchi which answers 202 and silently drops late measures): the store
 * refuses a write holding a measure older than the metric's back window with a 400 that names the metric
 * and the oldest timestamp it still accepts, and stores nothing of that write; this API passes that error
 * through unchanged.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { parseDuration } from '../duration.js';
import { TimeseriesError } from '../errors.js';
import type { Metric, Point } from '../model.js';
import {
  isCalendarUnit,
  resample,
  resampleCalendar,
  type CalendarPoint,
  type CalendarUnit,
} from '../resample.js';
import type { TimeseriesStore } from '../store.js';
import { readJson, sendAccepted, sendJson } from './http.js';
import { formatPyFloat } from './json.js';
import { parseMeasures, pointsJson } from './measures.js';
import { getAccessibleMetric, getNamedMetric, getResourceFromPath } from './metrics.js';
import { durationParam, queryBool, queryOf, queryParam, timestampParam, type Query } from './params.js';
import type { ApiRouter } from './routing.js';

/** Reads a metric's measures as `GET …/measures` does (checks in Gnocchi's order). */
export async function readMetricMeasures(
  store: TimeseriesStore,
  metric: Metric,
  query: Query,
): Promise<(Point | CalendarPoint)[]> {
  const aggregation = queryParam(query, 'aggregation') ?? 'mean';
  const resampleText = queryParam(query, 'resample');
  let resampleTo: number | CalendarUnit | undefined;
  if (resampleText !== undefined && resampleText !== '') {
    if (queryParam(query, 'granularity') === undefined) {
      throw new TimeseriesError(400, 'A granularity must be specified to resample');
    }
    if (isCalendarUnit(resampleText)) resampleTo = resampleText;
    else {
      try {
        resampleTo = parseDuration(resampleText);
      } catch (e) {
        throw new TimeseriesError(400, e instanceof Error ? e.message : String(e));
      }
    }
  }
  const granularity = durationParam(query, 'granularity');
  const start = timestampParam(query, 'start');
  const stop = timestampParam(query, 'stop');
  const refresh = queryBool(query, 'refresh');
  const policy = await store.getArchivePolicy(metric.archive_policy_name);
  if (policy === undefined || !policy.aggregation_methods.includes(aggregation)) {
    throw new TimeseriesError(404, {
      cause: 'Aggregation method does not exist for this metric',
      detail: { metric: metric.id, aggregation_method: aggregation },
    });
  }
  if (granularity !== undefined && !policy.definition.some((d) => d.granularity === granularity)) {
    throw new TimeseriesError(
      404,
      `Aggregation method '${aggregation}' at granularity '${formatPyFloat(granularity)}' for metric ${metric.id} does not exist`,
    );
  }
  if (refresh) await store.processPending();
  const points = await store.getMeasures(metric.id, {
    aggregation,
    ...(granularity !== undefined ? { granularity } : {}),
    ...(start !== undefined ? { start } : {}),
    ...(stop !== undefined ? { stop } : {}),
  });
  if (resampleTo === undefined) return points;
  if (typeof resampleTo === 'number') return resample(points, aggregation, resampleTo);
  try {
    return resampleCalendar(points, aggregation, resampleTo);
  } catch (e) {
    throw new TimeseriesError(400, e instanceof Error ? e.message : String(e));
  }
}

/** Handles a measures push for a resolved metric: validate everything, then store (202). */
export async function pushMeasures(
  store: TimeseriesStore,
  request: FastifyRequest,
  reply: FastifyReply,
  metric: Metric,
): Promise<FastifyReply> {
  const measures = parseMeasures(readJson(request));
  if (measures.length > 0) await store.addMeasures([{ metricId: metric.id, measures }]);
  return sendAccepted(reply);
}

/** Registers the single-metric measures routes. */
export function registerMeasuresRoutes(router: ApiRouter): void {
  const { store } = router;

  router.route(
    'POST',
    '/v1/metric/:id/measures',
    async (request, reply) => {
      const { id } = request.params as { id: string };
      return pushMeasures(store, request, reply, await getAccessibleMetric(store, request, id));
    },
    { noBody: true },
  );

  router.route('GET', '/v1/metric/:id/measures', async (request, reply) => {
    const { id } = request.params as { id: string };
    const metric = await getAccessibleMetric(store, request, id);
    return sendJson(reply, pointsJson(await readMetricMeasures(store, metric, queryOf(request))));
  });

  const named = async (request: FastifyRequest): Promise<Metric> => {
    const { type, id, name } = request.params as { type: string; id: string; name: string };
    const resource = await getResourceFromPath(store, request, type, id);
    return getNamedMetric(store, resource, name);
  };

  router.route(
    'POST',
    '/v1/resource/:type/:id/metric/:name/measures',
    async (request, reply) => pushMeasures(store, request, reply, await named(request)),
    { noBody: true },
  );

  router.route('GET', '/v1/resource/:type/:id/metric/:name/measures', async (request, reply) => {
    const metric = await named(request);
    return sendJson(reply, pointsJson(await readMetricMeasures(store, metric, queryOf(request))));
  });
}
