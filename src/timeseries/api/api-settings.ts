/**
 * Settings of the API that Gnocchi reads from its configuration (`[api] max_limit`,
 * `enable_proxy_headers_parsing`, `[cors] allowed_origin`), looked up from a request by its app.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';

/** Gnocchi's default `api.max_limit`: the default and largest page size. */
export const DEFAULT_MAX_LIMIT = 1000;

/**
 * The default of `--max-aggregation-metrics`: 1,000 metrics, as many as one page of resources at the
 * default `--api-max-limit`, so the resource route of `/v1/aggregation` never meets it at the defaults.
 */
export const DEFAULT_MAX_AGGREGATION_METRICS = 1000;

/**
 * The default of `--max-batch-new-metrics`: 1,000 metrics one batch of measures may create (0.4 s of work
 * on the embedded store, 1.1 s on PostgreSQL; 100,000 took 23 to 33 s in one request), far more than
 * Gnocchi's gabbits or our telemetry create at once.
 */
export const DEFAULT_MAX_BATCH_NEW_METRICS = 1000;

/** The settings of one app. */
export interface ApiSettings {
  /** Default and largest page size of lists (Gnocchi's `api.max_limit`). */
  maxLimit: number;
  /** Most metrics (and metric references) one aggregation reads (`--max-aggregation-metrics`). */
  maxAggregationMetrics: number;
  /** Most metrics one `/v1/batch/resources/metrics/measures?create_metrics=true` creates (`--max-batch-new-metrics`). */
  maxBatchNewMetrics: number;
  /** Origins that CORS lets in (`[cors] allowed_origin`); empty: no CORS headers. */
  corsAllowedOrigins: readonly string[];
  /** Whether `Forwarded` and `X-Forwarded-*` make the URLs of replies (`enable_proxy_headers_parsing`). */
  proxyHeaders: boolean;
}

const DEFAULTS: ApiSettings = {
  maxLimit: DEFAULT_MAX_LIMIT,
  maxAggregationMetrics: DEFAULT_MAX_AGGREGATION_METRICS,
  maxBatchNewMetrics: DEFAULT_MAX_BATCH_NEW_METRICS,
  corsAllowedOrigins: [],
  proxyHeaders: false,
};

const settingsByApp = new WeakMap<FastifyInstance, ApiSettings>();

/** Records the settings of an app. */
export function setApiSettings(app: FastifyInstance, settings: ApiSettings): void {
  settingsByApp.set(app, settings);
}

/** The settings of the app serving a request (the defaults if none were set). */
export function apiSettings(request: FastifyRequest): ApiSettings {
  return settingsByApp.get(request.server) ?? DEFAULTS;
}
