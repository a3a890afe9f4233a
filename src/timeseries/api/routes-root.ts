/** `GET /` (version document) and `GET /v1/` (links to the sub-collections); no authentication. */
import { baseUrl, sendJson } from './http.js';
import type { ApiRouter } from './routing.js';

/** The Gnocchi release whose API this service reproduces (reported as `build`). */
export const GNOCCHI_BUILD = '4.4.2';

/** The sub-collections listed by `GET /v1/`. */
export const V1_COLLECTIONS = [
  'aggregates',
  'archive_policy',
  'archive_policy_rule',
  'batch',
  'capabilities',
  'metric',
  'resource',
  'resource_type',
  'search',
  'status',
];

/** Registers the version documents. */
export function registerRootRoutes(router: ApiRouter): void {
  router.route(
    'GET',
    '/',
    async (request, reply) =>
      sendJson(reply, {
        build: GNOCCHI_BUILD,
        versions: [
          {
            status: 'CURRENT',
            links: [{ rel: 'self', href: `${baseUrl(request)}/v1/` }],
            id: 'v1.0',
            updated: '2015-03-19',
          },
        ],
      }),
    { public: true },
  );
  router.route(
    'GET',
    '/v1',
    async (request, reply) => {
      const base = `${baseUrl(request)}/v1`;
      return sendJson(reply, {
        version: '1.0',
        links: [
          { rel: 'self', href: base },
          ...V1_COLLECTIONS.map((name) => ({ rel: name, href: `${base}/${name}` })),
        ],
      });
    },
    { public: true },
  );
}
