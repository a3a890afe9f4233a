/**
 * Metrics as the API creates, finds and shows them: Gnocchi's `MetricSchema` (policy from the body or
 * from the archive policy rules, `/` refused in names, unit ≤ 31 characters), named metrics kept in their
 * resource's `metrics` map, ownership checks, and the three JSON forms (create, list, show).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { archivePolicyToJson } from '../archive-policy.js';
import { TimeseriesError } from '../errors.js';
import type { Metric, Resource } from '../model.js';
import { ownValue, setOwnValue } from '../own-property.js';
import type { TimeseriesStore } from '../store.js';
import { policyForMetricName } from './archive-policy-rules.js';
import { canAccess, currentUser, type ApiUser } from './auth.js';
import { parseUuid, resourceUuid } from './ids.js';
import { getResourceTypeOr404, resourceJson } from './resources.js';
import {
  checkKeys,
  expectObject,
  invalidValue,
  stringField,
  type BodyPath,
  type JsonObject,
} from './validate.js';

/** The JSON returned by `POST /v1/metric`. */
export function metricJson(metric: Metric): JsonObject {
  return {
    id: metric.id,
    creator: metric.creator,
    name: metric.name,
    unit: metric.unit,
    resource_id: metric.resource_id,
    archive_policy_name: metric.archive_policy_name,
    created_by_user_id: metric.created_by_user_id,
    created_by_project_id: metric.created_by_project_id,
  };
}

/** The JSON of a metric in lists (`archive_policy` expanded, `resource_id`). */
export async function metricListJson(store: TimeseriesStore, metric: Metric): Promise<JsonObject> {
  const policy = await store.getArchivePolicy(metric.archive_policy_name);
  return {
    id: metric.id,
    creator: metric.creator,
    name: metric.name,
    unit: metric.unit,
    resource_id: metric.resource_id,
    archive_policy: policy === undefined ? null : archivePolicyToJson(policy),
    created_by_user_id: metric.created_by_user_id,
    created_by_project_id: metric.created_by_project_id,
  };
}

/** The live metric map of a resource (names whose metric still exists). */
export async function liveMetrics(
  store: TimeseriesStore,
  resource: Resource,
): Promise<Record<string, string>> {
  return liveMetricsOf(resource, await store.getMetrics(Object.values(resource.metrics)));
}

/** The live metric map of a resource, its metrics looked up already (`found`: by id, those that exist). */
export function liveMetricsOf(
  resource: Resource,
  found: ReadonlyMap<string, Metric>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, id] of Object.entries(resource.metrics)) {
    if (found.get(id)?.resource_id === resource.id) setOwnValue(out, name, id);
  }
  return out;
}

/** The JSON of `GET /v1/metric/<id>`: `resource` and `archive_policy` expanded. */
export async function metricDetailJson(store: TimeseriesStore, metric: Metric): Promise<JsonObject> {
  const policy = await store.getArchivePolicy(metric.archive_policy_name);
  let resource: JsonObject | null = null;
  if (metric.resource_id !== null) {
    const r = await store.getResource(metric.resource_id);
    if (r !== undefined) resource = resourceJson(r, { metrics: await liveMetrics(store, r) });
  }
  return {
    id: metric.id,
    creator: metric.creator,
    name: metric.name,
    unit: metric.unit,
    resource,
    archive_policy: policy === undefined ? null : archivePolicyToJson(policy),
    created_by_user_id: metric.created_by_user_id,
    created_by_project_id: metric.created_by_project_id,
  };
}

/** A metric by id; 404 "Metric <id> does not exist" for unknown or non-UUID ids. */
export async function getMetricOr404(store: TimeseriesStore, id: string): Promise<Metric> {
  const uuid = parseUuid(id);
  const metric = uuid === undefined ? undefined : await store.getMetric(uuid);
  if (metric === undefined) throw new TimeseriesError(404, `Metric ${id} does not exist`);
  return metric;
}

