/**
 * The scheme, host and path prefix a reverse proxy says the client used, from `Forwarded` (RFC 7239) or
 * `X-Forwarded-Proto`, `X-Forwarded-Host` and `X-Forwarded-Prefix`, as oslo.middleware's
 * HTTPProxyToWSGI reads them for Gnocchi's `enable_proxy_headers_parsing`.
 */

/** What the proxy headers say; absent fields are not overridden. */
export interface ForwardedOrigin {
  proto?: string;
  host?: string;
  prefix?: string;
}

function first(value: string | string[] | undefined): string | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (text === undefined) return undefined;
  const item = text.split(',')[0]?.trim();
  return item === undefined || item === '' ? undefined : item;
}

/** Parses the first element of a `Forwarded` header (`for=…;proto=http;host=foobar`). */
export function parseForwarded(header: string): ForwardedOrigin {
  const out: ForwardedOrigin = {};
  const element = header.split(',')[0] ?? '';
  for (const pair of element.split(';')) {
    const eq = pair.indexOf('=');
    if (eq === -1) continue;
    const key = pair.slice(0, eq).trim().toLowerCase();
    let value = pair.slice(eq + 1).trim();
    if (value.length >= 2 && value.startsWith('"') && value.endsWith('"')) value = value.slice(1, -1);
    if (value === '') continue;
    if (key === 'proto') out.proto = value.toLowerCase();
    else if (key === 'host') out.host = value;
  }
  return out;
}

/** What the request's proxy headers say (`Forwarded` first, then `X-Forwarded-*`). */
export function forwardedOrigin(headers: Record<string, string | string[] | undefined>): ForwardedOrigin {
  const forwarded = headers['forwarded'];
  const out: ForwardedOrigin = typeof forwarded === 'string' ? parseForwarded(forwarded) : {};
  const proto = first(headers['x-forwarded-proto']);
  const host = first(headers['x-forwarded-host']);
  const prefix = first(headers['x-forwarded-prefix']);
  if (out.proto === undefined && proto !== undefined) out.proto = proto.toLowerCase();
  if (out.host === undefined && host !== undefined) out.host = host;
  if (prefix !== undefined) out.prefix = `/${prefix.replace(/^\/+|\/+$/g, '')}`.replace(/^\/$/, '');
  // Only what can be a scheme, an authority and a path: the values go into Location and link URLs.
  if (out.proto !== undefined && !/^https?$/.test(out.proto)) delete out.proto;
  if (out.host !== undefined && !/^[A-Za-z0-9.\-_~:[\]]{1,255}$/.test(out.host)) delete out.host;
  if (out.prefix !== undefined && !/^(?:\/[A-Za-z0-9._~-]+)*$/.test(out.prefix)) delete out.prefix;
  return out;
}
