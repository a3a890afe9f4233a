/**
 * `POST /v1/search/resource/<type>`: resources matching a filter given as a JSON body or as `?filter=`
 * in the string form (see search-filter.ts), with `details`, `history` and pagination.
 */
import { currentUser } from './auth.js';
import { sendJson } from './http.js';
import { queryBool, queryOf } from './params.js';
import { filterFromRequest, findResources, sendResourcePage } from './resource-query.js';
import { getResourceTypeOr404 } from './resources.js';
import type { ApiRouter } from './routing.js';

/** Registers the search routes. */
export function registerSearchRoutes(router: ApiRouter): void {
  const { store } = router;

  router.route('POST', '/v1/search/resource/:type', async (request, reply) => {
    const { type: typeName } = request.params as { type: string };
    const type = await getResourceTypeOr404(store, typeName);
    const user = currentUser(request);
    const query = queryOf(request);
    const filter = filterFromRequest(request, query, user);
    const details = queryBool(query, 'details');
    const history = queryBool(query, 'history');
    const resources = await findResources(store, user, type, filter, history);
    return sendJson(
      reply,
      await sendResourcePage(store, request, reply, query, resources, type, details, history),
    );
  });
}