/** A metric the caller may use: 404 if missing, 403 if created by someone else. */
export async function getAccessibleMetric(
  store: TimeseriesStore,
  request: FastifyRequest,
  id: string,
): Promise<Metric> {
  const metric = await getMetricOr404(store, id);
  if (!canAccess(currentUser(request), metric.creator)) throw new TimeseriesError(403, '');
  return metric;
}

/** A validated metric definition (`MetricSchema`). */
export interface MetricDefinition {
  name: string | null;
  unit: string | null;
  archive_policy_name: string;
  /** `[original id, resource UUID]` when attached to a resource. */
  resource?: [string, string];
}

/**
 * Validates a metric definition like Gnocchi's `MetricSchema`: keys `archive_policy_name`, `name`, `unit`
 * (≤ 31 characters) and `resource_id`; the policy comes from the rules when absent (400 "No archive
 * policy name specified and no archive policy rule found matching the metric name <name>").
 */
export async function parseMetricDefinition(
  store: TimeseriesStore,
  user: ApiUser,
  value: unknown,
  path: BodyPath = [],
): Promise<MetricDefinition> {
  const body = expectObject(value, path);
  checkKeys(body, ['archive_policy_name', 'name', 'unit', 'resource_id'], [], path);
  const policyName = stringField(body, 'archive_policy_name', path);
  const name = stringField(body, 'name', path) ?? null;
  const unitValue = body.unit;
  let unit: string | null = null;
  if (unitValue !== undefined && unitValue !== null) {
    if (typeof unitValue !== 'string') throw invalidValue('expected str', [...path, 'unit']);
    if ([...unitValue].length > 31)
      throw invalidValue('length of value must be at most 31', [...path, 'unit']);
    unit = unitValue;
  }
  let resource: [string, string] | undefined;
  const rid = body.resource_id;
  if (rid !== undefined && rid !== null) {
    if (typeof rid !== 'string') throw invalidValue('expected str', [...path, 'resource_id']);
    try {
      resource = [rid, resourceUuid(rid, user.id)];
    } catch (e) {
      throw invalidValue(e instanceof Error ? e.message : String(e), [...path, 'resource_id']);
    }
  }
  if (name !== null && name.includes('/'))
    throw new TimeseriesError(400, "'/' is not supported in metric name");
  let archivePolicyName = policyName;
  if (archivePolicyName === undefined) {
    archivePolicyName = await policyForMetricName(store, name);
    if (archivePolicyName === undefined) {
      throw new TimeseriesError(
        400,
        `No archive policy name specified and no archive policy rule found matching the metric name ${name ?? 'None'}`,
      );
    }
  }
  if (resource !== undefined && name === null) {
    throw new TimeseriesError(400, {
      cause: 'Attribute value error',
      detail: 'name',
      reason: 'Name cannot be null if resource_id is not null',
    });
  }
  return { name, unit, archive_policy_name: archivePolicyName, ...(resource ? { resource } : {}) };
}

/** Creates a free-standing metric (400 "Archive policy <x> does not exist" from the store). */
export async function createMetric(
  store: TimeseriesStore,
  user: ApiUser,
  def: MetricDefinition,
): Promise<Metric> {
  const metric: Metric = {
    id: randomUUID(),
    name: def.name,
    unit: def.unit,
    creator: user.id,
    created_by_user_id: user.id,
    created_by_project_id: '',
    resource_id: null,
    archive_policy_name: def.archive_policy_name,
  };
  if ((await store.getArchivePolicy(def.archive_policy_name)) === undefined) {
    throw new TimeseriesError(400, `Archive policy ${def.archive_policy_name} does not exist`);
  }
  await store.createMetric(metric);
  return metric;
}

/** How a duplicate metric name on a resource is reported (400 via /v1/metric, 409 via the resource). */
export type DuplicateStyle = 'conflict' | 'bad-request';

function duplicateError(name: string, style: DuplicateStyle): TimeseriesError {
  return style === 'conflict'
    ? new TimeseriesError(409, `Named metric ${name} already exists`)
    : new TimeseriesError(400, { cause: 'Named metric already exists', detail: name });
}

