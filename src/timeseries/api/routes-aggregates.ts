/**
 * `POST /v1/aggregates`: the operations language over explicit metric ids (`{"operations"}`) or over the
 * named metrics of searched resources (`{"resource_type", "search", "operations"}`, names may be globs),
 * with `start`, `stop`, `granularity`, `needed_overlap`, `fill`, `details` and (for searches) `groupby`.
 * Parsing, validation and evaluation are the aggregates-* modules'; this route resolves references, checks access and
 * policies, fetches the series and shapes the response like Gnocchi.
 */
import type { FastifyRequest } from 'fastify';
import { evaluateOperations, type AggregatesResult, type EvaluateOptions } from '../aggregates-evaluator.js';
import { metricReferences, type MetricReference, type Operation } from '../aggregates-operation.js';
import { parseOperations } from '../aggregates-validator.js';
import { TimeseriesError } from '../errors.js';
import type { ArchivePolicy, Metric, Point, Resource, ResourceType } from '../model.js';
import { ownValue, setOwnValue } from '../own-property.js';
import type { TimeseriesStore } from '../store.js';
import { checkAggregatesCount } from './aggregation-limit.js';
import { canAccess, currentUser, type ApiUser } from './auth.js';
import { readJson, sendJson } from './http.js';
import { parseUuid } from './ids.js';
import { globMatcher } from './fnmatch.js';
import { pointsJson } from './measures.js';
import { liveMetrics, metricListJson } from './metrics.js';
import { aggregationQuery } from './aggregation-query.js';
import { queryBool, queryList, queryOf } from './params.js';
import { findResources, resourcesJson } from './resource-query.js';
import { groupResources } from './resource-groups.js';
import type { ApiRouter } from './routing.js';
import { parseFilterString, validateFilter, type Filter } from './search-filter.js';
import { checkKeys, expectObject, invalidAt } from './validate.js';

/** Replaces every metric reference of a tree by the references `expand` returns. */
function mapReferences(op: Operation, expand: (ref: MetricReference) => MetricReference[]): Operation {
  switch (op.kind) {
    case 'metric':
      return { kind: 'metric', refs: op.refs.flatMap(expand) };
    case 'constant':
      return op;
    case 'aggregate':
    case 'resample':
    case 'rolling':
    case 'unary':
      return { ...op, operand: mapReferences(op.operand, expand) };
    case 'binary':
      return { ...op, left: mapReferences(op.left, expand), right: mapReferences(op.right, expand) };
    case 'clip':
      return {
        ...op,
        operand: mapReferences(op.operand, expand),
        min: mapReferences(op.min, expand),
        ...(op.max !== undefined ? { max: mapReferences(op.max, expand) } : {}),
      };
  }
}

/** A resolved series: the metric, its policy and the aggregation read. */
interface Series {
  metric: Metric;
  policy: ArchivePolicy;
  aggregation: string;
}

/** Checks the methods against the policies, fetches every series and evaluates the tree. */
async function evaluate(
  store: TimeseriesStore,
  op: Operation,
  series: Map<string, Series>,
  options: EvaluateOptions,
): Promise<AggregatesResult> {
  const unknownAggregation: [string, string][] = [];
  for (const s of series.values()) {
    if (!s.policy.aggregation_methods.includes(s.aggregation))
      unknownAggregation.push([s.metric.id, s.aggregation]);
  }
  if (unknownAggregation.length > 0) {
    throw new TimeseriesError(404, { cause: 'Metrics with unknown aggregation', detail: unknownAggregation });
  }
  const points = new Map<string, Point[]>();
  for (const [key, s] of series) {
    points.set(
      key,
      await store.getMeasures(s.metric.id, {
        aggregation: s.aggregation,
        ...(options.start !== undefined ? { start: options.start } : {}),
        ...(options.stop !== undefined ? { stop: options.stop } : {}),
      }),
    );
  }
  const keyOf = (ref: MetricReference): string => `${ref.metric}\u0000${ref.aggregation}`;
  return evaluateOperations(op, (ref) => points.get(keyOf(ref)), {
    ...options,
    granularities: (ref) => series.get(keyOf(ref))?.policy.definition.map((d) => d.granularity) ?? [],
  });
}

