/**
 * `/v1/resource/<type>[/<id>[/metric[/<name>]]]`: resources of `generic` and custom types with attribute
 * validation, `metrics` created with the resource, ETag preconditions, batch delete by filter, and named
 * metric access. Ids that are not UUIDs become the caller's UUID5 (`original_resource_id` keeps the text).
 * The storage interface cannot re-attach or detach an existing metric, so a body that would move an
 * existing metric to or away from a resource is refused with 400.
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

/** Refuses metric ids that are not already the resource's metric under the same name. */
async function checkExistingMetrics(
  store: TimeseriesStore,
  resourceId: string | undefined,
  spec: MetricsSpec,
): Promise<void> {
  for (const [name, id] of Object.entries(spec.existing)) {
    const metric = await store.getMetric(id);
    if (metric === undefined) throw new TimeseriesError(400, `Metric ${id} does not exist`);
    if (resourceId === undefined || metric.resource_id !== resourceId || metric.name !== name) {
      throw new TimeseriesError(400, `Metric ${id} cannot be attached to a resource by this service`);
    }
  }
}

interface ResourceFields {
  started_at?: number;
  ended_at?: number | null;
  user_id?: string | null;
  project_id?: string | null;
  attributes: Record<string, unknown>;
  metrics?: unknown;
}

/** Validates the standard fields and the type's attributes of a create (all required) or PATCH body. */
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
  if (create) {
    if (!('id' in body)) throw invalidAt('required key not provided', ['id']);
    for (const [name, schema] of Object.entries(type.attributes)) {
      if (schema.required && !Object.hasOwn(body, name)) throw invalidAt('required key not provided', [name]);
    }
  }
  return fields;
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
    const rawId = body.id;
    if (typeof rawId !== 'string') throw invalidValue('expected str', ['id']);
    let id: string;
    try {
      id = resourceUuid(rawId, user.id);
    } catch (e) {
      throw invalidValue(e instanceof Error ? e.message : String(e), ['id']);
    }
    const spec =
      fields.metrics === undefined ? undefined : await parseMetricsSpec(store, user, fields.metrics);
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
      if (spec !== undefined) await checkExistingMetrics(store, undefined, spec);
      // The resource and its metrics in one store call: after a crash, both exist or neither.
      const metrics = spec?.create.length
        ? await planResourceMetrics(store, user, resource, resource.metrics, spec.create, 'conflict')
        : [];
      await store.createResource(resource, metrics);
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
    queryBool(query, 'history');
    const resources = await findResources(store, currentUser(request), type, undefined);
    return sendJson(reply, await sendResourcePage(store, request, reply, query, resources, type, details));
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
    return sendJson(reply, [
      await resourceWithMetrics(store, resource, await getResourceTypeOr404(store, typeName)),
    ]);
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
      const live = await liveMetrics(store, resource);
      if (spec !== undefined) {
        await checkExistingMetrics(store, resource.id, spec);
        const kept = new Set([...Object.keys(spec.existing), ...spec.create.map((c) => c.name)]);
        const dropped = Object.keys(live).filter((name) => !kept.has(name));
        if (dropped.length > 0) {
          throw new TimeseriesError(
            400,
            `Metric ${dropped.join(', ')} cannot be detached from a resource by this service`,
          );
        }
        const clashing = spec.create.find((c) => Object.hasOwn(live, c.name));
        if (clashing !== undefined)
          throw new TimeseriesError(409, `Named metric ${clashing.name} already exists`);
      }
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
      const next: Resource = { ...resource, ...changed, attributes, metrics: live };
      const newEnd = next.ended_at;
      if (newEnd !== null && newEnd < next.started_at) {
        throw new TimeseriesError(400, 'Start timestamp cannot be after end timestamp');
      }
      if (Object.keys(changed).length > 0 || attributesChanged) next.revision_start = nowSeconds();
      await store.updateResource(next);
      if (spec !== undefined && spec.create.length > 0) {
        await createResourceMetrics(store, user, next.id, spec.create, 'conflict');
      }
      return (await store.getResource(next.id)) ?? next;
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
      await checkExistingMetrics(store, resource.id, spec);
      return createResourceMetrics(store, user, resource.id, spec.create, 'conflict');
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
