/**
 * `GET /healthcheck` (and HEAD): 200 `OK` in plain text, without authentication, as oslo.middleware's
 * healthcheck filter answers in front of Gnocchi (for load balancers).
 */
import type { ApiRouter } from './routing.js';

/** Registers the health check. */
export function registerHealthcheckRoutes(router: ApiRouter): void {
  router.route(
    'GET',
    '/healthcheck',
    async (_request, reply) => reply.code(200).type('text/plain; charset=UTF-8').send('OK'),
    { public: true, noBody: true },
  );
}
