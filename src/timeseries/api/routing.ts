/**
 * Route registration shared by the route files: authentication before each handler, Accept
 * negotiation (406 when JSON cannot be served) and 405 for the methods a known path does not support.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TimeseriesStore } from '../store.js';
import { TimeseriesError } from '../errors.js';
import { authenticate, type AuthSettings } from './auth.js';
import { acceptsJson } from './http.js';

/** HTTP methods the API routes (HEAD is derived from GET by fastify). */
export type Method = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

const ALL_METHODS: Method[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];

/** A route handler: sends its reply itself (or returns the reply). */
export type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Per-route options. */
export interface RouteFlags {
  /** No authentication (version documents, capabilities). */
  public?: boolean;
  /** The route answers without a body (204/202): any Accept header is fine. */
  noBody?: boolean;
}

/** What every route file gets: the store and the authentication, plus the registration helper. */
export class ApiRouter {
  private readonly methods = new Map<string, Set<Method>>();

  constructor(
    readonly app: FastifyInstance,
    readonly store: TimeseriesStore,
    readonly auth: AuthSettings,
  ) {}

  /** Registers `method path` with authentication and Accept checks around `handler`. */
  route(method: Method, path: string, handler: Handler, flags: RouteFlags = {}): void {
    const known = this.methods.get(path) ?? new Set<Method>();
    known.add(method);
    this.methods.set(path, known);
    this.app.route({
      method,
      url: path,
      handler: async (request, reply) => {
        if (flags.public !== true) {
          const user = authenticate(request, reply, this.auth);
          if (user instanceof Promise) await user;
        }
        if (flags.noBody !== true && !acceptsJson(request)) throw new TimeseriesError(406, '');
        await handler(request, reply);
        return reply;
      },
    });
  }

  /**
   * Adds 405 (with `Allow`) for every method a registered path does not support, and `OPTIONS` answering
   * 200 with `Allow` and no body, as Gnocchi does (CORS preflights from allowed origins are answered
   * before, cors.ts). Call once, last.
   */
  finish(): void {
    for (const [path, known] of this.methods) {
      const allow = [...known, ...(known.has('GET') ? ['HEAD'] : [])].join(', ');
      this.app.route({
        method: 'OPTIONS',
        url: path,
        handler: async (_request, reply) => reply.code(200).header('Allow', allow).send(),
      });
      const missing = ALL_METHODS.filter((m) => !known.has(m));
      if (missing.length === 0) continue;
      this.app.route({
        method: missing,
        url: path,
        handler: async (_request, reply) => {
          reply.header('Allow', allow);
          throw new TimeseriesError(405, '');
        },
      });
    }
  }
}
