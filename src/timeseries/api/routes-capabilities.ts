/** `GET /v1/capabilities`: the aggregation methods the service knows (no authentication, as Gnocchi). */
import { AGGREGATION_METHODS } from '../aggregation-methods.js';
import { sendJson } from './http.js';
import type { ApiRouter } from './routing.js';

/** Registers the capabilities route. */
export function registerCapabilitiesRoutes(router: ApiRouter): void {
  router.route(
    'GET',
    '/v1/capabilities',
    async (_request, reply) => sendJson(reply, { aggregation_methods: [...AGGREGATION_METHODS] }),
    { public: true },
  );
}
