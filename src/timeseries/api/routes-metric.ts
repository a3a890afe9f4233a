/**
 * `/v1/metric`: create (free-standing, or named on a resource with `resource_id`), list (filters,
 * pagination), show and delete. Non-admin callers only see and change the metrics they created.
 */
import type { Mutex } from '../../support/mutex.js';
import type { Metric } from '../model.js';
import { apiSettings } from './api-settings.js';
import { currentUser, canAccess } from './auth.js';
import { TimeseriesError } from '../errors.js';
import { readJson, sendJson, sendNoContent, setLocation } from './http.js';
import {
  createMetric,
  createResourceMetrics,
  deleteMetric,
  getAccessibleMetric,
  metricDetailJson,
  metricJson,
  metricListJson,
  parseMetricDefinition,
} from './metrics.js';
import { paginate, parsePagination, setNextLink } from './pagination.js';
import { queryOf, queryParam } from './params.js';
import type { ApiRouter } from './routing.js';
import { invalidValue } from './validate.js';

const METRIC_SORT_KEYS = new Set([
  'id',
  'name',
  'unit',
  'archive_policy_name',
  'creator',
  'resource_id',
  'created_by_user_id',
  'created_by_project_id',
]);

/** Registers the metric routes; `mutex` serializes changes to resources' metric maps. */
export function registerMetricRoutes(router: ApiRouter, mutex: Mutex): void {
  const { store } = router;

  router.route('POST', '/v1/metric', async (request, reply) => {
    const user = currentUser(request);
    const def = await parseMetricDefinition(store, user, readJson(request));
    let metric: Metric;
    if (def.resource !== undefined) {
      const [original, resourceId] = def.resource;
      const name = def.name ?? '';
      metric = await mutex.run(async () => {
        const resource = await store.getResource(resourceId);
        if (resource === undefined) throw new TimeseriesError(400, `Resource ${original} does not exist`);
        if (!canAccess(user, resource.creator)) throw new TimeseriesError(403, '');
        const [created] = await createResourceMetrics(
          store,
          user,
          resourceId,
          [{ name, def }],
          'bad-request',
        );
        if (created === undefined) throw new TimeseriesError(500, 'metric not created');
        return created;
      });
    } else {
      metric = await createMetric(store, user, def);
    }
    setLocation(request, reply, `/v1/metric/${metric.id}`);
    return sendJson(reply, metricJson(metric), 201);
  });

  router.route('GET', '/v1/metric', async (request, reply) => {
    const user = currentUser(request);
    const query = queryOf(request);
    const page = parsePagination(query, ['id:asc'], apiSettings(request).maxLimit);
    const status = queryParam(query, 'status');
    if (status !== undefined && status !== 'active' && status !== 'delete') {
      throw invalidValue('not a valid value', ['status']);
    }
    const equal: [keyof Metric, string | undefined][] = [
      ['id', queryParam(query, 'id')],
      ['name', queryParam(query, 'name')],
      ['unit', queryParam(query, 'unit')],
      ['archive_policy_name', queryParam(query, 'archive_policy_name')],
      ['created_by_user_id', queryParam(query, 'user_id')],
      ['created_by_project_id', queryParam(query, 'project_id')],
    ];
    const creator = queryParam(query, 'creator');
    const all = status === 'delete' ? [] : await store.listMetrics();
    const visible = all.filter(
      (m) =>
        canAccess(user, m.creator) &&
        (creator === undefined || m.creator === creator) &&
        equal.every(([key, value]) => value === undefined || m[key] === value),
    );
    const pageItems = paginate(
      visible,
      page,
      (m) => m.id,
      (m, key) => m[key as keyof Metric],
      METRIC_SORT_KEYS,
    );
    setNextLink(request, reply, query, page, pageItems.length, pageItems.at(-1)?.id);
    const body = [];
    for (const m of pageItems) body.push(await metricListJson(store, m));
    return sendJson(reply, body);
  });

  router.route('GET', '/v1/metric/:id', async (request, reply) => {
    const { id } = request.params as { id: string };
    const metric = await getAccessibleMetric(store, request, id);
    return sendJson(reply, await metricDetailJson(store, metric));
  });

  router.route(
    'DELETE',
    '/v1/metric/:id',
    async (request, reply) => {
      const { id } = request.params as { id: string };
      const metric = await getAccessibleMetric(store, request, id);
      await mutex.run(() => deleteMetric(store, metric));
      return sendNoContent(reply);
    },
    { noBody: true },
  );
}
