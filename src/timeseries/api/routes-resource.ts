/**
 * `/v1/resource/<type>[/<id>[/metric[/<name>]]]`: resources of `generic` and custom types with attribute
 * validation, `metrics` created with the resource, ETag preconditions, batch delete by filter, and named
 * metric access, and past revisions (`/history`, `?history=true`). Ids that are not UUIDs become the caller's
 * UUID5 (`original_resource_id` keeps the text). `metrics` in a body is the resource's whole metric map, as
 * in Gnocchi: metrics it no longer names are detached (they stay, without a resource), ids of existing
 * metrics of the resource's creator are attached under their new names, definitions create metrics.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Mutex } from '../../support/mutex.js';
import { TimeseriesError } from '../errors.js';
import type { Metric, Resource, ResourceType } from '../model.js';
import { ownValue, setOwnValue } from '../own-property.js';
import type { TimeseriesStore } from '../store.js';
import { currentUser, type ApiUser } from './auth.js';
import { baseUrl, readJson, sendJson, sendNoContent, setLocation } from './http.js';
import { parseUuid, resourceUuid } from './ids.js';
import {
  createResourceMetrics,
  deleteMetric,
  getNamedMetric,
  getResourceFromPath,
  liveMetrics,
  planResourceMetrics,
  metricDetailJson,
  metricListJson,
  parseMetricDefinition,
  type MetricDefinition,
} from './metrics.js';
import { queryBool, queryOf } from './params.js';
import { filterFromRequest, findResources, requireFilter, sendResourcePage } from './resource-query.js';
import {
  getResourceTypeOr404,
  parseAttributeValue,
  parseDatetimeField,
  resourceEtag,
  resourceJson,
  GENERIC_TYPE,
  nowSeconds,
} from './resources.js';
import type { ApiRouter } from './routing.js';
import {
  expectObject,
  invalidAt,
  invalidValue,
  nullableStringField,
  type BodyPath,
  type JsonObject,
} from './validate.js';

/** The `metrics` of a resource body: new metric definitions, or ids of metrics it already holds. */
interface MetricsSpec {
  create: { name: string; def: MetricDefinition }[];
  existing: Record<string, string>;
}

async function parseMetricsSpec(store: TimeseriesStore, user: ApiUser, value: unknown): Promise<MetricsSpec> {
  const body = expectObject(value, ['metrics']);
  const spec: MetricsSpec = { create: [], existing: {} };
  for (const [name, def] of Object.entries(body)) {
    const path: BodyPath = ['metrics', name];
    if (typeof def === 'string') {
      const id = parseUuid(def);
      if (id === undefined) throw invalidValue('not a valid value', path);
      setOwnValue(spec.existing, name, id);
    } else {
      const parsed = await parseMetricDefinition(store, user, { ...expectObject(def, path), name }, path);
      spec.create.push({ name, def: parsed });
    }
  }
  return spec;
}

/**
 * The metrics a body names by id, checked like Gnocchi's `_set_metrics_for_resource`: each must exist and
 * be of the resource's creator (400 `Metric <id> does not exist` otherwise).
 */
async function existingMetrics(
  store: TimeseriesStore,
  creator: string,
  spec: MetricsSpec,
): Promise<Metric[]> {
  const out: Metric[] = [];
  for (const id of Object.values(spec.existing)) {
    const metric = await store.getMetric(id);
    if (metric === undefined || metric.creator !== creator)
      throw new TimeseriesError(400, `Metric ${id} does not exist`);
    out.push(metric);
  }
  return out;
}

/**
 * Gives `resource` exactly the metrics of `spec` (call under the API mutex, after the resource is stored):
 * its other metrics are detached, the named existing ones attached under their names, and the definitions
 * created; the resource's `metrics` map is stored without a new revision. Returns the stored resource.
 */
