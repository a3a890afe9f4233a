/**
 * `GET /metrics`: the service's figures for Prometheus (text exposition format 0.0.4, see
 * src/support/prometheus.ts): requests answered by method, route and status; measure writes refused, by
 * reason; and at each scrape what `/v1/status` reports (metrics, pending measures, measures older than
 * their back window, quarantined journal records, and the embedded store's journal and checkpoints).
 * Readable by an administrator (`--metrics-auth admin`, the default, as `/v1/status`) or by anyone
 * (`--metrics-auth none`). The metric names are documented in docs/timeseries.md.
 */
import type { FastifyError, FastifyRequest } from 'fastify';
import { PROMETHEUS_CONTENT_TYPE, PrometheusRegistry } from '../../support/prometheus.js';
import { TimeseriesError } from '../errors.js';
import type { StoreStatus } from '../store.js';
import {
  AFTER_MAX_REASON,
  BEFORE_EPOCH_REASON,
  MEASURES_FORMAT_REASON,
  UNPARSABLE_TIMESTAMP_REASON,
} from '../timestamp.js';
import { requireAdmin } from './auth.js';
import { MEASURES_VALUE_REASON } from './measures.js';
import type { ApiRouter } from './routing.js';

/** Who may read `/metrics`: an administrator, or anyone. */
export type MetricsAuth = 'admin' | 'none';

/** Where the metrics are served. */
export const METRICS_PATH = '/metrics';

/** The route label of requests no route matched (404s). */
export const UNMATCHED_ROUTE = '(unmatched)';

/** The reasons of the 400s of measure writes, by the start of Gnocchi's reason text. */
const REJECTION_REASONS: readonly (readonly [string, string])[] = [
  [UNPARSABLE_TIMESTAMP_REASON, 'unparsable_timestamp'],
  [BEFORE_EPOCH_REASON, 'before_epoch'],
  [AFTER_MAX_REASON, 'after_max_timestamp'],
  [MEASURES_FORMAT_REASON, 'format'],
  [MEASURES_VALUE_REASON, 'value'],
];

/**
 * Why a measure write was refused, as the `reason` label: `back_window`, `unparsable_timestamp`,
 * `before_epoch`, `after_max_timestamp`, `format`, `value`, `other` (another 400: a body that does not
 * decode, an unknown metric...), `body_too_large` (413); undefined for other errors.
 */
export function rejectionReason(error: Error): string | undefined {
  const status =
    error instanceof TimeseriesError
      ? error.status
      : 'statusCode' in error && typeof error.statusCode === 'number'
        ? error.statusCode
        : 500;
  if (status === 413) return 'body_too_large';
  if (status !== 400) return undefined;
  if (!(error instanceof TimeseriesError) || typeof error.description === 'string') return 'other';
  if (error.description.cause === 'Measures older than the back window') return 'back_window';
  const reason = error.description.reason ?? '';
  return REJECTION_REASONS.find(([text]) => reason.startsWith(text))?.[1] ?? 'other';
}

