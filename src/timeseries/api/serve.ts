/** Starting the REST API on a socket, with the archive policies and rule `gnocchi-upgrade` would create. */
import { bindError } from '../../support/socket-errors.js';
import { DEFAULT_ARCHIVE_POLICIES, DEFAULT_ARCHIVE_POLICY_RULE } from '../archive-policy.js';
import { TimeseriesError } from '../errors.js';
import type { RemoteWriteLimits } from '../prometheus-remote-write.js';
import type { TimeseriesStore } from '../store.js';
import { buildApp } from './app.js';
import type { MetricsAuth } from './routes-prometheus.js';
import type { AuthMode } from './auth.js';
import { insecureListenProblem } from './listen-guard.js';
import type { InfluxdbLimits } from './routes-influxdb.js';
import type { UserDirectory } from './user-directory.js';

/** Options of {@link startTimeseriesServer}. */
export interface TimeseriesServerOptions {
  /** `host:port` (port 0 = any free port; IPv6 hosts in brackets, `[::1]:8041`). */
  listen: string;
  /** An opened store; the server does not close it. */
  store: TimeseriesStore;
  auth: AuthMode;
  /** The users of `users` mode (required with it). */
  users?: UserDirectory;
  /**
   * Listen beyond loopback under `none` or `basic` auth (refused otherwise, see `listen-guard.ts`): for a
   * trusted network only.
   */
  allowInsecureListen?: boolean;
  /** Host names Host headers may carry besides loopback and the listen host (`*`: any); `host-check.ts`. */
  allowedHosts?: readonly string[];
  /** Who may read `/metrics` (default `admin`). */
  metricsAuth?: MetricsAuth;
  /** Largest request body in bytes, 413 beyond (default `DEFAULT_MAX_BODY_SIZE`, 8 MiB). */
  maxBodySize?: number;
  /** Bytes of request bodies received at once, 503 beyond (default 256 MiB). */
  maxConcurrentBodySize?: number;
  /**
   * Longest a request may take to arrive, headers and body, in ms (default {@link DEFAULT_REQUEST_TIMEOUT_MS});
   * a slower one is answered 408 and its connection closed, so slow senders cannot hold connections forever.
   * Checked every second, so a request may last up to a second longer.
   */
  requestTimeoutMs?: number;
  /** Default and largest page size of lists (Gnocchi's `api.max_limit`, default 1000). */
  maxLimit?: number;
  /** Most metrics one aggregation reads, 400 beyond (default 1000). */
  maxAggregationMetrics?: number;
  /** Most metrics one batch of measures creates (`create_metrics=true`), 400 beyond (default 1000). */
  maxBatchNewMetrics?: number;
  /** Origins CORS lets in (default none). */
  corsAllowedOrigins?: readonly string[];
  /** Build reply URLs from `Forwarded` / `X-Forwarded-*` (default false). */
  proxyHeaders?: boolean;
  /**
   * Leave a fresh store without archive policies (`gnocchi-upgrade --skip-archive-policies-creation`);
   * default false: bool, low, medium, high and the rule `default` are created.
   */
  noDefaultArchivePolicies?: boolean;
  /** Bounds of `/v1/influxdb/write` bodies (default `DEFAULT_INFLUXDB_LIMITS`). */
  influxdbLimits?: InfluxdbLimits;
  /** Bounds of `/v1/prometheus/write` bodies (default `DEFAULT_REMOTE_WRITE_LIMITS`). */
  remoteWriteLimits?: RemoteWriteLimits;
}

/** Default request timeout: 60 s, for a full 8 MiB body at about 1 Mbit/s. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000;

/** A running server. */
export interface RunningTimeseriesServer {
  /** `http://host:port` actually bound. */
  url: string;
  /** Stops accepting requests and waits for the open ones. */
  close(): Promise<void>;
}

