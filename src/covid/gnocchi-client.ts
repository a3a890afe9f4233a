/**
 * A thin typed client of the few Gnocchi REST API v1 endpoints the COVID producer and its tests need, over
 * `fetch` with Gnocchi's basic auth (user name, empty password unless one is given) or a bearer token (the
 * timeseries service's `--auth users`). A failed request throws a
 * {@link GnocchiError} carrying the HTTP status and the server's message.
 */

/** A non-2xx answer: `status` and the message of Gnocchi's error envelope (or the body text). */
export class GnocchiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: unknown,
  ) {
    super(message);
    this.name = 'GnocchiError';
  }
}

/** An archive policy as the API shows it. */
export interface ArchivePolicyJson {
  name: string;
  back_window: number;
  aggregation_methods: string[];
  definition: { granularity: string; points: number; timespan: string }[];
}

/** A resource as the API shows it (type attributes included). */
export interface ResourceJson {
  id: string;
  original_resource_id: string;
  type: string;
  /** Metric name → metric id. */
  metrics: Record<string, string>;
  [attribute: string]: unknown;
}

/** Points `[timestamp, granularity seconds, value]`. */
export type PointJson = [string, number, number];

/** A measure to send. */
export interface MeasureJson {
  timestamp: string;
  value: number;
}

/** The message of an error answer: Gnocchi's `description` (its `cause` and `reason` if structured). */
function messageOf(body: unknown, text: string): string {
  const description =
    typeof body === 'object' && body !== null && 'description' in body ? body.description : undefined;
  if (typeof description === 'string') return description;
  if (typeof description === 'object' && description !== null) {
    const d = description as Record<string, unknown>;
    const parts = [d.cause, d.reason].filter((p) => typeof p === 'string');
    return parts.length > 0 ? `${parts.join(': ')} ${JSON.stringify(d.detail ?? '')}` : JSON.stringify(d);
  }
  return text.trim();
}

/**
 * Checks that `endpoint` is an `http://` or `https://` URL; else throws an error naming the option `name`
 * and showing the expected form: `--endpoint: expected an http:// or https:// URL such as
 * http://127.0.0.1:8041, got '127.0.0.1:8041'`.
 */
export function checkEndpoint(endpoint: string, name = 'endpoint'): void {
  let url: URL | undefined;
  try {
    url = new URL(endpoint);
  } catch {
    url = undefined;
  }
  const ok =
    url !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    url.hostname !== '' &&
    url.username === '' &&
    url.password === '';
  if (!ok)
    throw new Error(
      `${name}: expected an http:// or https:// URL such as http://127.0.0.1:8041, got '${endpoint}'`,
    );
}

/** How a {@link GnocchiClient} signs in. */
export interface GnocchiCredentials {
  /** Basic-auth user name (default `admin`). */
  user?: string;
  /** Its password (default empty: Gnocchi's basic auth checks none). */
  password?: string;
  /** A bearer token, sent instead of Basic. */
  token?: string;
}

/** A client of one Gnocchi endpoint (e.g. `http://127.0.0.1:8041`). */
export class GnocchiClient {
  private readonly base: string;
  private readonly headers: Record<string, string>;

  /**
   * A client of `endpoint`, an http(s) URL ({@link checkEndpoint} refuses anything else), signing in as
   * `user` (default `admin`) with `password` (default empty), or with `token` as `Authorization: Bearer`.
   */
  constructor(endpoint: string, options: GnocchiCredentials = {}) {
    checkEndpoint(endpoint);
    this.base = endpoint.replace(/\/+$/, '');
    const basic = `${options.user ?? 'admin'}:${options.password ?? ''}`;
    this.headers = {
      accept: 'application/json',
      authorization:
        options.token !== undefined
          ? `Bearer ${options.token}`
          : `Basic ${Buffer.from(basic).toString('base64')}`,
    };
  }

