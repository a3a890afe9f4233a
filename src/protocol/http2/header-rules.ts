import type { HeaderField } from './hpack.js';

/** Headers that belong to HTTP/1.1 connections and make an HTTP/2 message malformed (RFC 9113 §8.2.2). */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
]);
/** The pseudo-headers of a request (RFC 9113 §8.3.1). */
const REQUEST_PSEUDO = new Set([':method', ':scheme', ':path', ':authority']);
/** The pseudo-headers every request (but CONNECT, which gRPC never sends) must have (RFC 9113 §8.3.1). */
const MANDATORY_PSEUDO = [':method', ':scheme', ':path'];

/**
 * Why a request's header block is malformed (RFC 9113 §8.2 and §8.3), or undefined if it is not:
 * uppercase names, connection-specific headers, `te` other than `trailers`, unknown, repeated or late
 * pseudo-headers, a missing :method, :scheme or :path, or an empty :path. Trailers (`trailers` true) may carry no pseudo-header at all.
 */
export function malformedRequestHeaders(
  fields: readonly HeaderField[],
  trailers: boolean,
): string | undefined {
  const seen = new Set<string>();
  let regular = false;
  for (const [name, value] of fields) {
    if (name !== name.toLowerCase()) return `uppercase header name '${name}'`;
    if (name.startsWith(':')) {
      if (trailers) return `pseudo-header '${name}' in trailers`;
      if (!REQUEST_PSEUDO.has(name)) return `unknown pseudo-header '${name}'`;
      if (regular) return `pseudo-header '${name}' after a regular header`;
      if (seen.has(name)) return `repeated pseudo-header '${name}'`;
      if (name === ':path' && value === '') return "empty ':path'";
      seen.add(name);
      continue;
    }
    regular = true;
    if (CONNECTION_SPECIFIC.has(name)) return `connection-specific header '${name}'`;
    if (name === 'te' && value !== 'trailers') return `te: ${value}`;
  }
  if (!trailers) {
    for (const name of MANDATORY_PSEUDO) if (!seen.has(name)) return `no '${name}' pseudo-header`;
  }
  return undefined;
}