/** Splits `host:port` (`[v6]:port` too); throws a plain Error on a malformed value. */
export function parseListen(listen: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(listen.trim());
  if (match === null) throw new Error(`Invalid listen address '${listen}': expected host:port`);
  const port = Number(match[3]);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`Invalid port in '${listen}'`);
  const host = match[1] ?? (match[2] === '' ? '0.0.0.0' : (match[2] ?? '0.0.0.0'));
  return { host, port };
}

/**
 * Creates `bool`, `low`, `medium`, `high` and the rule `default` (`*` → `low`) when the store has no
 * policy and no rule yet, as `gnocchi-upgrade` does on a fresh index.
 */
export async function installDefaultArchivePolicies(store: TimeseriesStore): Promise<void> {
  if ((await store.listArchivePolicies()).length > 0 || (await store.listRules()).length > 0) return;
  const ignoreConflict = (e: unknown): void => {
    if (!(e instanceof TimeseriesError && e.status === 409)) throw e;
  };
  for (const policy of DEFAULT_ARCHIVE_POLICIES) {
    await store.createArchivePolicy(structuredClone(policy)).catch(ignoreConflict);
  }
  await store.createRule({ ...DEFAULT_ARCHIVE_POLICY_RULE }).catch(ignoreConflict);
}

/**
 * Starts the API on `listen` over `store`; fails with `Could not bind to: <listen>: <reason>` when the
 * address cannot be bound (in use, permission denied, not an address of this machine), and without
 * binding when the address is not loopback under `none` or `basic` auth and `allowInsecureListen` is not
 * set (the message names the options).
 */
export async function startTimeseriesServer(
  options: TimeseriesServerOptions,
): Promise<RunningTimeseriesServer> {
  const { host, port } = parseListen(options.listen);
  const problem = insecureListenProblem(options.listen, host, options.auth);
  if (problem !== undefined && options.allowInsecureListen !== true) throw new Error(problem);
  if (options.noDefaultArchivePolicies !== true) await installDefaultArchivePolicies(options.store);
  const app = buildApp(options.store, {
    auth: options.auth,
    listenHost: host,
    ...(options.users !== undefined ? { users: options.users } : {}),
    ...(options.allowedHosts !== undefined ? { allowedHosts: options.allowedHosts } : {}),
    ...(options.metricsAuth !== undefined ? { metricsAuth: options.metricsAuth } : {}),
    ...(options.maxBodySize !== undefined ? { bodyLimit: options.maxBodySize } : {}),
    ...(options.maxLimit !== undefined ? { maxLimit: options.maxLimit } : {}),
    ...(options.maxConcurrentBodySize !== undefined
      ? { maxConcurrentBodySize: options.maxConcurrentBodySize }
      : {}),
    ...(options.maxAggregationMetrics !== undefined
      ? { maxAggregationMetrics: options.maxAggregationMetrics }
      : {}),
    ...(options.maxBatchNewMetrics !== undefined ? { maxBatchNewMetrics: options.maxBatchNewMetrics } : {}),
    ...(options.corsAllowedOrigins !== undefined ? { corsAllowedOrigins: options.corsAllowedOrigins } : {}),
    ...(options.proxyHeaders !== undefined ? { proxyHeaders: options.proxyHeaders } : {}),
    ...(options.influxdbLimits !== undefined ? { influxdbLimits: options.influxdbLimits } : {}),
    ...(options.remoteWriteLimits !== undefined ? { remoteWriteLimits: options.remoteWriteLimits } : {}),
  });
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  // Fastify's default (0) lets a client sending a byte now and then hold its request open forever.
  app.server.requestTimeout = requestTimeout;
  app.server.headersTimeout = Math.min(app.server.headersTimeout, requestTimeout);
  try {
    await app.listen({ host, port });
  } catch (err) {
    await app.close();
    throw bindError(options.listen, err);
  }
  const address = app.server.address();
  const boundPort = typeof address === 'object' && address !== null ? address.port : port;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${boundPort}`,
    close: () => app.close(),
  };
}