async function setResourceMetrics(
  store: TimeseriesStore,
  user: ApiUser,
  resource: Resource,
  spec: MetricsSpec,
): Promise<Resource> {
  const attach = await existingMetrics(store, resource.creator, spec);
  const map: Record<string, string> = {};
  const planned = await planResourceMetrics(store, user, resource, map, spec.create, 'conflict');
  const live = await liveMetrics(store, resource);
  const keep = new Set(Object.values(spec.existing));
  for (const id of Object.values(live)) {
    if (keep.has(id)) continue;
    const metric = await store.getMetric(id);
    if (metric !== undefined) await store.updateMetric({ ...metric, resource_id: null });
  }
  for (const [name, id] of Object.entries(spec.existing)) {
    const metric = attach.find((m) => m.id === id);
    if (metric !== undefined) await store.updateMetric({ ...metric, name, resource_id: resource.id });
    setOwnValue(map, name, id);
  }
  for (const metric of planned) await store.createMetric(metric);
  const next: Resource = { ...resource, metrics: map };
  await store.updateResource(next);
  return next;
}

interface ResourceFields {
  started_at?: number;
  ended_at?: number | null;
  user_id?: string | null;
  project_id?: string | null;
  attributes: Record<string, unknown>;
  metrics?: unknown;
}

/** Validates the standard fields and the type's attributes of a create or PATCH body. */
function parseResourceFields(type: ResourceType, body: JsonObject, create: boolean): ResourceFields {
  const fields: ResourceFields = { attributes: {} };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'id' && create) continue;
    if (key === 'started_at') fields.started_at = parseDatetimeField(value, [key]);
    else if (key === 'ended_at') fields.ended_at = value === null ? null : parseDatetimeField(value, [key]);
    else if (key === 'user_id') fields.user_id = nullableStringField(body, key);
    else if (key === 'project_id') fields.project_id = nullableStringField(body, key);
    else if (key === 'metrics') fields.metrics = value;
    else {
      const schema = ownValue(type.attributes, key);
      if (schema === undefined) throw invalidAt('extra keys not allowed', [key]);
      setOwnValue(
        fields.attributes,
        key,
        value === null && !schema.required ? null : parseAttributeValue(schema, value, [key]),
      );
    }
  }
  return fields;
}

/** The keys a create body must have: `id` and the type's required attributes. */
function checkRequiredFields(type: ResourceType, body: JsonObject): void {
  if (!('id' in body)) throw invalidAt('required key not provided', ['id']);
  for (const [name, schema] of Object.entries(type.attributes)) {
    if (schema.required && !Object.hasOwn(body, name)) throw invalidAt('required key not provided', [name]);
  }
}

function httpDate(seconds: number): string {
  return new Date(Math.floor(seconds) * 1000).toUTCString();
}

function setEtag(reply: FastifyReply, resource: Resource): void {
  reply.header('ETag', `"${resourceEtag(resource)}"`);
  reply.header('Last-Modified', httpDate(resource.revision_start));
}

