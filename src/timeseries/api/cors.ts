/**
 * CORS for the origins of `--cors-allowed-origin`, as oslo.middleware's CORS filter answers in front of
 * Gnocchi: a preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`) from an allowed
 * origin for an allowed method is answered 200 with the `Access-Control-Allow-*` headers; any other
 * request from an allowed origin gets `Access-Control-Allow-Origin` on its reply. Other origins get no
 * CORS header (and, as before, a 403 on a request that could change something).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { apiSettings } from './api-settings.js';

/** The methods Gnocchi's CORS defaults allow. */
export const CORS_ALLOW_METHODS: readonly string[] = ['GET', 'PUT', 'POST', 'DELETE', 'PATCH'];
/** The request headers Gnocchi's CORS defaults allow. */
export const CORS_ALLOW_HEADERS: readonly string[] = [
  'X-Auth-Token',
  'X-Subject-Token',
  'X-User-Id',
  'X-Domain-Id',
  'X-Project-Id',
  'X-Roles',
];

/** Adds `Origin` to the reply's `Vary` header, keeping what is there. */
function varyOnOrigin(reply: FastifyReply): void {
  const vary = reply.getHeader('Vary');
  const now = typeof vary === 'string' && vary !== '' ? `${vary}, Origin` : 'Origin';
  reply.header('Vary', now);
}

function allowedOrigin(request: FastifyRequest): string | undefined {
  const origin = request.headers.origin;
  if (origin === undefined) return undefined;
  return apiSettings(request).corsAllowedOrigins.includes(origin) ? origin : undefined;
}

/** Adds the CORS hooks to an app (they do nothing unless origins are allowed in its settings). */
export function registerCors(app: FastifyInstance): void {
  app.addHook('onRequest', async (request, reply) => {
    const requested = request.headers['access-control-request-method'];
    if (request.method !== 'OPTIONS' || typeof requested !== 'string') return;
    const origin = allowedOrigin(request);
    if (origin === undefined || !CORS_ALLOW_METHODS.includes(requested)) return;
    const asked = request.headers['access-control-request-headers'];
    const wanted =
      typeof asked === 'string'
        ? asked
            .split(',')
            .map((h) => h.trim())
            .filter((h) => h !== '')
        : [];
    const allowed = new Set(CORS_ALLOW_HEADERS.map((h) => h.toLowerCase()));
    if (!wanted.every((h) => allowed.has(h.toLowerCase()))) return;
    varyOnOrigin(reply);
    reply
      .code(200)
      .header('Access-Control-Allow-Origin', origin)
      .header('Access-Control-Allow-Credentials', 'true')
      .header('Access-Control-Allow-Methods', requested);
    if (wanted.length > 0) reply.header('Access-Control-Allow-Headers', wanted.join(','));
    return reply.send();
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const origin = allowedOrigin(request);
    if (origin === undefined || reply.hasHeader('Access-Control-Allow-Origin')) return payload;
    varyOnOrigin(reply);
    reply.header('Access-Control-Allow-Origin', origin).header('Access-Control-Allow-Credentials', 'true');
    return payload;
  });
}
