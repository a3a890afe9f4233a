/** A `host:port` endpoint split at its last colon; IPv6 literals go in brackets (`[::1]:6473`). */
export interface Endpoint {
  host: string;
  port: number;
}

/** Parses a `host:port` endpoint, failing with a message that names the bad endpoint. */
export function parseEndpoint(endpoint: string): Endpoint {
  const i = endpoint.lastIndexOf(':');
  if (i <= 0 || i === endpoint.length - 1)
    throw new Error(`Invalid end-point (expected host:port): '${endpoint}'`);
  const portText = endpoint.slice(i + 1);
  const port = Number(portText);
  if (!/^\d+$/.test(portText) || port > 65535) throw new Error(`Invalid port in end-point: '${endpoint}'`);
  return { host: endpoint.slice(0, i), port };
}

/** Formats an endpoint back to `host:port`. */
export function formatEndpoint({ host, port }: Endpoint): string {
  return `${host}:${port}`;
}

/** The host of an endpoint as sockets take it: an IPv6 literal without its brackets. */
export function socketHost({ host }: Endpoint): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** Parses an endpoint a server is to bind, refusing an empty one as the original did. */
export function parseBindEndpoint(endpoint: string): Endpoint {
  if (endpoint === '') throw new Error('Invalid request to bind to an empty end-point');
  return parseEndpoint(endpoint);
}
