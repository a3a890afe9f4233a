/**
 * TEST SUPPORT ONLY: builds the API over the embedded store in a fresh temporary directory for
 * `app.inject()` tests.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { FileTimeseriesStore } from '../store-file.js';
import type { TimeseriesStore } from '../store.js';
import { buildApp } from './app.js';
import type { AuthMode } from './auth.js';
import { installDefaultArchivePolicies } from './serve.js';
import type { UserDirectory } from './user-directory.js';

/** A store for a test, and how to dispose of it. */
export interface TestStore {
  store: TimeseriesStore;
  dispose(): Promise<void>;
}

/** Opens the embedded store in a temporary directory. */
export async function openTestStore(): Promise<TestStore> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tsaas-api-'));
  const store = new FileTimeseriesStore({ dataDir });
  await store.open();
  return {
    store,
    dispose: async () => {
      await store.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** A response of the harness. */
export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
  json(): unknown;
}

/** Options of one harness request. */
export interface TestRequest {
  /** Basic-auth user (default `admin`); null = no Authorization header. */
  user?: string | null;
  /** JSON body (serialized; Content-Type application/json unless given). */
  body?: unknown;
  /** Raw body text. */
  raw?: string;
  /** Accept header (default `application/json`); null = none. */
  accept?: string | null;
  headers?: Record<string, string>;
}

/** An app over a fresh store with the default policies. */
export interface Harness {
  app: FastifyInstance;
  store: TimeseriesStore;
  request(method: string, url: string, options?: TestRequest): Promise<TestResponse>;
  close(): Promise<void>;
}

/** Basic Authorization header value for a user. */
export function basic(user: string): string {
  return `Basic ${Buffer.from(`${user}:`).toString('base64')}`;
}

/** Options of {@link startHarness}. */
export interface HarnessOptions {
  /** Default basic. */
  auth?: AuthMode;
  /** The users of `users` auth. */
  users?: UserDirectory;
  /** Installs bool/low/medium/high and the default rule (default true). */
  defaults?: boolean;
  /** Who may read `/metrics` (default admin). */
  metricsAuth?: 'admin' | 'none';
}

/** Starts a harness. */
export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const opened = await openTestStore();
  const { store } = opened;
  if (options.defaults !== false) await installDefaultArchivePolicies(store);
  const app = buildApp(store, {
    auth: options.auth ?? 'basic',
    ...(options.users !== undefined ? { users: options.users } : {}),
    ...(options.metricsAuth !== undefined ? { metricsAuth: options.metricsAuth } : {}),
  });
  const request = async (method: string, url: string, opts: TestRequest = {}): Promise<TestResponse> => {
    const headers: Record<string, string> = {};
    const user = opts.user === undefined ? 'admin' : opts.user;
    if (user !== null) headers.authorization = basic(user);
    const accept = opts.accept === undefined ? 'application/json' : opts.accept;
    if (accept !== null) headers.accept = accept;
    let payload: string | undefined;
    if (opts.raw !== undefined) payload = opts.raw;
    else if (opts.body !== undefined) payload = JSON.stringify(opts.body);
    if (payload !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, opts.headers ?? {});
    const res = await app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    return {
      status: res.statusCode,
      headers: res.headers,
      body: res.body,
      json: () => JSON.parse(res.body) as unknown,
    };
  };
  return {
    app,
    store,
    request,
    close: async () => {
      await app.close();
      await opened.dispose();
    },
  };
}

/** The Gnocchi error envelope. */
export function envelope(code: number, title: string, description: unknown): unknown {
  return { code, title, description };
}

/** Midnight UTC of a day of January 2024, as the tests send it (`2024-01-05T00:00:00`). */
export function day(d: number): string {
  return `2024-01-${String(d).padStart(2, '0')}T00:00:00`;
}

/** Creates the original project's `years_rate` policy (1 day for 365 days, sum) used by most API tests. */
export async function createYearsRate(h: Harness): Promise<void> {
  const r = await h.request('POST', '/v1/archive_policy', {
    body: {
      name: 'years_rate',
      definition: [{ granularity: '1 day', timespan: '365 days' }],
      aggregation_methods: ['sum'],
    },
  });
  if (r.status !== 201) throw new Error(`years_rate not created: ${r.status} ${r.body}`);
}
