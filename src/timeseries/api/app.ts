/**
 * The Gnocchi-compatible REST API v1 of the timeseries service as a fastify app. Bodies are read raw and
 * decoded by the routes (Gnocchi's 415 and "Unable to decode body" rules), replies are Python-style JSON,
 * errors are Gnocchi's envelope (or webob's HTML page when the client does not ask for JSON), unknown
 * methods on known paths are 405, and trailing or doubled slashes are tolerated as the Python client
 * produces both (`/v1/archive_policy/`, `/v1/archive_policy//name`).
 */
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { Mutex } from '../../support/mutex.js';
import { TimeseriesError } from '../errors.js';
import type { TimeseriesStore } from '../store.js';
import { DEFAULT_MAX_CONCURRENT_BODY_SIZE, registerBodyAdmission } from './body-admission.js';
import {
  DEFAULT_MAX_AGGREGATION_METRICS,
  DEFAULT_MAX_BATCH_NEW_METRICS,
  DEFAULT_MAX_LIMIT,
  setApiSettings,
} from './api-settings.js';
import type { AuthMode } from './auth.js';
import { registerCors } from './cors.js';
import { allowedHostNames, checkHostAndOrigin } from './host-check.js';
import { sendError } from './http.js';
import { registerAggregatesRoutes } from './routes-aggregates.js';
import { registerAggregationRoutes } from './routes-aggregation.js';
import { registerArchivePolicyRoutes } from './routes-archive-policy.js';
import { registerArchivePolicyRuleRoutes } from './routes-archive-policy-rule.js';
import { registerBatchRoutes } from './routes-batch.js';
import { registerCapabilitiesRoutes } from './routes-capabilities.js';
import { registerHealthcheckRoutes } from './routes-healthcheck.js';
import { DEFAULT_INFLUXDB_LIMITS, registerInfluxdbRoutes, type InfluxdbLimits } from './routes-influxdb.js';
import { registerMeasuresRoutes } from './routes-measures.js';
import { registerMetricRoutes } from './routes-metric.js';
import { registerPrometheusRoutes, type MetricsAuth } from './routes-prometheus.js';
import { registerPrometheusWriteRoutes } from './routes-prometheus-write.js';
import { DEFAULT_REMOTE_WRITE_LIMITS, type RemoteWriteLimits } from '../prometheus-remote-write.js';
import { registerResourceRoutes } from './routes-resource.js';
import { registerResourceTypeRoutes } from './routes-resource-type.js';
import { registerRootRoutes } from './routes-root.js';
import { registerSearchRoutes } from './routes-search.js';
import { registerStatusRoutes } from './routes-status.js';
import { registerUiRoutes } from './routes-ui.js';
import { ApiRouter } from './routing.js';
import type { UserDirectory } from './user-directory.js';

/** Options of {@link buildApp}. */
export interface AppOptions {
  /**
   * `basic`: identity from `Authorization: Basic` (password ignored), `admin` is administrator; `users`:
   * credentials checked against {@link users}; `none`: everyone is admin.
   */
  auth: AuthMode;
  /** The users of `users` mode (required with it). */
  users?: UserDirectory;
  /**
   * The host the server listens on, whose name (for a wildcard address, the machine's names) Host headers
   * may carry besides loopback's (default `127.0.0.1`).
   */
  listenHost?: string;
  /** More host names Host headers may carry (`*`: any); see `host-check.ts`. */
  allowedHosts?: readonly string[];
  /** Who may read the Prometheus metrics at `/metrics` (default `admin`). */
  metricsAuth?: MetricsAuth;
  /**
   * Maximum request body size in bytes (default {@link DEFAULT_MAX_BODY_SIZE}); a larger body is refused
   * with 413 as soon as its Content-Length (or, chunked, its running length) exceeds it, unread.
   */
  bodyLimit?: number;
  /** Default and largest page size of lists (Gnocchi's `api.max_limit`, default 1000). */
  maxLimit?: number;
  /** Bytes of request bodies received at once (default {@link DEFAULT_MAX_CONCURRENT_BODY_SIZE}), 503 beyond. */
  maxConcurrentBodySize?: number;
  /** Most metrics one aggregation reads (default {@link DEFAULT_MAX_AGGREGATION_METRICS}). */
  maxAggregationMetrics?: number;
  /** Most metrics one batch of measures creates (default {@link DEFAULT_MAX_BATCH_NEW_METRICS}). */
  maxBatchNewMetrics?: number;
  /** Origins CORS lets in (Gnocchi's `[cors] allowed_origin`; default none). */
  corsAllowedOrigins?: readonly string[];
  /** Build reply URLs from `Forwarded` / `X-Forwarded-*` (Gnocchi's `enable_proxy_headers_parsing`). */
  proxyHeaders?: boolean;
  /** Limits of `/v1/influxdb/write` (default {@link DEFAULT_INFLUXDB_LIMITS}). */
  influxdbLimits?: Partial<InfluxdbLimits>;
  /** Limits of `/v1/prometheus/write` (default {@link DEFAULT_REMOTE_WRITE_LIMITS}). */
  remoteWriteLimits?: Partial<RemoteWriteLimits>;
  /** fastify logger switch (default off). */
  logger?: boolean;
}