function etagList(header: string | undefined): string[] | undefined {
  if (header === undefined) return undefined;
  return header.split(',').map((t) => t.trim().replace(/^W\//, '').replace(/^"|"$/g, ''));
}

/** Gnocchi's `etag_precondition_check`: If-Match / If-None-Match / If-(Un)Modified-Since → 412 / 304. */
function checkPreconditions(request: FastifyRequest, resource: Resource): void {
  const etag = resourceEtag(resource);
  const modified = Math.floor(resource.revision_start);
  const ifMatch = etagList(request.headers['if-match']);
  if (ifMatch !== undefined && !ifMatch.includes('*') && !ifMatch.includes(etag))
    throw new TimeseriesError(412, '');
  const unmodifiedSince = request.headers['if-unmodified-since'];
  if (ifMatch === undefined && unmodifiedSince !== undefined) {
    const since = Date.parse(unmodifiedSince) / 1000;
    if (Number.isFinite(since) && since < modified) throw new TimeseriesError(412, '');
  }
  const read = request.method === 'GET' || request.method === 'HEAD';
  const ifNoneMatch = etagList(request.headers['if-none-match']);
  if (ifNoneMatch !== undefined && (ifNoneMatch.includes('*') || ifNoneMatch.includes(etag))) {
    throw new TimeseriesError(read ? 304 : 412, '');
  }
  const modifiedSince = request.headers['if-modified-since'];
  if (ifNoneMatch === undefined && modifiedSince !== undefined && read) {
    const since = Date.parse(modifiedSince) / 1000;
    if (Number.isFinite(since) && since >= modified) throw new TimeseriesError(304, '');
  }
}

async function resourceWithMetrics(
  store: TimeseriesStore,
  resource: Resource,
  type: ResourceType,
): Promise<JsonObject> {
  return resourceJson(resource, { type, metrics: await liveMetrics(store, resource) });
}

/** Registers the resource routes; `mutex` serializes resource/metric map changes. */
export function registerResourceRoutes(router: ApiRouter, mutex: Mutex): void {
  const { store } = router;

  router.route('GET', '/v1/resource', async (request, reply) => {
    const base = `${baseUrl(request)}/v1/resource/`;
    const types = await store.listResourceTypes();
    const all = types.some((t) => t.name === 'generic') ? types : [GENERIC_TYPE, ...types];
    return sendJson(reply, Object.fromEntries(all.map((t) => [t.name, `${base}${t.name}`])));
  });

  router.route('POST', '/v1/resource/:type', async (request, reply) => {
    const { type: typeName } = request.params as { type: string };
    const type = await getResourceTypeOr404(store, typeName);
    const user = currentUser(request);
    const body = expectObject(readJson(request));
    const fields = parseResourceFields(type, body, true);
    // Metric definitions are checked before the required keys, as Gnocchi's schema does.
    const spec =
      fields.metrics === undefined ? undefined : await parseMetricsSpec(store, user, fields.metrics);
    checkRequiredFields(type, body);
    const rawId = body.id;
    if (typeof rawId !== 'string') throw invalidValue('expected str', ['id']);
    let id: string;
    try {
      id = resourceUuid(rawId, user.id);
    } catch (e) {
      throw invalidValue(e instanceof Error ? e.message : String(e), ['id']);
    }
    const now = nowSeconds();
    const resource: Resource = {
      id,
      type: type.name,
      original_resource_id: rawId,
      creator: user.id,
      created_by_user_id: user.id,
      created_by_project_id: '',
      user_id: fields.user_id ?? null,
      project_id: fields.project_id ?? null,
      started_at: fields.started_at ?? now,
      ended_at: fields.ended_at ?? null,
      revision_start: now,
      revision_end: null,
      metrics: {},
      attributes: Object.fromEntries(
        Object.keys(type.attributes).map((k) => [k, ownValue(fields.attributes, k) ?? null]),
      ),
    };
    if (resource.ended_at !== null && resource.ended_at < resource.started_at) {
      throw new TimeseriesError(400, 'Start timestamp cannot be after end timestamp');
    }
    const created = await mutex.run(async () => {
      if ((await store.getResource(id)) !== undefined)
        throw new TimeseriesError(409, `Resource ${id} already exists`);
      const attach = spec === undefined ? [] : await existingMetrics(store, resource.creator, spec);
      // The resource and its new metrics in one store call: after a crash, both exist or neither.
      const metrics = spec?.create.length
        ? await planResourceMetrics(store, user, resource, resource.metrics, spec.create, 'conflict')
        : [];
      await store.createResource(resource, metrics);
      if (attach.length > 0 && spec !== undefined) {
        await setResourceMetrics(store, user, (await store.getResource(id)) ?? resource, {
          create: [],
          existing: { ...spec.existing, ...resource.metrics },
        });
      }
      return (await store.getResource(id)) ?? resource;
    });
    setLocation(request, reply, `/v1/resource/${type.name}/${id}`);
    setEtag(reply, created);
    return sendJson(reply, await resourceWithMetrics(store, created, type), 201);
  });

  router.route('GET', '/v1/resource/:type', async (request, reply) => {
    const { type: typeName } = request.params as { type: string };
    const type = await getResourceTypeOr404(store, typeName);
    const query = queryOf(request);
    const details = queryBool(query, 'details');
    const history = queryBool(query, 'history');
    const resources = await findResources(store, currentUser(request), type, undefined, history);
    return sendJson(
      reply,
      await sendResourcePage(store, request, reply, query, resources, type, details, history),
    );
  });

  router.route('DELETE', '/v1/resource/:type', async (request, reply) => {
    const { type: typeName } = request.params as { type: string };
    const type = await getResourceTypeOr404(store, typeName);
    const user = currentUser(request);
    const filter = requireFilter(filterFromRequest(request, queryOf(request), user));
    const resources = await findResources(store, user, type, filter);
    await mutex.run(async () => {
      for (const r of resources) await store.deleteResource(r.id);
    });
    return sendJson(reply, { deleted: resources.length });
  });

  router.route('GET', '/v1/resource/:type/:id', async (request, reply) => {
    const { type: typeName, id } = request.params as { type: string; id: string };
    const resource = await getResourceFromPath(store, request, typeName, id);
    checkPreconditions(request, resource);
    setEtag(reply, resource);
    return sendJson(
      reply,
      await resourceWithMetrics(store, resource, await getResourceTypeOr404(store, typeName)),
    );
  });

  router.route('GET', '/v1/resource/:type/:id/history', async (request, reply) => {
    const { type: typeName, id } = request.params as { type: string; id: string };
    const resource = await getResourceFromPath(store, request, typeName, id);
    const type = await getResourceTypeOr404(store, typeName);
    const query = queryOf(request);
    const details = queryBool(query, 'details');
    const all = [resource, ...(await store.listResourceHistory(resource.type, resource.id))];
    return sendJson(reply, await sendResourcePage(store, request, reply, query, all, type, details, true));
  });

  router.route('PATCH', '/v1/resource/:type/:id', async (request, reply) => {
    const { type: typeName, id } = request.params as { type: string; id: string };
    const type = await getResourceTypeOr404(store, typeName);
    const user = currentUser(request);
    const current = await getResourceFromPath(store, request, typeName, id);
    checkPreconditions(request, current);
    const body = expectObject(readJson(request));
    const fields = parseResourceFields(type, body, false);
    const spec =
      fields.metrics === undefined ? undefined : await parseMetricsSpec(store, user, fields.metrics);
    const updated = await mutex.run(async () => {
      const resource = (await store.getResource(current.id)) ?? current;
      const changed: Partial<Resource> = {};
      if (fields.started_at !== undefined && fields.started_at !== resource.started_at)
        changed.started_at = fields.started_at;
      if (fields.ended_at !== undefined && fields.ended_at !== resource.ended_at)
        changed.ended_at = fields.ended_at;
      if (fields.user_id !== undefined && fields.user_id !== resource.user_id)
        changed.user_id = fields.user_id;
      if (fields.project_id !== undefined && fields.project_id !== resource.project_id)
        changed.project_id = fields.project_id;
      const attributes = { ...resource.attributes };
      let attributesChanged = false;
      for (const [key, value] of Object.entries(fields.attributes)) {
        if (ownValue(attributes, key) !== value) {
          setOwnValue(attributes, key, value);
          attributesChanged = true;
        }
      }
      const newRevision = Object.keys(changed).length > 0 || attributesChanged;
      // Nothing but metrics (or nothing) changes: no new revision (Gnocchi's create_revision=False).
      if (!newRevision && spec === undefined) return resource;
      const next: Resource = { ...resource, ...changed, attributes };
      const newEnd = next.ended_at;
      if (newEnd !== null && newEnd < next.started_at) {
        throw new TimeseriesError(400, 'Start timestamp cannot be after end timestamp');
      }
      if (spec !== undefined) {
        // Checked before anything is stored: unknown metrics or policies change nothing.
        await existingMetrics(store, resource.creator, spec);
        await planResourceMetrics(store, user, next, {}, spec.create, 'conflict');
      }
      if (newRevision) {
        next.revision_start = nowSeconds();
        await store.updateResource(next, { newRevision: true });
      }
      return spec === undefined ? next : await setResourceMetrics(store, user, next, spec);
    });
    setEtag(reply, updated);
    return sendJson(reply, await resourceWithMetrics(store, updated, type));
  });

  router.route(
    'DELETE',
    '/v1/resource/:type/:id',
    async (request, reply) => {
      const { type: typeName, id } = request.params as { type: string; id: string };
      const resource = await getResourceFromPath(store, request, typeName, id);
      checkPreconditions(request, resource);
      await mutex.run(() => store.deleteResource(resource.id));
      return sendNoContent(reply);
    },
    { noBody: true },
  );

  router.route('GET', '/v1/resource/:type/:id/metric', async (request, reply) => {
    const { type: typeName, id } = request.params as { type: string; id: string };
    const resource = await getResourceFromPath(store, request, typeName, id);
    const metrics = await namedMetrics(store, resource);
    const body = [];
    for (const m of metrics) body.push(await metricListJson(store, m));
    return sendJson(reply, body);
  });

  router.route('POST', '/v1/resource/:type/:id/metric', async (request, reply) => {
    const { type: typeName, id } = request.params as { type: string; id: string };
    const user = currentUser(request);
    const resource = await getResourceFromPath(store, request, typeName, id);
    const spec = await parseMetricsSpec(store, user, readJson(request));
    if (resource.ended_at !== null && resource.ended_at < resource.started_at) {
      throw new TimeseriesError(400, 'Start timestamp cannot be after end timestamp');
    }
    const created = await mutex.run(async () => {
      const live = await liveMetrics(store, (await store.getResource(resource.id)) ?? resource);
      const attach = await existingMetrics(store, resource.creator, spec);
      const made = await createResourceMetrics(store, user, resource.id, spec.create, 'conflict');
      if (attach.length > 0) {
        const fresh = (await store.getResource(resource.id)) ?? resource;
        const all = { ...live, ...Object.fromEntries(made.map((m) => [m.name ?? '', m.id])) };
        await setResourceMetrics(store, user, fresh, { create: [], existing: { ...all, ...spec.existing } });
      }
      return made;
    });
    const fresh = (await store.getResource(resource.id)) ?? resource;
    const others = (await namedMetrics(store, fresh)).filter((m) => !created.some((c) => c.id === m.id));
    const body = [];
    for (const m of [...created, ...others]) body.push(await metricListJson(store, m));
    return sendJson(reply, body);
  });

  router.route('GET', '/v1/resource/:type/:id/metric/:name', async (request, reply) => {
    const { type: typeName, id, name } = request.params as { type: string; id: string; name: string };
    const resource = await getResourceFromPath(store, request, typeName, id);
    return sendJson(reply, await metricDetailJson(store, await getNamedMetric(store, resource, name)));
  });

  router.route(
    'DELETE',
    '/v1/resource/:type/:id/metric/:name',
    async (request, reply) => {
      const { type: typeName, id, name } = request.params as { type: string; id: string; name: string };
      const resource = await getResourceFromPath(store, request, typeName, id);
      const metric = await getNamedMetric(store, resource, name);
      await mutex.run(() => deleteMetric(store, metric));
      return sendNoContent(reply);
    },
    { noBody: true },
  );
}

/** The metrics of a resource, in name order. */
async function namedMetrics(store: TimeseriesStore, resource: Resource): Promise<Metric[]> {
  const out: Metric[] = [];
  const live = await liveMetrics(store, resource);
  for (const id of Object.values(live)) {
    const metric = await store.getMetric(id);
    if (metric !== undefined) out.push(metric);
  }
  return out.sort((a, b) => ((a.name ?? '') < (b.name ?? '') ? -1 : 1));
}
