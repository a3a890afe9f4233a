/**
 * `/v1/archive_policy`: create (admin, 201 + Location), list, show, PATCH (points/timespan of existing
 * granularities and back_window only) and delete (admin, 400 while in use). Validation and the JSON form
 * come from the archive-policy library.
 */
import { archivePolicyToJson, parseArchivePolicy, patchArchivePolicy } from '../archive-policy.js';
import { TimeseriesError } from '../errors.js';
import type { ArchivePolicy } from '../model.js';
import type { TimeseriesStore } from '../store.js';
import { requireAdmin } from './auth.js';
import { readJson, sendJson, sendNoContent, setLocation } from './http.js';
import type { ApiRouter } from './routing.js';

/** A policy by name, or 404 "Archive policy <name> does not exist". */
export async function getArchivePolicyOr404(store: TimeseriesStore, name: string): Promise<ArchivePolicy> {
  const policy = await store.getArchivePolicy(name);
  if (policy === undefined) throw new TimeseriesError(404, `Archive policy ${name} does not exist`);
  return policy;
}

/** Registers the archive policy routes. */
export function registerArchivePolicyRoutes(router: ApiRouter): void {
  const { store } = router;

  router.route('POST', '/v1/archive_policy', async (request, reply) => {
    requireAdmin(request);
    const policy = parseArchivePolicy(readJson(request));
    await store.createArchivePolicy(policy);
    setLocation(request, reply, `/v1/archive_policy/${policy.name}`);
    return sendJson(reply, archivePolicyToJson(policy), 201);
  });

  router.route('GET', '/v1/archive_policy', async (_request, reply) =>
    sendJson(reply, (await store.listArchivePolicies()).map(archivePolicyToJson)),
  );

  router.route('GET', '/v1/archive_policy/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    return sendJson(reply, archivePolicyToJson(await getArchivePolicyOr404(store, name)));
  });

  router.route('PATCH', '/v1/archive_policy/:name', async (request, reply) => {
    const { name } = request.params as { name: string };
    const existing = await getArchivePolicyOr404(store, name);
    requireAdmin(request);
    const updated = patchArchivePolicy(existing, readJson(request));
    await store.updateArchivePolicy(updated);
    return sendJson(reply, archivePolicyToJson(updated));
  });

  router.route(
    'DELETE',
    '/v1/archive_policy/:name',
    async (request, reply) => {
      const { name } = request.params as { name: string };
      requireAdmin(request);
      await store.deleteArchivePolicy(name);
      return sendNoContent(reply);
    },
    { noBody: true },
  );
}
