/**
 * `GET /v1/status[?details=false]`: the store's backlog, admin only (403 otherwise). As in Gnocchi,
 * `summary.metrics` counts the metrics that have measures waiting to be processed (not all metrics);
 * `summary.rejected_measures` (ours) counts measures refused for being older than their back window,
 * `summary.quarantined_records` (ours) the journal records kept aside because they could not be replayed;
 * `journal` (ours, beside `storage` and `metricd`) the embedded store's journal and checkpoints (JournalStatus),
 * null on PostgreSQL: `storage` keeps only Gnocchi's keys (`summary`, and `measures_to_process` unless
 * `details=false`), whose number Gnocchi's own tests check.
 */
import { requireAdmin } from './auth.js';
import { sendJson } from './http.js';
import { queryBool, queryOf } from './params.js';
import type { ApiRouter } from './routing.js';

/** Registers the status route. */
export function registerStatusRoutes(router: ApiRouter): void {
  router.route('GET', '/v1/status', async (request, reply) => {
    requireAdmin(request);
    const details = queryBool(queryOf(request), 'details', true);
    const status = await router.store.status();
    const pending = Object.values(status.measures_to_process).filter((n) => n > 0).length;
    const storage: Record<string, unknown> = {
      summary: {
        metrics: pending,
        measures: status.measures,
        rejected_measures: status.rejected_measures,
        quarantined_records: status.quarantined_records,
      },
    };
    if (details) storage.measures_to_process = status.measures_to_process;
    return sendJson(reply, {
      storage,
      metricd: { processors: null, statistics: {} },
      journal: status.journal ?? null,
    });
  });
}
