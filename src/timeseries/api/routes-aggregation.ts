/**
 * Gnocchi's deprecated aggregation routes, still served by Gnocchi 4.4 and used by clients:
 * `GET|POST /v1/aggregation/metric` (metric ids in `?metric=` or as a JSON list) and
 * `POST /v1/aggregation/resource/<type>/metric/<name>` (the metric `<name>` of the resources a search body or
 * `?filter=` selects, optionally `groupby` attributes). Both take `aggregation`, `reaggregation`, `start`,
 * `stop`, `granularity`, `needed_overlap` (default 100), `fill`, `resample` and `refresh`; the measures are
 * cross-metric-measures.ts's. As in Gnocchi, the resource route reads one page of resources (`limit`,
 * default and cap `--api-max-limit`, `marker`, with a `Link` header when the page is full), sorted by the
 * groupby attributes; a bad attribute or marker is 400 `Invalid groupby attribute`.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TimeseriesError } from '../errors.js';
import type { Metric } from '../model.js';
import type { TimeseriesStore } from '../store.js';
import { checkAggregationCount } from './aggregation-limit.js';
import { apiSettings } from './api-settings.js';
import { aggregationQuery } from './aggregation-query.js';
import { canAccess, currentUser } from './auth.js';
import { crossMetricMeasures, type CrossMetricQuery } from './cross-metric-measures.js';
import { readJson, sendJson } from './http.js';
import { parseUuid } from './ids.js';
import { pointsJson } from './measures.js';
import { liveMetrics } from './metrics.js';
import { parsePagination, setNextLink } from './pagination.js';
import { queryBool, queryList, queryOf, queryParam, type Query } from './params.js';
import { groupResources, type ResourceGroup } from './resource-groups.js';
import { filterFromRequest, findResources } from './resource-query.js';
import { getResourceTypeOr404 } from './resources.js';
import type { ApiRouter } from './routing.js';

/** The parameters both routes read, in Gnocchi's order (`validate_qs` first). */
function crossMetricQuery(query: Query): CrossMetricQuery {
  const options = aggregationQuery(query);
  if (options.needed_overlap === undefined) options.needed_overlap = 100;
  const aggregation = queryParam(query, 'aggregation') ?? 'mean';
  const reaggregation = queryParam(query, 'reaggregation');
  const resample = queryParam(query, 'resample');
  return {
    aggregation,
    ...(reaggregation !== undefined ? { reaggregation } : {}),
    options,
    ...(resample !== undefined && resample !== '' ? { resample } : {}),
    refresh: queryBool(query, 'refresh'),
  };
}

/** The metric ids of `/v1/aggregation/metric`: `?metric=` (GET) or a JSON list (POST), as UUIDs. */
function metricIds(request: FastifyRequest, query: Query): string[] {
  if (request.method === 'GET') {
    return queryList(query, 'metric').map((text, i) => {
      const id = parseUuid(text);
      if (id === undefined) throw new TimeseriesError(400, `Invalid input: not a valid value @ data[${i}]`);
      return id;
    });
  }
  const body = readJson(request);
  if (!Array.isArray(body)) throw TimeseriesError.invalidInput('expected list', []);
  return body.map((value: unknown, i) => {
    const id = typeof value === 'string' ? parseUuid(value) : undefined;
    if (id === undefined) throw TimeseriesError.invalidInput(`not a valid value @ data[${i}]`, [i]);
    return id;
  });
}

/**
 * The metrics of the ids, sorted by id (404 `Metric <id> does not exist` for the first unknown one); more
 * distinct ids than `--max-aggregation-metrics` is a 400, before any is looked up.
 */
async function metricsOf(request: FastifyRequest, store: TimeseriesStore, ids: string[]): Promise<Metric[]> {
  const distinct = [...new Set(ids)];
  checkAggregationCount(request, distinct.length);
  const metrics: Metric[] = [];
  for (const id of distinct.sort()) {
    const metric = await store.getMetric(id);
    if (metric === undefined) throw new TimeseriesError(404, `Metric ${id} does not exist`);
    metrics.push(metric);
  }
  return metrics;
}

