/**
 * Defences against browsers made to act for a page of another site. DNS rebinding: a page of
 * `evil.example`, whose name is then pointed at 127.0.0.1, talks to the server as same-origin but its
 * requests carry `Host: evil.example`; so a request whose Host is not a name of this server is refused
 * with 403. Cross-site requests: a page may send a form or a fetch to the server (a "simple" request
 * needs no CORS preflight), carrying the browser's credentials; so a request that could change something
 * (any method but GET, HEAD and OPTIONS) with an `Origin` other than the server's own is refused with 403.
 * Clients that are not browsers (gnocchiclient, curl) send the server's name as Host and no Origin.
 */
import { hostname, networkInterfaces } from 'node:os';
import { TimeseriesError } from '../errors.js';

/** The names any server answers to: loopback. */
export const LOOPBACK_NAMES: readonly string[] = ['localhost', '127.0.0.1', '[::1]'];

/** Wildcard listen addresses (every interface). */
const WILDCARDS = new Set(['0.0.0.0', '::', '[::]', '']);

/** A host name as Host headers write it: lower case, IPv6 in brackets, no trailing dot. */
export function normalHostName(name: string): string {
  let host = name.trim().toLowerCase();
  if (host.includes(':') && !host.startsWith('[')) host = `[${host}]`;
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

/** The host name of a Host header value (the port dropped), normalised. */
export function hostOfHeader(header: string): string {
  const value = header.trim();
  if (value.startsWith('[')) {
    const end = value.indexOf(']');
    return normalHostName(end === -1 ? value : value.slice(0, end + 1));
  }
  const colon = value.lastIndexOf(':');
  return normalHostName(colon === -1 ? value : value.slice(0, colon));
}

/** The names of this machine: its host name and the addresses of its interfaces (for a wildcard listen). */
function machineNames(): string[] {
  const names = [hostname()];
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? [])
      names.push(a.family === 'IPv6' ? a.address.replace(/%.*$/, '') : a.address);
  }
  return names;
}

/**
 * The host names a server listening on `listenHost` accepts in Host headers: loopback, the listen host
 * (for a wildcard address, the machine's name and addresses), and `extra` (`*`: any name).
 */
export function allowedHostNames(
  listenHost: string,
  extra: readonly string[] = [],
): ReadonlySet<string> | 'any' {
  if (extra.some((name) => name.trim() === '*')) return 'any';
  const names = [...LOOPBACK_NAMES, ...extra];
  names.push(...(WILDCARDS.has(listenHost) ? machineNames() : [listenHost]));
  return new Set(names.map(normalHostName).filter((n) => n !== ''));
}

/** The methods that cannot change anything (a cross-origin one of them is left to CORS, which we never allow). */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** `host[:port]` of an Origin header, lower case, or undefined for `null` or a value that is not an origin. */
function originHost(origin: string): string | undefined {
  try {
    const url = new URL(origin);
    return url.host === '' ? undefined : url.host.toLowerCase();
  } catch {
    return undefined;
  }
}

/** `host[:port]` of a Host header as a URL writes it (default port dropped), lower case. */
function normalAuthority(host: string): string | undefined {
  try {
    return new URL(`http://${host}`).host.toLowerCase();
  } catch {
    return undefined;
  }
}

/**
 * Throws 403 when the request's Host is not one of `allowed`, or when a request with a method that may
 * change something carries an Origin other than its own Host (scheme aside: a TLS proxy may stand in
 * front) and not one of `trustedOrigins` (the CORS origins of `--cors-allowed-origin`). A request without
 * Host (HTTP/1.0) or without Origin (not a browser's) passes that check.
 */
export function checkHostAndOrigin(
  method: string,
  headers: { host?: string | undefined; origin?: string | undefined },
  allowed: ReadonlySet<string> | 'any',
  trustedOrigins: readonly string[] = [],
): void {
  const { host, origin } = headers;
  if (host !== undefined && allowed !== 'any' && !allowed.has(hostOfHeader(host))) {
    throw new TimeseriesError(
      403,
      `Host '${host}' is not a name of this server: add it to --allowed-hosts to serve it`,
    );
  }
  if (origin === undefined || SAFE_METHODS.has(method) || trustedOrigins.includes(origin)) return;
  const from = originHost(origin);
  if (from === undefined || host === undefined || from !== normalAuthority(host)) {
    throw new TimeseriesError(
      403,
      `Origin '${origin}' is not this server's: a page of another site may not change anything here`,
    );
  }
}
