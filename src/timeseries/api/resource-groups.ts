/**
 * Gnocchi's `groupby` over searched resources (`/v1/aggregates` and the deprecated
 * `/v1/aggregation/resource/…` route): groups of resources sharing the values of some attributes.
 */
import type { Resource, ResourceType } from '../model.js';
import { paginate, type Pagination } from './pagination.js';
import { resourceField, resourceJson } from './resources.js';

/** The groupby value of a resource attribute, as shown in the resource JSON. */
function groupValue(resource: Resource, type: ResourceType, attr: string): unknown {
  const json = resourceJson(resource, { type });
  return Object.hasOwn(json, attr) ? json[attr] : null;
}

/** A group of resources sharing the values of the groupby attributes. */
export interface ResourceGroup {
  group: Record<string, unknown>;
  resources: Resource[];
}

/**
 * Gnocchi's groupby: resources sorted by the (sorted, unique) attributes, as its indexer sorts them (an
 * unknown attribute is its 400 `Invalid pagination: \`Sort key supplied is invalid: <attr>'`), then cut
 * where the values change (`itertools.groupby`). `page` limits and pages the sorted list first.
 */
export function groupResources(
  resources: Resource[],
  type: ResourceType,
  groupby: string[],
  page: Pick<Pagination, 'limit' | 'marker'> = { limit: Infinity, marker: undefined },
): ResourceGroup[] {
  const sorted = paginate(
    resources,
    {
      ...page,
      sorts: groupby.map((key) => ({ key, desc: false, nullsFirst: false })),
      rawSorts: groupby,
    },
    (r) => r.id,
    (r, key) => resourceField(type, key)?.get(r),
    (key) => resourceField(type, key) !== undefined,
  );
  const groups: ResourceGroup[] = [];
  let lastKey: string | undefined;
  for (const r of sorted) {
    const group = Object.fromEntries(groupby.map((attr) => [attr, groupValue(r, type, attr)]));
    const key = JSON.stringify(groupby.map((attr) => group[attr]));
    if (key !== lastKey) groups.push({ group, resources: [] });
    lastKey = key;
    groups.at(-1)?.resources.push(r);
  }
  return groups;
}
