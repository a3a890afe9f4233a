/**
 * `GET /` (version document; a browser asking for HTML is sent to the web GUI instead) and `GET /v1/`
 * (links to the sub-collections); no authentication.
 */
import { TimeseriesError } from '../errors.js';
import { acceptsJson, baseUrl, prefersHtml, sendJson } from './http.js';
import type { ApiRouter } from './routing.js';
import { UI_PREFIX } from './routes-ui.js';

/** The Gnocchi release whose API this service reproduces (reported as `build`). */
export const GNOCCHI_BUILD = '4.4.2';

/** The sub-collections listed by `GET /v1/`, sorted, as Gnocchi 4.4 lists them (without `prometheus`). */
export const V1_COLLECTIONS = [
  'aggregates',
  'aggregation',
  'archive_policy',
  'archive_policy_rule',
  'batch',
  'capabilities',
  'influxdb',
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
    async (request, reply) => {
      reply.header('Vary', 'Accept');
      if (prefersHtml(request)) return reply.redirect(UI_PREFIX, 302);
      if (!acceptsJson(request)) throw new TimeseriesError(406, '');
      return sendJson(reply, {
        build: GNOCCHI_BUILD,
        versions: [
          {
            status: 'CURRENT',
            links: [{ rel: 'self', href: `${baseUrl(request)}/v1/` }],
            id: 'v1.0',
            updated: '2015-03-19',
          },
        ],
      });
    },
    // The handler negotiates Accept itself: text/html goes to the GUI, the rest as every route.
    { public: true, noBody: true },
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
