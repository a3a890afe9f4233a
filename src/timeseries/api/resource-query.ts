/**
 * Finding and listing resources: the caller's visible resources of a type matching a search filter,
 * sorted and paginated like Gnocchi (default `revision_start:asc, started_at:asc`), and their JSON.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Resource, ResourceType } from '../model.js';
import type { TimeseriesStore } from '../store.js';
import { TimeseriesError } from '../errors.js';
import { apiSettings } from './api-settings.js';
import { canAccess, type ApiUser } from './auth.js';
import { hasBody, readJson } from './http.js';
import { liveMetrics } from './metrics.js';
import { paginate, parsePagination, setNextLink, type SortKey } from './pagination.js';
import { queryList, queryParam, type Query } from './params.js';
import { castFilterValue, resourceField, resourceJson } from './resources.js';
import { compileFilter, parseFilterString, validateFilter, type Filter } from './search-filter.js';
import type { JsonObject } from './validate.js';

/** Gnocchi's default resource sort. */
export const RESOURCE_DEFAULT_SORTS = ['revision_start:asc', 'started_at:asc'];

/**
 * The filter of a search or batch delete: the JSON body if there is one, else `?filter=` (string form),
 * else undefined. Ids in it are mapped to the caller's resource UUIDs.
 */
export function filterFromRequest(request: FastifyRequest, query: Query, user: ApiUser): Filter | undefined {
  if (hasBody(request)) return validateFilter(readJson(request), user.id);
  const text = queryParam(query, 'filter');
  if (text !== undefined && text !== '') return validateFilter(parseFilterString(text), user.id);
  return undefined;
}

/**
 * The caller's resources of `type` (all types for `generic`) matching `filter`; with `history`, their past
 * revisions matching it too (Gnocchi's `history=true`).
 */
export async function findResources(
  store: TimeseriesStore,
  user: ApiUser,
  type: ResourceType,
  filter: Filter | undefined,
  history = false,
): Promise<Resource[]> {
  const matches = compileFilter<Resource>(
    filter,
    type.name,
    (name) => resourceField(type, name),
    (kind, value) => castFilterValue(kind, value as string | number | boolean),
  );
  const all = await store.listResources(type.name);
  if (history) all.push(...(await store.listResourceHistory(type.name)));
  return all.filter(
    (r) => (type.name === 'generic' || r.type === type.name) && canAccess(user, r.creator) && matches(r),
  );
}

/** The JSON of listed resources: attributes of the listed type, or of each resource's own type with details. */
export async function resourcesJson(
  store: TimeseriesStore,
  resources: Resource[],
  type: ResourceType,
  details: boolean,
): Promise<JsonObject[]> {
  const types = new Map<string, ResourceType | undefined>([[type.name, type]]);
  const out: JsonObject[] = [];
  const current = new Map<string, Resource | undefined>();
  for (const r of resources) {
    let shown: ResourceType | undefined = type;
    if (type.name === 'generic') {
      if (!details) shown = undefined;
      else {
        if (!types.has(r.type)) types.set(r.type, await store.getResourceType(r.type));
        shown = types.get(r.type);
      }
    }
    // A past revision shows the metrics the resource has now, as Gnocchi's history rows do.
    let owner: Resource | undefined = r;
    if (r.revision !== undefined) {
      if (!current.has(r.id)) current.set(r.id, await store.getResource(r.id));
      owner = current.get(r.id);
    }
    const metrics = owner === undefined ? {} : await liveMetrics(store, owner);
    out.push(resourceJson(r, { ...(shown ? { type: shown } : {}), metrics }));
  }
  return out;
}

/** A listed resource's marker: its id, and with history `<id>@<revision>` (-1 for the current revision). */
export function resourceMarker(resource: Resource, history: boolean): string {
  return history ? `${resource.id}@${resource.revision ?? -1}` : resource.id;
}

/**
 * Sorts, paginates (setting the Link header) and renders a resource list; with `attrs` (repeatable) in the
 * query, each resource has only those of its fields (unknown names are ignored), as in Gnocchi. With
 * `history` (the list holds past revisions), ties are broken by id then revision and markers are
 * `<id>@<revision>`.
 */
export async function sendResourcePage(
  store: TimeseriesStore,
  request: FastifyRequest,
  reply: FastifyReply,
  query: Query,
  resources: Resource[],
  type: ResourceType,
  details: boolean,
  history = false,
): Promise<JsonObject[]> {
  const page = parsePagination(query, RESOURCE_DEFAULT_SORTS, apiSettings(request).maxLimit);
  const tieBreak = history ? [ascending('id'), ascending(REVISION_KEY)] : [];
  const items = paginate(
    resources,
    { ...page, sorts: [...page.sorts, ...tieBreak] },
    (r) => resourceMarker(r, history),
    (r, key) => (key === REVISION_KEY ? (r.revision ?? -1) : resourceField(type, key)?.get(r)),
    (key) => key === REVISION_KEY || resourceField(type, key) !== undefined,
  );
  const last = items.at(-1);
  setNextLink(request, reply, query, page, items.length, last && resourceMarker(last, history));
  const rendered = await resourcesJson(store, items, type, details);
  const attrs = new Set(queryList(query, 'attrs'));
  if (attrs.size === 0) return rendered;
  return rendered.map((r) => Object.fromEntries(Object.entries(r).filter(([key]) => attrs.has(key))));
}

/** The tie-break key of history lists (not a field a client can sort by: its name has a space). */
const REVISION_KEY = 'revision number';

function ascending(key: string): SortKey {
  return { key, desc: false, nullsFirst: false };
}

/** Whether a JSON filter is empty (batch delete refuses it). */
export function requireFilter(filter: Filter | undefined): Filter {
  if (filter === undefined) {
    throw new TimeseriesError(
      400,
      'caution: the query can not be empty, or it will                   delete entire database',
    );
  }
  return filter;
}
