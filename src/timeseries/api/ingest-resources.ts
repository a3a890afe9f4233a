/**
 * Writes measures that arrive by resource and metric name, as the InfluxDB and Prometheus endpoints do
 * (Gnocchi's `get_or_create_resource_and_metrics`): each resource of the given type is found or created
 * (with the caller as creator, the id mapped from its name as `ResourceUUID` does), its missing metrics are
 * created with the policy the archive policy rules give their names, then all measures are added in one
 * batch. Resources and metrics are created one resource at a time under the API mutex; a later failure does
 * not undo earlier resources (as in Gnocchi).
 */
import type { Mutex } from '../../support/mutex.js';
import { TimeseriesError } from '../errors.js';
import type { AttributeSchema, Measure, Metric, Resource } from '../model.js';
import { ownValue } from '../own-property.js';
import type { MeasureBatch, TimeseriesStore } from '../store.js';
import { canAccess, type ApiUser } from './auth.js';
import { resourceUuid } from './ids.js';
import { createResourceMetrics, liveMetrics, parseMetricDefinition, planResourceMetrics } from './metrics.js';
import { nowSeconds } from './resources.js';

/** The measures of one resource, by metric name (in the order the metrics are to be created). */
export interface IngestTarget {
  /** The resource's name (`original_resource_id`), mapped to its id as `ResourceUUID(name, creator)`. */
  originalId: string;
  /** Attribute values of a newly created resource. */
  attributes: Record<string, unknown>;
  metrics: Map<string, Measure[]>;
}

/** What {@link ingestMeasures} needs besides the targets. */
export interface IngestContext {
  store: TimeseriesStore;
  mutex: Mutex;
  user: ApiUser;
  /** The resource type of the resources. */
  resourceType: string;
  /**
   * Attributes of the resource type when it is to be created if missing (by an administrator, else 403);
   * without them, a missing type is 404 "Resource type <name> does not exist".
   */
  typeAttributes?: Record<string, AttributeSchema>;
  /**
   * How a resource name that cannot be an id (holding `/`, or longer than 255 characters) is refused;
   * default 400 with `ResourceUUID`'s message.
   */
  badResourceId?: (originalId: string, reason: string) => TimeseriesError;
}

async function ensureResourceType(context: IngestContext): Promise<void> {
  const { store, resourceType, typeAttributes, user } = context;
  if (resourceType === 'generic' || (await store.getResourceType(resourceType)) !== undefined) return;
  if (typeAttributes === undefined) {
    throw new TimeseriesError(404, `Resource type ${resourceType} does not exist`);
  }
  if (!user.admin) throw new TimeseriesError(403, '');
  await store.createResourceType({ name: resourceType, state: 'active', attributes: typeAttributes });
}

/** The metrics of one resource after creating what is missing (call under the mutex). */
async function resourceMetrics(context: IngestContext, id: string, target: IngestTarget): Promise<Metric[]> {
  const { store, user, resourceType } = context;
  const defs = async (names: Iterable<string>): Promise<Parameters<typeof planResourceMetrics>[4]> => {
    const out: Parameters<typeof planResourceMetrics>[4] = [];
    for (const name of names) out.push({ name, def: await parseMetricDefinition(store, user, { name }) });
    return out;
  };
  const existing = await store.getResource(id);
  if (existing !== undefined && existing.type === resourceType) {
    if (!canAccess(user, existing.creator)) throw new TimeseriesError(403, '');
    const live = await liveMetrics(store, existing);
    const missing = [...target.metrics.keys()].filter((name) => ownValue(live, name) === undefined);
    const created =
      missing.length === 0
        ? []
        : await createResourceMetrics(store, user, id, await defs(missing), 'conflict');
    const metrics: Metric[] = [...created];
    for (const name of target.metrics.keys()) {
      const metricId = ownValue(live, name);
      const metric = metricId === undefined ? undefined : await store.getMetric(metricId);
      if (metric !== undefined) metrics.push(metric);
    }
    return metrics;
  }
  const planned = await defs(target.metrics.keys());
  if (existing !== undefined) {
    throw new TimeseriesError(409, { cause: 'Resource already exists', detail: id });
  }
  const type = await store.getResourceType(resourceType);
  const now = nowSeconds();
  const resource: Resource = {
    id,
    type: resourceType,
    original_resource_id: target.originalId,
    creator: user.id,
    created_by_user_id: user.id,
    created_by_project_id: '',
    user_id: null,
    project_id: null,
    started_at: now,
    ended_at: null,
    revision_start: now,
    revision_end: null,
    metrics: {},
    attributes: Object.fromEntries(
      Object.keys(type?.attributes ?? {}).map((k) => [k, ownValue(target.attributes, k) ?? null]),
    ),
  };
  const metrics = await planResourceMetrics(store, user, resource, resource.metrics, planned, 'conflict');
  await store.createResource(resource, metrics);
  return metrics;
}

/**
 * Finds or creates the resources and metrics of `targets` and adds their measures (nothing, not even the
 * resource type check, without targets). Errors: 404 or 403 for
 * the resource type (see {@link IngestContext.typeAttributes}), 400 for a resource name that cannot be an id
 * or a metric name no archive policy rule matches, 409 `{"cause": "Resource already exists", "detail": id}`
 * when the id belongs to a resource of another type, 403 for a resource or metric of another user.
 */
export async function ingestMeasures(
  context: IngestContext,
  targets: readonly IngestTarget[],
): Promise<void> {
  const { store, mutex, user } = context;
  if (targets.length === 0) return;
  const ids = targets.map((target) => {
    try {
      return resourceUuid(target.originalId, user.id);
    } catch (e) {
      const reason = e instanceof Error ? e.message : String(e);
      throw context.badResourceId?.(target.originalId, reason) ?? new TimeseriesError(400, reason);
    }
  });
  const batches = new Map<string, Measure[]>();
  await mutex.run(async () => {
    await ensureResourceType(context);
    for (const [index, target] of targets.entries()) {
      const metrics = await resourceMetrics(context, ids[index] as string, target);
      for (const metric of metrics) {
        if (!canAccess(user, metric.creator)) throw new TimeseriesError(403, '');
        const measures = target.metrics.get(metric.name ?? '');
        if (measures !== undefined) batches.set(metric.id, measures);
      }
    }
  });
  const nonEmpty: MeasureBatch[] = [...batches]
    .filter(([, measures]) => measures.length > 0)
    .map(([metricId, measures]) => ({ metricId, measures }));
  if (nonEmpty.length > 0) await store.addMeasures(nonEmpty);
}
