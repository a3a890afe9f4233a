/**
 * Admission of request bodies by the bytes the server is receiving at once (`--max-concurrent-body-size`):
 * a request reserves its Content-Length before its body is read and gives it back once answered (or
 * aborted); one that would pass the bound is answered 503 at once, its body unread. `--max-body-size`
 * bounds one body; this bounds all of them together (without it, as many 8 MiB bodies as connections).
 * A chunked body, of no declared length, is bounded by `--max-body-size` alone.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { BodyBudget } from '../../support/body-budget.js';
import { TimeseriesError } from '../errors.js';

/** The default bound: 256 MiB, 32 bodies of the default --max-body-size at once. */
export const DEFAULT_MAX_CONCURRENT_BODY_SIZE = 256 * 1024 * 1024;

/**
 * Registers the hooks that admit request bodies within `maxBytes` received at once; a body over
 * `bodyLimit` reserves nothing (it is refused with 413, unread).
 */
export function registerBodyAdmission(app: FastifyInstance, maxBytes: number, bodyLimit: number): void {
  const budget = new BodyBudget(maxBytes);
  const reserved = new WeakMap<FastifyRequest, number>();
  const release = async (request: FastifyRequest): Promise<void> => {
    const bytes = reserved.get(request);
    if (bytes === undefined) return;
    reserved.delete(request);
    budget.release(bytes);
  };
  app.addHook('onRequest', async (request) => {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (!(declared > 0) || declared > bodyLimit) return;
    if (!budget.reserve(declared)) {
      throw new TimeseriesError(
        503,
        `Request bodies of ${budget.reserved + declared} bytes at once, more than the ${maxBytes} of ` +
          '--max-concurrent-body-size: try again later',
      );
    }
    reserved.set(request, declared);
  });
  app.addHook('onResponse', release);
  app.addHook('onRequestAbort', release);
}
