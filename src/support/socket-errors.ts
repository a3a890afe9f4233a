/**
 * Socket failures said in words: the reason behind an errno code (`EADDRINUSE` → `address already in use`),
 * found in Node's `code` property or, for libraries that only quote it in their text (grpc-js's
 * `No address added out of total 1 resolved errors: [listen EADDRINUSE: …]`), in the message; and the
 * servers' `Could not bind to: <endpoint>: <reason>`.
 */

/** The errno codes a server or a client meets, and what each means to its user. */
const REASONS = new Map<string, string>([
  ['EADDRINUSE', 'address already in use'],
  ['EACCES', 'permission denied'],
  ['EPERM', 'operation not permitted'],
  ['EADDRNOTAVAIL', 'address not available'],
  ['ECONNREFUSED', 'connection refused'],
  ['ECONNRESET', 'connection reset by the peer'],
  ['ETIMEDOUT', 'connection timed out'],
  ['EHOSTUNREACH', 'host unreachable'],
  ['ENETUNREACH', 'network unreachable'],
  ['ENOTFOUND', 'host not found'],
  ['EAI_AGAIN', 'host name lookup failed'],
]);

/** Phrases of errors that carry no errno code, and their reason. */
const PHRASES: readonly [RegExp, string][] = [[/Name resolution failed/, 'host not found']];

/** The errors of a cause chain, outermost first (at most 8 deep). */
function chain(err: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = err; e !== undefined && e !== null && out.length < 8; e = (e as { cause?: unknown }).cause)
    out.push(e);
  return out;
}

/**
 * Why a socket operation failed, in words (`connection refused`, `address already in use`, …), from the
 * errno code of `err` or of an error in its `cause` chain, or from their messages; undefined when none is
 * recognized.
 */
export function socketErrorReason(err: unknown): string | undefined {
  const errors = chain(err);
  for (const e of errors) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && REASONS.has(code)) return REASONS.get(code);
  }
  for (const e of errors) {
    const message = e instanceof Error ? e.message : typeof e === 'string' ? e : '';
    for (const match of message.matchAll(/\b(E[A-Z_]+)\b/g)) {
      const reason = REASONS.get(match[1]!);
      if (reason !== undefined) return reason;
    }
    for (const [pattern, reason] of PHRASES) if (pattern.test(message)) return reason;
  }
  return undefined;
}

/**
 * The error of a server that cannot bind `endpoint`: `Could not bind to: <endpoint>` (the original's
 * text) and why, e.g. `Could not bind to: 127.0.0.1:6473: address already in use`; an unrecognized cause
 * gives its own message, an empty one nothing more.
 */
export function bindError(endpoint: string, cause: unknown): Error {
  let why = socketErrorReason(cause);
  const port = Number(/:(\d+)$/.exec(endpoint)?.[1] ?? NaN);
  if (why === 'permission denied' && port > 0 && port < 1024) why += ' (ports below 1024 need privileges)';
  why ??= cause instanceof Error ? cause.message : '';
  return new Error(`Could not bind to: ${endpoint}${why === '' ? '' : `: ${why}`}`, { cause });
}