/** `{"aggregated": points}` or the nested per-series map, points formatted. */
function resultJson(result: AggregatesResult, nest: (key: string) => string[]): Record<string, unknown> {
  if ('aggregated' in result && Array.isArray(result.aggregated))
    return { aggregated: pointsJson(result.aggregated) };
  const out: Record<string, unknown> = {};
  for (const [key, byAggregation] of Object.entries(result as Record<string, Record<string, Point[]>>)) {
    let node = out;
    for (const part of nest(key)) {
      let child = ownValue(node, part) as Record<string, unknown> | undefined;
      if (child === undefined) setOwnValue(node, part, (child = {}));
      node = child;
    }
    for (const [aggregation, points] of Object.entries(byAggregation))
      setOwnValue(node, aggregation, pointsJson(points));
  }
  return out;
}

async function policyOf(
  store: TimeseriesStore,
  metric: Metric,
  cache: Map<string, ArchivePolicy>,
): Promise<ArchivePolicy> {
  let policy = cache.get(metric.archive_policy_name);
  if (policy === undefined) {
    policy = await store.getArchivePolicy(metric.archive_policy_name);
    if (policy === undefined)
      throw new TimeseriesError(500, `Archive policy ${metric.archive_policy_name} is missing`);
    cache.set(metric.archive_policy_name, policy);
  }
  return policy;
}

