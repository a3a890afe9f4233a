/**
 * `POST /v1/search/resource/<type>`: resources matching a filter given as a JSON body or as `?filter=`
 * in the string form (see search-filter.ts), with `details`, `history` and pagination.
 * `POST /v1/search/metric?metric_id=…`: the points of metrics whose values satisfy a predicate
 * (metric-search-query.ts), per granularity, as Gnocchi 4.4's `SearchMetricController`.
 */
import { parseDuration } from '../duration.js';
import { TimeseriesError } from '../errors.js';
import type { Metric } from '../model.js';
import { parseTimestamp } from '../timestamp.js';
import { canAccess, currentUser } from './auth.js';
import { hasBody, readJson, sendJson } from './http.js';
import { parseUuid } from './ids.js';
import { pyFloat } from './json.js';
import { pointsJson } from './measures.js';
import { metricSearchPredicate, parseMetricSearch } from './metric-search-query.js';
import { queryBool, queryList, queryOf, queryParam, type Query } from './params.js';
import { filterFromRequest, findResources, sendResourcePage } from './resource-query.js';
import { getResourceTypeOr404 } from './resources.js';
import type { ApiRouter } from './routing.js';

/** A `start`/`stop` of a metric search (400 `Invalid value for <name>`). */
function searchTimestamp(query: Query, name: string): number | undefined {
  const text = queryParam(query, name);
  if (text === undefined) return undefined;
  try {
    return parseTimestamp(text);
  } catch {
    throw new TimeseriesError(400, `Invalid value for ${name}`);
  }
}

/** Registers the search routes. */
export function registerSearchRoutes(router: ApiRouter): void {
  const { store } = router;

  // Gnocchi looks the type up before the method: an unknown type is a 404 for any method.
  router.route('GET', '/v1/search/resource/:type', async (request, reply) => {
    const { type: typeName } = request.params as { type: string };
    await getResourceTypeOr404(store, typeName);
    reply.header('Allow', 'POST');
    throw new TimeseriesError(405, '');
  });

  router.route('POST', '/v1/search/metric', async (request, reply) => {
    const user = currentUser(request);
    const query = queryOf(request);
    const ids = queryList(query, 'metric_id');
    if (ids.length === 0) throw new TimeseriesError(400, 'Missing argument: metric_id');
    const metrics: Metric[] = [];
    for (const id of new Set(ids.map(parseUuid))) {
      const metric = id === undefined ? undefined : await store.getMetric(id);
      if (metric === undefined) continue;
      if (!canAccess(user, metric.creator)) throw new TimeseriesError(403, '');
      metrics.push(metric);
    }
    if (!hasBody(request)) throw new TimeseriesError(400, 'No query specified in body');
    const tree = parseMetricSearch(readJson(request));
    const start = searchTimestamp(query, 'start');
    const stop = searchTimestamp(query, 'stop');
    const predicate = metricSearchPredicate(tree);
    const aggregation = queryParam(query, 'aggregation') ?? 'mean';
    const given = queryList(query, 'granularity');
    let granularities: number[] | undefined;
    if (given.length > 0) {
      granularities = given
        .map((g) => {
          try {
            return parseDuration(g);
          } catch (e) {
            throw TimeseriesError.argument('granularity', e instanceof Error ? e.message : String(e));
          }
        })
        .sort((a, b) => b - a);
    }
    const plans: [Metric, number[]][] = [];
    for (const metric of metrics) {
      const policy = await store.getArchivePolicy(metric.archive_policy_name);
      const definition = policy?.definition ?? [];
      const wanted = granularities ?? definition.map((d) => d.granularity).sort((a, b) => b - a);
      for (const granularity of wanted) {
        const known = definition.some((d) => d.granularity === granularity);
        if (!known || policy?.aggregation_methods.includes(aggregation) !== true) {
          throw new TimeseriesError(400, {
            cause: 'Aggregation does not exist',
            detail: { granularity: pyFloat(granularity), aggregation_method: aggregation },
          });
        }
      }
      plans.push([metric, wanted]);
    }
    const body: Record<string, unknown> = {};
    for (const [metric, wanted] of plans) {
      const points = [];
      for (const granularity of wanted) {
        const found = await store.getMeasures(metric.id, {
          aggregation,
          granularity,
          ...(start !== undefined ? { start } : {}),
          ...(stop !== undefined ? { stop } : {}),
        });
        points.push(...found.filter((p) => predicate(p[2])));
      }
      body[metric.id] = pointsJson(points);
    }
    return sendJson(reply, body);
  });

  router.route('POST', '/v1/search/resource/:type', async (request, reply) => {
    const { type: typeName } = request.params as { type: string };
    const type = await getResourceTypeOr404(store, typeName);
    const user = currentUser(request);
    const query = queryOf(request);
    const filter = filterFromRequest(request, query, user);
    const details = queryBool(query, 'details');
    const history = queryBool(query, 'history');
    const resources = await findResources(store, user, type, filter, history);
    return sendJson(
      reply,
      await sendResourcePage(store, request, reply, query, resources, type, details, history),
    );
  });
}