  /** Sends a request with an optional JSON body; resolves to the parsed JSON answer (undefined if empty). */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = { method, headers: this.headers };
    if (body !== undefined) {
      init.headers = { ...this.headers, 'content-type': 'application/json' };
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, init);
    } catch (err) {
      const cause = (err as Error & { cause?: Error }).cause?.message ?? (err as Error).message;
      throw new GnocchiError(0, `${method} ${this.base}${path}: ${cause}`, undefined);
    }
    const text = await res.text();
    let json: unknown = undefined;
    if (text !== '') {
      try {
        json = JSON.parse(text);
      } catch {
        json = text;
      }
    }
    if (!res.ok) {
      throw new GnocchiError(
        res.status,
        `${method} ${path}: ${res.status} ${res.statusText}: ${messageOf(json, text)}`,
        json,
      );
    }
    return json as T;
  }

  /** The archive policy `name`, or undefined if there is none. */
  async getArchivePolicy(name: string): Promise<ArchivePolicyJson | undefined> {
    return this.orUndefined(this.request<ArchivePolicyJson>('GET', `/v1/archive_policy/${enc(name)}`));
  }

  /** Creates an archive policy. */
  async createArchivePolicy(policy: unknown): Promise<ArchivePolicyJson> {
    return this.request('POST', '/v1/archive_policy', policy);
  }

  /** The resource type `name`, or undefined. */
  async getResourceType(name: string): Promise<Record<string, unknown> | undefined> {
    return this.orUndefined(this.request('GET', `/v1/resource_type/${enc(name)}`));
  }

  /** Creates a resource type. */
  async createResourceType(type: unknown): Promise<Record<string, unknown>> {
    return this.request('POST', '/v1/resource_type', type);
  }

  /** Every resource of a type (one page of up to 1,000, Gnocchi's largest). */
  async listResources(type: string): Promise<ResourceJson[]> {
    return this.request('GET', `/v1/resource/${enc(type)}?limit=1000`);
  }

  /** Creates a resource of a type. */
  async createResource(type: string, resource: unknown): Promise<ResourceJson> {
    return this.request('POST', `/v1/resource/${enc(type)}`, resource);
  }

  /** Changes attributes of a resource. */
  async patchResource(type: string, id: string, changes: unknown): Promise<ResourceJson> {
    return this.request('PATCH', `/v1/resource/${enc(type)}/${enc(id)}`, changes);
  }

  /** Adds named metrics (`{name: {archive_policy_name}}`) to a resource. */
  async addResourceMetrics(type: string, id: string, metrics: unknown): Promise<unknown> {
    return this.request('POST', `/v1/resource/${enc(type)}/${enc(id)}/metric`, metrics);
  }

  /**
   * `POST /v1/batch/resources/metrics/measures`: `{resource id: {metric name: measures}}`, all or nothing.
   * A pre-serialized JSON string is sent as it is.
   */
  async batchResourceMeasures(
    batch: Record<string, Record<string, MeasureJson[]>> | string,
    createMetrics = false,
  ): Promise<void> {
    const query = createMetrics ? '?create_metrics=true' : '';
    await this.request('POST', `/v1/batch/resources/metrics/measures${query}`, batch);
  }

  /** `POST /v1/metric/{id}/measures`. */
  async addMeasures(metricId: string, measures: MeasureJson[]): Promise<void> {
    await this.request('POST', `/v1/metric/${enc(metricId)}/measures`, measures);
  }

  /** `POST /v1/aggregates` with query parameters (`granularity`, `start`, `groupby`…). */
  async aggregates<T = unknown>(body: unknown, query: Record<string, string | number> = {}): Promise<T> {
    const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)])).toString();
    return this.request('POST', `/v1/aggregates${qs === '' ? '' : `?${qs}`}`, body);
  }

  private async orUndefined<T>(request: Promise<T>): Promise<T | undefined> {
    try {
      return await request;
    } catch (err) {
      if (err instanceof GnocchiError && err.status === 404) return undefined;
      throw err;
    }
  }
}

function enc(part: string): string {
  return encodeURIComponent(part);
}
