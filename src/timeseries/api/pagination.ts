/**
 * Gnocchi's list pagination: `limit` (default and cap `api.max_limit`, 1000 unless configured), `marker` (id of the last item of the
 * previous page), `sort=key[:asc|desc][-nullsfirst|-nullslast]` (repeatable), and a
 * `Link: <…?marker=…>; rel="next"` header when a page is full.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TimeseriesError } from '../errors.js';
import { baseUrl, requestPath } from './http.js';
import { queryList, queryParam, type Query } from './params.js';

/** One sort criterion. */
export interface SortKey {
  key: string;
  desc: boolean;
  nullsFirst: boolean;
}

/** Parsed pagination options. */
export interface Pagination {
  limit: number;
  marker: string | undefined;
  sorts: SortKey[];
  /** The `sort` values as given (or the defaults), for the Link header. */
  rawSorts: string[];
}

function invalid(reason: string): TimeseriesError {
  return new TimeseriesError(400, `Invalid pagination: \`${reason}'`);
}

function parseSort(text: string): SortKey {
  const [key = '', direction = 'asc'] = text.split(':', 2);
  const [dir = 'asc', nulls] = direction.split('-', 2);
  if (dir !== 'asc' && dir !== 'desc') throw invalid(`Invalid sort direction: ${dir}`);
  if (nulls !== undefined && nulls !== 'nullsfirst' && nulls !== 'nullslast') {
    throw invalid(`Invalid sort direction: ${direction}`);
  }
  const desc = dir === 'desc';
  return { key, desc, nullsFirst: nulls === undefined ? desc : nulls === 'nullsfirst' };
}

/**
 * Reads `limit`/`marker`/`sort` (400 `{"cause": "Argument value error", "reason"}` on a bad limit); the
 * limit defaults to, and is capped at, `maxLimit` (Gnocchi's `api.max_limit`).
 */
export function parsePagination(query: Query, defaultSorts: string[], maxLimit: number): Pagination {
  const limitText = queryParam(query, 'limit');
  let limit = maxLimit;
  if (limitText !== undefined) {
    const n = Number(limitText);
    if (!/^\s*[+-]?\d+\s*$/.test(limitText) || !Number.isSafeInteger(n)) {
      throw new TimeseriesError(400, {
        cause: 'Argument value error',
        reason: "expected int for dictionary value @ data['limit']",
      });
    }
    if (n < 1) {
      throw new TimeseriesError(400, {
        cause: 'Argument value error',
        reason: "value must be at least 1 for dictionary value @ data['limit']",
      });
    }
    limit = Math.min(n, maxLimit);
  }
  const given = queryList(query, 'sort');
  const rawSorts = given.length > 0 ? given : defaultSorts;
  return { limit, marker: queryParam(query, 'marker'), sorts: rawSorts.map(parseSort), rawSorts };
}

function textOf(value: unknown): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'number' || typeof value === 'boolean'
      ? String(value)
      : JSON.stringify(value);
}

function compareValues(a: unknown, b: unknown, sort: SortKey): number {
  const aNull = a === null || a === undefined;
  const bNull = b === null || b === undefined;
  if (aNull || bNull) {
    if (aNull && bNull) return 0;
    return aNull === sort.nullsFirst ? -1 : 1;
  }
  let c: number;
  if (typeof a === 'number' && typeof b === 'number') c = a - b;
  else if (typeof a === 'boolean' && typeof b === 'boolean') c = Number(a) - Number(b);
  else {
    const sa = textOf(a);
    const sb = textOf(b);
    c = sa < sb ? -1 : sa > sb ? 1 : 0;
  }
  return sort.desc ? -c : c;
}

/**
 * Sorts (stable, then by id), skips past the marker and cuts a page. `valueOf` returns an item's sort
 * value, or throws if the key does not exist (400 "Sort key supplied is invalid").
 */
export function paginate<T>(
  items: T[],
  page: Pagination,
  idOf: (item: T) => string,
  valueOf: (item: T, key: string) => unknown,
  validKeys: ReadonlySet<string> | ((key: string) => boolean),
): T[] {
  for (const sort of page.sorts) {
    const ok = typeof validKeys === 'function' ? validKeys(sort.key) : validKeys.has(sort.key);
    if (!ok) throw invalid(`Sort key supplied is invalid: ${sort.key}`);
  }
  const sorted = [...items].sort((a, b) => {
    for (const sort of page.sorts) {
      const c = compareValues(valueOf(a, sort.key), valueOf(b, sort.key), sort);
      if (c !== 0) return c;
    }
    const ia = idOf(a);
    const ib = idOf(b);
    return ia < ib ? -1 : ia > ib ? 1 : 0;
  });
  let start = 0;
  if (page.marker !== undefined) {
    const index = sorted.findIndex((item) => idOf(item) === page.marker);
    if (index === -1) throw invalid(`Invalid marker: \`${page.marker}'`);
    start = index + 1;
  }
  return sorted.slice(start, start + page.limit);
}

function quotePlus(text: string): string {
  return encodeURIComponent(text)
    .replace(/%20/g, '+')
    .replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Sets `Link: <url?…&marker=…>; rel="next"` when the page is full (Gnocchi's `set_resp_link_hdr`). */
export function setNextLink(
  request: FastifyRequest,
  reply: FastifyReply,
  query: Query,
  page: Pagination,
  returned: number,
  lastId: string | undefined,
): void {
  if (lastId === undefined || returned < page.limit) return;
  const options = new Map<string, string[]>();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue;
    options.set(key, Array.isArray(value) ? value : [value]);
  }
  options.set('limit', [String(page.limit)]);
  options.set('sort', page.rawSorts);
  options.set('marker', [lastId]);
  const params = [...options.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .flatMap(([key, values]) => values.map((v) => `${quotePlus(key)}=${quotePlus(v)}`))
    .join('&');
  reply.header('Link', `<${baseUrl(request)}${requestPath(request)}?${params}>; rel="next"`);
}