/**
 * Creates named metrics on a resource and records them in its `metrics` map (all or nothing for the
 * name checks; call under the API mutex). Returns the created metrics in the given order.
 */
export async function createResourceMetrics(
  store: TimeseriesStore,
  user: ApiUser,
  resourceId: string,
  defs: { name: string; def: MetricDefinition }[],
  style: DuplicateStyle,
): Promise<Metric[]> {
  const resource = await store.getResource(resourceId);
  if (resource === undefined) throw new TimeseriesError(404, `Resource ${resourceId} does not exist`);
  const live = await liveMetrics(store, resource);
  const created = await planResourceMetrics(store, user, resource, live, defs, style);
  for (const metric of created) await store.createMetric(metric);
  await store.updateResource({ ...resource, metrics: live });
  return created;
}

/**
 * Checks and builds the named metrics of a resource without creating them, adding them to `live` (its
 * metric map): for `createResource(resource, metrics)`, which creates a new resource and its metrics
 * all or nothing.
 */
export async function planResourceMetrics(
  store: TimeseriesStore,
  user: ApiUser,
  resource: Resource,
  live: Record<string, string>,
  defs: { name: string; def: MetricDefinition }[],
  style: DuplicateStyle,
): Promise<Metric[]> {
  const seen = new Set<string>();
  for (const { name, def } of defs) {
    if (Object.hasOwn(live, name) || seen.has(name)) throw duplicateError(name, style);
    seen.add(name);
    if ((await store.getArchivePolicy(def.archive_policy_name)) === undefined) {
      throw new TimeseriesError(400, `Archive policy ${def.archive_policy_name} does not exist`);
    }
  }
  const created: Metric[] = [];
  for (const { name, def } of defs) {
    const metric: Metric = {
      id: randomUUID(),
      name,
      unit: def.unit,
      creator: user.id,
      created_by_user_id: user.id,
      created_by_project_id: '',
      resource_id: resource.id,
      archive_policy_name: def.archive_policy_name,
    };
    setOwnValue(live, name, metric.id);
    created.push(metric);
  }
  return created;
}

/** Deletes a metric and drops it from its resource's `metrics` map (call under the API mutex). */
export async function deleteMetric(store: TimeseriesStore, metric: Metric): Promise<void> {
  await store.deleteMetric(metric.id);
  if (metric.resource_id === null) return;
  const resource = await store.getResource(metric.resource_id);
  if (resource === undefined) return;
  const metrics = Object.fromEntries(Object.entries(resource.metrics).filter(([, id]) => id !== metric.id));
  await store.updateResource({ ...resource, metrics });
}

/**
 * The resource addressed by `/v1/resource/<type>/<id>`: the type must exist (404), the id is mapped to
 * the caller's UUID (404 "Resource <id> does not exist" if it cannot be), the resource must exist and be of
 * that type (generic matches all), and the caller must own it (403).
 */
export async function getResourceFromPath(
  store: TimeseriesStore,
  request: FastifyRequest,
  typeName: string,
  rawId: string,
): Promise<Resource> {
  await getResourceTypeOr404(store, typeName);
  const user = currentUser(request);
  let id: string;
  try {
    id = resourceUuid(rawId, user.id);
  } catch {
    throw new TimeseriesError(404, `Resource ${rawId} does not exist`);
  }
  const resource = await store.getResource(id);
  if (resource === undefined || (typeName !== 'generic' && resource.type !== typeName)) {
    throw new TimeseriesError(404, `Resource ${id} does not exist`);
  }
  if (!canAccess(user, resource.creator)) throw new TimeseriesError(403, '');
  return resource;
}

/** The metric `name` of a resource: 404 "Metric <name> does not exist" if it has none. */
export async function getNamedMetric(
  store: TimeseriesStore,
  resource: Resource,
  name: string,
): Promise<Metric> {
  const id = ownValue(resource.metrics, name);
  const metric = id === undefined ? undefined : await store.getMetric(id);
  if (metric === undefined || metric.resource_id !== resource.id) {
    throw new TimeseriesError(404, `Metric ${name} does not exist`);
  }
  return metric;
}