/** `{"operations"}` over metric ids. */
async function fetchByIds(
  store: TimeseriesStore,
  user: ApiUser,
  parsed: Operation,
  options: EvaluateOptions,
  details: boolean,
): Promise<Record<string, unknown>> {
  const refs = metricReferences(parsed);
  const canonical = new Map<string, string>();
  for (const ref of refs) {
    const id = parseUuid(ref.metric);
    if (id === undefined) {
      throw new TimeseriesError(400, {
        cause: 'Invalid metric references',
        reason: 'badly formed hexadecimal UUID string',
        detail: refs.map((r) => [r.metric, r.aggregation]),
      });
    }
    canonical.set(ref.metric, id);
  }
  const metrics = new Map<string, Metric>();
  const missing: string[] = [];
  for (const id of new Set(canonical.values())) {
    const metric = await store.getMetric(id);
    if (metric === undefined) missing.push(id);
    else metrics.set(id, metric);
  }
  if (missing.length > 0) {
    throw new TimeseriesError(404, {
      cause: 'Unknown metrics',
      reason: "Provided metrics don't exists",
      detail: missing,
    });
  }
  if ([...metrics.values()].some((m) => !canAccess(user, m.creator))) throw new TimeseriesError(403, '');
  const op = mapReferences(parsed, (ref) => [
    { metric: canonical.get(ref.metric) ?? ref.metric, aggregation: ref.aggregation },
  ]);
  const cache = new Map<string, ArchivePolicy>();
  const series = new Map<string, Series>();
  for (const ref of metricReferences(op)) {
    const metric = metrics.get(ref.metric);
    if (metric === undefined) continue;
    series.set(`${ref.metric}\u0000${ref.aggregation}`, {
      metric,
      policy: await policyOf(store, metric, cache),
      aggregation: ref.aggregation,
    });
  }
  const result = await evaluate(store, op, series, options);
  const body: Record<string, unknown> = { measures: resultJson(result, (key) => [key]) };
  if (details) {
    const sorted = [...metrics.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const references = [];
    for (const m of sorted) references.push(await metricListJson(store, m));
    body.references = references;
  }
  return body;
}

/** Gnocchi's `NoSuchMetric` for the names (or globs) of a tree: 400 `Metrics not found`. */
function metricsNotFound(parsed: Operation): TimeseriesError {
  return new TimeseriesError(400, {
    cause: 'Metrics not found',
    detail: [...new Set(metricReferences(parsed).map((r) => r.metric))],
  });
}

/** A metric of a searched resource that the tree names. */
interface NamedMetric {
  resource: Resource;
  name: string;
  metric: Metric;
}

/**
 * The metrics of `resources` whose names match a name (or glob) of the tree; `count` gathers the distinct
 * metric ids of every group, a 400 past `--max-aggregation-metrics` before any metric is read.
 */
async function namedMetrics(
  request: FastifyRequest,
  store: TimeseriesStore,
  parsed: Operation,
  resources: Resource[],
  count: Set<string>,
): Promise<NamedMetric[]> {
  const matchers = [...new Set(metricReferences(parsed).map((r) => r.metric))].map(globMatcher);
  const named: NamedMetric[] = [];
  for (const resource of resources) {
    for (const [name, id] of Object.entries(await liveMetrics(store, resource))) {
      if (!matchers.some((matches) => matches(name))) continue;
      count.add(id);
      checkAggregatesCount(request, 'metrics', count.size);
      const metric = await store.getMetric(id);
      if (metric !== undefined) named.push({ resource, name, metric });
    }
  }
  return named;
}

/**
 * The measures of one group of searched resources (their metrics the tree names, possibly by globs), or
 * undefined when none of the resources has a metric the tree names.
 */
async function fetchForResources(
  store: TimeseriesStore,
  parsed: Operation,
  named: NamedMetric[],
  resources: Resource[],
  type: ResourceType,
  options: EvaluateOptions,
  details: boolean,
): Promise<Record<string, unknown> | undefined> {
  const owners = new Map<string, [string, string]>();
  const wanted = new Map<string, { metric: Metric; aggregation: string }>();
  const expand = (ref: MetricReference): MetricReference[] => {
    const matches = globMatcher(ref.metric);
    return named
      .filter((n) => matches(n.name))
      .map((n) => {
        const key = `${n.resource.id}/${n.name}`;
        owners.set(key, [n.resource.id, n.name]);
        wanted.set(`${key}\u0000${ref.aggregation}`, { metric: n.metric, aggregation: ref.aggregation });
        return { metric: key, aggregation: ref.aggregation };
      });
  };
  const op = mapReferences(parsed, expand);
  if (wanted.size === 0) return undefined;
  const cache = new Map<string, ArchivePolicy>();
  const series = new Map<string, Series>();
  for (const [key, w] of wanted) series.set(key, { ...w, policy: await policyOf(store, w.metric, cache) });
  const result = await evaluate(store, op, series, options);
  const body: Record<string, unknown> = { measures: resultJson(result, (key) => owners.get(key) ?? [key]) };
  if (details) body.references = await resourcesJson(store, resources, type, false);
  return body;
}

function searchFilter(value: unknown, user: ApiUser): Filter | undefined {
  if (typeof value === 'string') return validateFilter(parseFilterString(value), user.id);
  return validateFilter(value, user.id, ['search']);
}

async function searchAndFetch(
  store: TimeseriesStore,
  request: FastifyRequest,
  body: Record<string, unknown>,
  parsed: Operation,
  options: EvaluateOptions,
  details: boolean,
  groupby: string[],
): Promise<unknown> {
  const user = currentUser(request);
  const typeName = body.resource_type;
  if (typeof typeName !== 'string') throw invalidAt('expected str', ['resource_type']);
  const type =
    typeName === 'generic'
      ? ((await store.getResourceType('generic')) ?? {
          name: 'generic',
          state: 'active' as const,
          attributes: {},
        })
      : await store.getResourceType(typeName);
  if (type === undefined) {
    throw new TimeseriesError(400, { cause: 'Resource type does not exist', detail: typeName });
  }
  const resources = await findResources(store, user, type, searchFilter(body.search, user));
  const count = new Set<string>();
  if (groupby.length === 0) {
    const named = await namedMetrics(request, store, parsed, resources, count);
    const result = await fetchForResources(store, parsed, named, resources, type, options, details);
    if (result === undefined) throw metricsNotFound(parsed);
    return result;
  }
  const groups = groupResources(resources, type, groupby);
  const namedByGroup: NamedMetric[][] = [];
  for (const entry of groups)
    namedByGroup.push(await namedMetrics(request, store, parsed, entry.resources, count));
  const out = [];
  for (const [i, entry] of groups.entries()) {
    const named = namedByGroup[i] ?? [];
    const measures = await fetchForResources(store, parsed, named, entry.resources, type, options, details);
    if (measures !== undefined) out.push({ group: entry.group, measures });
  }
  if (out.length === 0) throw metricsNotFound(parsed);
  return out;
}

/** Registers `POST /v1/aggregates`. */
export function registerAggregatesRoutes(router: ApiRouter): void {
  const { store } = router;

  router.route('POST', '/v1/aggregates', async (request, reply) => {
    const user = currentUser(request);
    const query = queryOf(request);
    const options = aggregationQuery(query);
    const details = queryBool(query, 'details');
    queryBool(query, 'use_history');
    const groupby = [...new Set(queryList(query, 'groupby'))].sort();
    const body = expectObject(readJson(request));
    const search = 'resource_type' in body || 'search' in body;
    if (search)
      checkKeys(body, ['operations', 'resource_type', 'search'], ['operations', 'resource_type', 'search']);
    else checkKeys(body, ['operations'], ['operations']);
    const parsed = parseOperations(body.operations);
    checkAggregatesCount(request, 'metric references', metricReferences(parsed).length);
    const result = search
      ? await searchAndFetch(store, request, body, parsed, options, details, groupby)
      : await fetchByIds(store, user, parsed, options, details);
    return sendJson(reply, result);
  });
}