/**
 * The default largest request body: 8 MiB, half as much again as the 100,000-measure batches of Gnocchi's
 * heavy ingest workload (5.5 MB). Taking in a body holds the event loop about 90 ms per MB (decoding,
 * aggregating), so 0.7 s at most for one request instead of 5 s for 60 MB.
 */
export const DEFAULT_MAX_BODY_SIZE = 8 * 1024 * 1024;

/** An encoded NUL in the request target (literal NUL bytes are refused by Node's HTTP parser). */
const ENCODED_NUL_RE = /%00/i;

/**
 * Whether `Authorization: Basic` credentials decode to a text holding NUL (the user name becomes the
 * creator of what the request makes, which PostgreSQL cannot store). Node refuses a raw NUL in a header.
 */
function basicCredentialsHoldNul(header: string | undefined): boolean {
  const match = header === undefined ? null : /^basic\s+(\S+)/i.exec(header);
  return match !== null && Buffer.from(match[1] as string, 'base64').includes(0);
}

/** Builds the API over a store (the caller opens and closes the store). */
export function buildApp(store: TimeseriesStore, options: AppOptions): FastifyInstance {
  const bodyLimit = options.bodyLimit ?? DEFAULT_MAX_BODY_SIZE;
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit,
    // Node looks for requests past --request-timeout-ms every second (its default: every 30 s).
    http: { connectionsCheckingInterval: 1000 },
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: 2048 },
  });

  const corsAllowedOrigins = options.corsAllowedOrigins ?? [];
  setApiSettings(app, {
    maxLimit: options.maxLimit ?? DEFAULT_MAX_LIMIT,
    maxAggregationMetrics: options.maxAggregationMetrics ?? DEFAULT_MAX_AGGREGATION_METRICS,
    maxBatchNewMetrics: options.maxBatchNewMetrics ?? DEFAULT_MAX_BATCH_NEW_METRICS,
    corsAllowedOrigins,
    proxyHeaders: options.proxyHeaders ?? false,
  });

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.setErrorHandler((error: FastifyError | TimeseriesError | Error, request, reply) => {
    if (error instanceof TimeseriesError) {
      if (error.status === 304) return reply.code(304).send();
      return sendError(request, reply, error.status, error.description);
    }
    const status = 'statusCode' in error && typeof error.statusCode === 'number' ? error.statusCode : 500;
    if (status === 413) {
      return sendError(request, reply, 413, `Request body larger than the limit of ${bodyLimit} bytes`);
    }
    if (status >= 400 && status < 500) return sendError(request, reply, status, error.message);
    request.log.error(error);
    return sendError(request, reply, 500, '');
  });

  const allowedHosts = allowedHostNames(options.listenHost ?? '127.0.0.1', options.allowedHosts);
  app.addHook('onRequest', async (request) => {
    checkHostAndOrigin(request.method, request.headers, allowedHosts, corsAllowedOrigins);
    if (ENCODED_NUL_RE.test(request.raw.url ?? '')) {
      throw new TimeseriesError(400, 'NUL character not allowed in the URL');
    }
    if (basicCredentialsHoldNul(request.headers.authorization)) {
      throw new TimeseriesError(400, 'NUL character not allowed in the Authorization header');
    }
  });

  registerBodyAdmission(app, options.maxConcurrentBodySize ?? DEFAULT_MAX_CONCURRENT_BODY_SIZE, bodyLimit);
  registerCors(app);

  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, 404, 'The resource could not be found.'),
  );

  if (options.auth === 'users' && options.users === undefined) throw new Error('auth users needs users');
  const router = new ApiRouter(app, store, {
    mode: options.auth,
    ...(options.users !== undefined ? { users: options.users } : {}),
  });
  const mutex = new Mutex(store.exclusive?.bind(store));
  registerPrometheusRoutes(router, options.metricsAuth ?? 'admin');
  registerRootRoutes(router);
  registerStatusRoutes(router);
  registerHealthcheckRoutes(router);
  registerCapabilitiesRoutes(router);
  registerArchivePolicyRoutes(router);
  registerArchivePolicyRuleRoutes(router);
  registerMetricRoutes(router, mutex);
  registerMeasuresRoutes(router);
  registerBatchRoutes(router, mutex);
  registerResourceTypeRoutes(router, mutex);
  registerResourceRoutes(router, mutex);
  registerSearchRoutes(router);
  registerAggregatesRoutes(router);
  registerInfluxdbRoutes(router, mutex, { ...DEFAULT_INFLUXDB_LIMITS, ...options.influxdbLimits });
  registerPrometheusWriteRoutes(router, mutex, {
    ...DEFAULT_REMOTE_WRITE_LIMITS,
    ...options.remoteWriteLimits,
  });
  registerAggregationRoutes(router);
  registerUiRoutes(router);
  router.finish();
  return app;
}