/**
 * The metric `name` of each resource of each group that has one, by group; more metrics in all than
 * `--max-aggregation-metrics` is a 400, before any measure is read.
 */
async function namedMetrics(
  request: FastifyRequest,
  store: TimeseriesStore,
  groups: ResourceGroup[],
  name: string,
): Promise<Metric[][]> {
  const out: Metric[][] = [];
  let count = 0;
  for (const group of groups) {
    const metrics: Metric[] = [];
    for (const resource of group.resources) {
      const id = (await liveMetrics(store, resource))[name];
      const metric = id === undefined ? undefined : await store.getMetric(id);
      if (metric === undefined) continue;
      checkAggregationCount(request, ++count);
      metrics.push(metric);
    }
    out.push(metrics);
  }
  return out;
}

function isPaginationError(e: unknown): boolean {
  return (
    e instanceof TimeseriesError &&
    typeof e.description === 'string' &&
    e.description.startsWith('Invalid pagination')
  );
}

/** Registers the deprecated `/v1/aggregation/…` routes. */
export function registerAggregationRoutes(router: ApiRouter): void {
  const { store } = router;

  const byIds = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    const query = queryOf(request);
    const ids = metricIds(request, query);
    const metrics = await metricsOf(request, store, ids);
    const params = crossMetricQuery(query);
    const user = currentUser(request);
    if (metrics.some((m) => !canAccess(user, m.creator))) throw new TimeseriesError(403, '');
    return sendJson(reply, pointsJson(await crossMetricMeasures(store, metrics, params)));
  };
  router.route('GET', '/v1/aggregation/metric', byIds);
  router.route('POST', '/v1/aggregation/metric', byIds);

  router.route('POST', '/v1/aggregation/resource/:type/metric/:name', async (request, reply) => {
    const { type: typeName, name } = request.params as { type: string; name: string };
    const type = await getResourceTypeOr404(store, typeName);
    const query = queryOf(request);
    const user = currentUser(request);
    const groupby = [...new Set(queryList(query, 'groupby'))].sort();
    const filter = filterFromRequest(request, query, user);
    const page = parsePagination({ ...query, sort: groupby }, [], apiSettings(request).maxLimit);
    const resources = await findResources(store, user, type, filter);
    let groups: ResourceGroup[];
    try {
      groups = groupResources(resources, type, groupby, page);
    } catch (e) {
      if (isPaginationError(e)) throw new TimeseriesError(400, 'Invalid groupby attribute');
      throw e;
    }
    const listed = groups.flatMap((g) => g.resources);
    setNextLink(request, reply, query, page, listed.length, listed.at(-1)?.id);
    const params = crossMetricQuery(query);
    if (groupby.length === 0) groups = [groups[0] ?? { group: {}, resources: [] }];
    const metricsByGroup = await namedMetrics(request, store, groups, name);
    const measuresOf = async (metrics: Metric[]): Promise<unknown> => {
      if (metrics.some((m) => !canAccess(user, m.creator))) throw new TimeseriesError(403, '');
      return pointsJson(await crossMetricMeasures(store, metrics, params));
    };
    if (groupby.length === 0) return sendJson(reply, await measuresOf(metricsByGroup[0] ?? []));
    const out = [];
    for (const [i, group] of groups.entries())
      out.push({ group: group.group, measures: await measuresOf(metricsByGroup[i] ?? []) });
    return sendJson(reply, out);
  });

  // Gnocchi answers 405 to a resource route without a metric name.
  router.app.route({
    method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
    url: '/v1/aggregation/resource/:type/metric',
    handler: async () => {
      throw new TimeseriesError(405, '');
    },
  });
}
