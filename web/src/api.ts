/**
 * The few Gnocchi API v1 calls the GUI makes, typed. Requests go to the server that served the GUI; under
 * basic auth the user signs in once ({@link signIn}) and every call sends `Authorization: Basic`.
 */
import {
  COVID_GRANULARITY,
  REGION_TYPE,
  nationalAggregateRequest,
  type CovidField,
} from '../../src/covid/contract.js';
import { UI_AUTH_PATH, type UiAuth } from '../../src/timeseries/api/ui-auth.js';
import { addDays } from './format.js';

/** A measure as the API returns it: `[timestamp, granularity seconds, value]`. */
export type Point = [string, number, number];

/** A `region` resource (the attributes of the data contract). */
export interface RegionResource {
  id: string;
  original_resource_id: string;
  codice_regione: number;
  denominazione: string;
  nuts2: string | null;
  lat: number | null;
  long: number | null;
  real_until: string | null;
  metrics: Record<string, string>;
}

/** A failed call: the HTTP status and Gnocchi's error description. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const STORAGE_KEY = 'soe-timeseries-authorization';

/** Remembers the user and password for this tab (Gnocchi's basic auth ignores the password). */
export function signIn(user: string, password: string): void {
  const token = btoa(String.fromCharCode(...new TextEncoder().encode(`${user}:${password}`)));
  sessionStorage.setItem(STORAGE_KEY, `Basic ${token}`);
}

/** The signed-in user, if any. */
export function signedInUser(): string | undefined {
  const header = sessionStorage.getItem(STORAGE_KEY);
  if (header === null) return undefined;
  const bytes = Uint8Array.from(atob(header.slice('Basic '.length)), (c) => c.charCodeAt(0));
  const decoded = new TextDecoder().decode(bytes);
  return decoded.split(':')[0];
}

/** Forgets the user. */
export function signOut(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}

function describe(body: unknown, fallback: string): string {
  if (typeof body === 'object' && body !== null && 'description' in body) {
    const description = body.description;
    if (typeof description === 'string' && description !== '') return description;
    if (description !== null && description !== '') return JSON.stringify(description);
  }
  return fallback;
}

/** One call to the timeseries API (signed in if the user did), its JSON answer; a refusal throws {@link ApiError}. */
export async function call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  // X-Requested-With: a refusal then comes without WWW-Authenticate, so the browser opens no dialog of its
  // own over the sign-in form.
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'X-Requested-With': 'XMLHttpRequest',
  };
  const authorization = sessionStorage.getItem(STORAGE_KEY);
  if (authorization !== null) headers.Authorization = authorization;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(path, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = text === '' ? undefined : JSON.parse(text);
  } catch {
    json = undefined;
  }
  if (!response.ok)
    throw new ApiError(response.status, describe(json, `${response.status} ${response.statusText}`));
  return json as T;
}

/** What the server expects at sign-in (`GET /ui/auth.json`), or undefined if it does not say. */
export async function serverAuth(): Promise<UiAuth | undefined> {
  try {
    const response = await fetch(UI_AUTH_PATH, { headers: { Accept: 'application/json' } });
    return response.ok ? ((await response.json()) as UiAuth) : undefined;
  } catch {
    return undefined;
  }
}

/** The 21 areas (`GET /v1/resource/region`). */
export function listRegions(): Promise<RegionResource[]> {
  return call<RegionResource[]>('GET', `/v1/resource/${REGION_TYPE}`);
}

/** `{"measures": {resource id: {metric name: {aggregation: points}}}}` of a search aggregate. */
interface PerResourceMeasures {
  measures: Record<string, Record<string, Record<string, Point[]>>>;
}

function aggregatesPath(range: { start?: string; stop?: string } = {}): string {
  const query = new URLSearchParams({ granularity: String(COVID_GRANULARITY) });
  if (range.start !== undefined) query.set('start', range.start);
  if (range.stop !== undefined) query.set('stop', range.stop);
  return `/v1/aggregates?${query.toString()}`;
}

/** Every area's daily series of `field`, by resource id (one `/v1/aggregates` search call). */
export async function regionsSeries(field: CovidField): Promise<Map<string, Point[]>> {
  const body = await call<PerResourceMeasures>('POST', aggregatesPath(), {
    resource_type: REGION_TYPE,
    search: {},
    operations: `(metric ${field} last)`,
  });
  const out = new Map<string, Point[]>();
  for (const [id, metrics] of Object.entries(body.measures)) out.set(id, metrics[field]?.last ?? []);
  return out;
}

/** The national series of `field`: the sum over the areas, computed by the server. */
export async function nationalSeries(field: CovidField): Promise<Point[]> {
  const request = nationalAggregateRequest(field);
  const body = await call<{ measures: { aggregated: Point[] } }>(request.method, request.path, request.body);
  return body.measures.aggregated;
}

/** Some fields' daily series of one area (one `/v1/aggregates` call), by field. */
export async function regionFields(
  resourceId: string,
  fields: CovidField[],
): Promise<Map<CovidField, Point[]>> {
  const body = await call<PerResourceMeasures>('POST', aggregatesPath(), {
    resource_type: REGION_TYPE,
    search: { '=': { id: resourceId } },
    operations: `(metric ${fields.map((f) => `(${f} last)`).join(' ')})`,
  });
  const metrics = body.measures[resourceId] ?? {};
  return new Map(fields.map((f) => [f, metrics[f]?.last ?? []]));
}

/** Every field of one area on one day, by field name. */
export async function regionDay(resourceId: string, day: string): Promise<Map<string, number>> {
  const body = await call<PerResourceMeasures>(
    'POST',
    aggregatesPath({ start: day, stop: addDays(day, 1) }),
    {
      resource_type: REGION_TYPE,
      search: { '=': { id: resourceId } },
      operations: '(metric * last)',
    },
  );
  const out = new Map<string, number>();
  for (const [name, byAggregation] of Object.entries(body.measures[resourceId] ?? {})) {
    const point = byAggregation.last?.[0];
    if (point !== undefined) out.set(name, point[2]);
  }
  return out;
}
