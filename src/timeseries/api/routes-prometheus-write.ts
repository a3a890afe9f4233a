/**
 * `POST /v1/prometheus/write`: Prometheus remote write (prometheus-remote-write.ts), as Gnocchi 4.4 serves
 * it. Each series' resource is `<job>@<instance>` (`none` for a missing label) of type `prometheus`
 * (created with the required string attributes `job` and `instance`, 1 to 512 characters, by the first
 * write of an administrator; a non-administrator's first write is 403), its metric the series'
 * `__name__`, with the policy of the archive policy rules; a later series of the same resource and name
 * replaces an earlier one's samples. 202. Differences from Gnocchi, which fails with 500 on these: a body
 * that is not a snappy block or a WriteRequest is 400, a series with samples but no `__name__` is 400;
 * samples whose value is NaN or infinite (Prometheus's staleness markers) are skipped, as the store keeps
 * finite values only. Bodies over the limits get 413.
 */
import { TimeseriesError } from '../errors.js';
import type { AttributeSchema, Measure } from '../model.js';
import {
  decodeWriteRequest,
  DEFAULT_REMOTE_WRITE_LIMITS,
  RemoteWriteError,
  uncompressSnappy,
  type RemoteSeries,
  type RemoteWriteLimits,
} from '../prometheus-remote-write.js';
import { parseTimestamp } from '../timestamp.js';
import type { Mutex } from '../../support/mutex.js';
import { currentUser } from './auth.js';
import { rawBody, sendAccepted } from './http.js';
import { ingestMeasures, type IngestTarget } from './ingest-resources.js';
import type { ApiRouter } from './routing.js';

/** The resource type of Prometheus resources. */
export const PROMETHEUS_RESOURCE_TYPE = 'prometheus';

/** Its attributes (Gnocchi's `PROMETHEUS_RESOURCE_TYPE`). */
export const PROMETHEUS_TYPE_ATTRIBUTES: Record<string, AttributeSchema> = {
  instance: { type: 'string', min_length: 1, max_length: 512, required: true },
  job: { type: 'string', min_length: 1, max_length: 512, required: true },
};

/** The measures of a series: timestamps in seconds (Gnocchi's checks and reasons), non-finite values skipped. */
function seriesMeasures(series: RemoteSeries): Measure[] {
  const measures: Measure[] = [];
  for (const sample of series.samples) {
    const timestamp = parseTimestamp(sample.timestampMs / 1000);
    if (Number.isFinite(sample.value)) measures.push({ timestamp, value: sample.value });
  }
  return measures;
}

/** Groups series by resource (`job@instance`), then metric name (a later series of a name replaces it). */
export function remoteWriteTargets(series: readonly RemoteSeries[]): IngestTarget[] {
  const byResource = new Map<string, IngestTarget>();
  for (const [index, one] of series.entries()) {
    const job = one.job ?? 'none';
    const instance = one.instance ?? 'none';
    if (one.name === undefined) {
      throw new TimeseriesError(400, `Time series ${index + 1} with samples has no __name__ label`);
    }
    const originalId = `${job}@${instance}`;
    let target = byResource.get(originalId);
    if (target === undefined) {
      target = { originalId, attributes: { job, instance }, metrics: new Map() };
      byResource.set(originalId, target);
    }
    target.metrics.set(one.name, seriesMeasures(one));
  }
  return [...byResource.values()];
}

/** Registers the remote-write route; `mutex` serializes resource and metric creation. */
export function registerPrometheusWriteRoutes(
  router: ApiRouter,
  mutex: Mutex,
  limits: RemoteWriteLimits = DEFAULT_REMOTE_WRITE_LIMITS,
): void {
  const { store } = router;
  router.route(
    'POST',
    '/v1/prometheus/write',
    async (request, reply) => {
      let series: RemoteSeries[];
      try {
        series = decodeWriteRequest(uncompressSnappy(rawBody(request), limits.maxDecompressedBytes), limits);
      } catch (e) {
        if (e instanceof RemoteWriteError) throw new TimeseriesError(e.status, e.message);
        throw e;
      }
      await ingestMeasures(
        {
          store,
          mutex,
          user: currentUser(request),
          resourceType: PROMETHEUS_RESOURCE_TYPE,
          typeAttributes: PROMETHEUS_TYPE_ATTRIBUTES,
        },
        remoteWriteTargets(series),
      );
      return sendAccepted(reply);
    },
    { noBody: true },
  );
}
