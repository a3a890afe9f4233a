/**
 * Batched measure writes, all or nothing: `POST /v1/batch/metrics/measures` (`{"<metric id>": [measures]}`)
 * and `POST /v1/batch/resources/metrics/measures[?create_metrics=true]`
 * (`{"<resource id>": {"<metric name>": [measures] | {"archive_policy_name"?, "unit"?, "measures"}}}`).
 * The metrics one batch creates are at most `--max-batch-new-metrics` (400 beyond, nothing created). The
 * keys (metrics, resources and their metrics) are looked up in bulk, a few queries per batch; an unknown
 * metrics error lists at most 1000 (see unknown-metrics.ts).
 */
import type { Mutex } from '../../support/mutex.js';
import { TimeseriesError } from '../errors.js';
import type { Measure, Metric } from '../model.js';
import { ownValue } from '../own-property.js';
import type { MeasureBatch } from '../store.js';
import { canAccess, currentUser } from './auth.js';
import { checkBatchNewMetrics, maxBatchNewMetrics } from './batch-limit.js';
import { readJson, sendAccepted } from './http.js';
import { parseUuid, resourceUuid } from './ids.js';
import { parseMeasures } from './measures.js';
import {
  createResourceMetrics,
  liveMetricsOf,
  parseMetricDefinition,
  type MetricDefinition,
} from './metrics.js';
import { queryOf, queryParam, parseBool } from './params.js';
import type { ApiRouter } from './routing.js';
import { unknownMetricsError } from './unknown-metrics.js';
import { checkKeys, expectObject, invalidAt, isObject } from './validate.js';

interface NamedMeasures {
  measures: Measure[];
  archive_policy_name?: string;
  unit?: string;
}

function parseNamedMeasures(value: unknown, key: string, now: number): NamedMeasures {
  if (!isObject(value)) return { measures: parseMeasures(value, key, now) };
  checkKeys(value, ['archive_policy_name', 'unit', 'measures'], ['measures'], [key]);
  const out: NamedMeasures = { measures: parseMeasures(value.measures, key, now) };
  if (typeof value.archive_policy_name === 'string') out.archive_policy_name = value.archive_policy_name;
  if (typeof value.unit === 'string') out.unit = value.unit;
  return out;
}

/** Registers the batch routes; `mutex` serializes metric creation on resources. */
export function registerBatchRoutes(router: ApiRouter, mutex: Mutex): void {
  const { store } = router;

  router.route(
    'POST',
    '/v1/batch/metrics/measures',
    async (request, reply) => {
      const user = currentUser(request);
      const body = expectObject(readJson(request));
      const now = Date.now() / 1000;
      const batches: MeasureBatch[] = [];
      for (const [key, value] of Object.entries(body)) {
        const id = parseUuid(key);
        if (id === undefined) throw invalidAt('extra keys not allowed', [key]);
        batches.push({ metricId: id, measures: parseMeasures(value, key, now) });
      }
      const found = await store.getMetrics(batches.map((b) => b.metricId));
      const metrics: Metric[] = [];
      const missing: string[] = [];
      for (const batch of batches) {
        const metric = found.get(batch.metricId);
        if (metric === undefined) missing.push(batch.metricId);
        else metrics.push(metric);
      }
      if (missing.length > 0) throw unknownMetricsError(missing);
      if (metrics.some((m) => !canAccess(user, m.creator))) throw new TimeseriesError(403, '');
      const nonEmpty = batches.filter((b) => b.measures.length > 0);
      if (nonEmpty.length > 0) await store.addMeasures(nonEmpty);
      return sendAccepted(reply);
    },
    { noBody: true },
  );

  router.route(
    'POST',
    '/v1/batch/resources/metrics/measures',
    async (request, reply) => {
      const user = currentUser(request);
      const createMetrics = parseBool('create_metrics', queryParam(queryOf(request), 'create_metrics'));
      const body = expectObject(readJson(request));
      const now = Date.now() / 1000;
      const parsed: { original: string; id: string; names: Map<string, NamedMeasures> }[] = [];
      for (const [original, value] of Object.entries(body)) {
        let id: string;
        try {
          id = resourceUuid(original, user.id);
        } catch {
          throw invalidAt('extra keys not allowed', [original]);
        }
        const names = new Map<string, NamedMeasures>();
        for (const [name, measures] of Object.entries(expectObject(value, [original]))) {
          names.set(name, parseNamedMeasures(measures, original, now));
        }
        parsed.push({ original, id, names });
      }
      const limit = maxBatchNewMetrics(request);
      await mutex.run(async () => {
        // New metrics of the whole batch; past the limit their definitions are no longer read, only counted.
        let newMetrics = 0;
        const unknownMetrics: string[] = [];
        const unknownResources: { resource_id: string; original_resource_id: string }[] = [];
        const toCreate: {
          resourceId: string;
          names: Map<string, NamedMeasures>;
          defs: { name: string; def: MetricDefinition }[];
        }[] = [];
        const known: { metricId: string; measures: Measure[] }[] = [];
        // Every resource of the batch and every metric of those in two bulk lookups, not one per key.
        const resources = await store.getResources(parsed.map((p) => p.id));
        const resourceMetrics = await store.getMetrics(
          [...resources.values()].flatMap((r) => Object.values(r.metrics)),
        );
        for (const { original, id, names } of parsed) {
          const resource = resources.get(id);
          if (resource !== undefined && !canAccess(user, resource.creator))
            throw new TimeseriesError(403, '');
          const live = resource === undefined ? {} : liveMetricsOf(resource, resourceMetrics);
          const defs: { name: string; def: MetricDefinition }[] = [];
          for (const [name, named] of names) {
            const metricId = ownValue(live, name);
            if (metricId !== undefined) known.push({ metricId, measures: named.measures });
            else if (!createMetrics) unknownMetrics.push(`${id}/${name}`);
            else if (resource === undefined) {
              unknownResources.push({ resource_id: id, original_resource_id: original });
              break;
            } else if (++newMetrics <= limit) {
              const def = await parseMetricDefinition(store, user, {
                name,
                ...(named.archive_policy_name !== undefined
                  ? { archive_policy_name: named.archive_policy_name }
                  : {}),
                ...(named.unit !== undefined ? { unit: named.unit } : {}),
              });
              defs.push({ name, def });
            }
          }
          if (defs.length > 0) toCreate.push({ resourceId: id, names, defs });
        }
        if (unknownResources.length > 0) {
          throw new TimeseriesError(400, { cause: 'Unknown resources', detail: unknownResources });
        }
        if (unknownMetrics.length > 0) {
          throw unknownMetricsError(unknownMetrics);
        }
        checkBatchNewMetrics(newMetrics, limit);
        for (const { resourceId, names, defs } of toCreate) {
          const created = await createResourceMetrics(store, user, resourceId, defs, 'conflict');
          for (const metric of created) {
            known.push({ metricId: metric.id, measures: names.get(metric.name ?? '')?.measures ?? [] });
          }
        }
        const nonEmpty = known.filter((k) => k.measures.length > 0);
        if (nonEmpty.length > 0) await store.addMeasures(nonEmpty);
      });
      return sendAccepted(reply);
    },
    { noBody: true },
  );
}