/** The `/v1/status` figures as Prometheus metrics (a registry made at each scrape). */
export function statusMetrics(status: StoreStatus, registry = new PrometheusRegistry()): PrometheusRegistry {
  const pendingMetrics = Object.values(status.measures_to_process).filter((n) => n > 0).length;
  registry.gauge('soe_timeseries_metrics', 'Metrics in the index.').set(status.metrics);
  registry
    .gauge(
      'soe_timeseries_metrics_pending',
      'Metrics with measures waiting to be aggregated (/v1/status summary.metrics).',
    )
    .set(pendingMetrics);
  registry
    .gauge(
      'soe_timeseries_measures_pending',
      'Measures accepted and not yet aggregated (/v1/status summary.measures).',
    )
    .set(status.measures);
  registry
    .counter(
      'soe_timeseries_measures_rejected_total',
      'Measures refused since start, by reason: back_window, older than their metric’s back window ' +
        '(/v1/status summary.rejected_measures).',
      ['reason'],
    )
    .setTotal(status.rejected_measures, { reason: 'back_window' });
  registry
    .counter(
      'soe_timeseries_quarantined_records_total',
      'Journal records kept aside at start because they could not be replayed (/v1/status ' +
        'summary.quarantined_records).',
    )
    .setTotal(status.quarantined_records);
  const journal = status.journal;
  if (journal === undefined) return registry;
  registry
    .gauge('soe_timeseries_journal_segments', 'Journal segment files on disk (/v1/status journal).')
    .set(journal.segments);
  registry.gauge('soe_timeseries_journal_bytes', 'Bytes in the journal segments.').set(journal.bytes);
  registry
    .gauge(
      'soe_timeseries_journal_last_checkpoint_timestamp_seconds',
      'When the last checkpoint succeeded, in seconds since the epoch (0: none since start).',
    )
    .set(journal.last_checkpoint === null ? 0 : Date.parse(journal.last_checkpoint) / 1000);
  registry
    .counter(
      'soe_timeseries_journal_checkpoint_failures_total',
      'Checkpoints that failed since start (what they covered stays in the journal).',
    )
    .setTotal(journal.checkpoint_failures);
  registry
    .counter(
      'soe_timeseries_journal_write_failures_total',
      'Journal writes that failed since start (answered 507 or 500, nothing of them applied).',
    )
    .setTotal(journal.write_failures);
  registry
    .counter(
      'soe_timeseries_journal_corrupt_records_total',
      'Records found corrupt in the middle of a journal segment at start.',
    )
    .setTotal(journal.corrupt_records);
  registry
    .counter('soe_timeseries_journal_skipped_bytes_total', 'Bytes skipped at start past corrupt records.')
    .setTotal(journal.skipped_bytes);
  return registry;
}

/** The process's own figures, under the names Prometheus client libraries use. */
function processMetrics(registry: PrometheusRegistry): void {
  registry
    .gauge('process_resident_memory_bytes', 'Resident memory size in bytes.')
    .set(process.memoryUsage.rss());
  registry
    .gauge('process_start_time_seconds', 'Start time of the process since the epoch in seconds.')
    .set(Math.round(Date.now() / 1000 - process.uptime()));
}

/**
 * Counts every request and refused measure write from now on, and registers `GET /metrics`. Call before
 * the other routes are registered.
 */
export function registerPrometheusRoutes(router: ApiRouter, auth: MetricsAuth): void {
  const counted = new PrometheusRegistry({ maxSeries: 5000 });
  const requests = counted.counter(
    'soe_timeseries_http_requests_total',
    `HTTP requests answered, by method, route (the path pattern; ${UNMATCHED_ROUTE} when none matched) and status.`,
    ['method', 'route', 'status'],
  );
  const refused = counted.counter(
    'soe_timeseries_measure_writes_rejected_total',
    'Requests posting measures that were refused, by reason: back_window, unparsable_timestamp, ' +
      'before_epoch, after_max_timestamp, format, value, other (another 400), body_too_large (413).',
    ['reason'],
  );
  const routeOf = (request: FastifyRequest): string => request.routeOptions.url ?? UNMATCHED_ROUTE;

  router.app.addHook('onError', async (request, _reply, error: FastifyError | Error) => {
    if (request.method !== 'POST' || !routeOf(request).endsWith('/measures')) return;
    const reason = rejectionReason(error);
    if (reason !== undefined) refused.inc({ reason });
  });
  router.app.addHook('onResponse', async (request, reply) => {
    requests.inc({ method: request.method, route: routeOf(request), status: String(reply.statusCode) });
  });

  router.route(
    'GET',
    METRICS_PATH,
    async (request, reply) => {
      if (auth === 'admin') requireAdmin(request);
      const scraped = statusMetrics(await router.store.status());
      processMetrics(scraped);
      return reply
        .header('Content-Type', PROMETHEUS_CONTENT_TYPE)
        .header('Cache-Control', 'no-cache')
        .send(counted.render() + scraped.render());
    },
    { public: auth === 'none', noBody: true },
  );
}
