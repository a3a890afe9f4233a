import { isIPv4 } from 'node:net';
import { hostname, networkInterfaces } from 'node:os';
import { parseEndpoint } from '../protocol/endpoint.js';

/** What a host is to this machine. */
type HostKind = 'unspecified' | 'loopback' | 'local' | 'other';

/** The host without brackets, in lower case, an IPv4-mapped IPv6 address as IPv4. */
function normal(host: string): string {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(bare);
  return mapped !== null ? mapped[1]! : bare;
}

function kindOf(host: string): HostKind {
  if (host === '0.0.0.0' || host === '::') return 'unspecified';
  if (host === 'localhost' || host === '::1' || (isIPv4(host) && host.startsWith('127.'))) return 'loopback';
  if (host === hostname().toLowerCase()) return 'local';
  for (const addresses of Object.values(networkInterfaces())) {
    for (const a of addresses ?? []) if (normal(a.address) === host) return 'local';
  }
  return 'other';
}

/**
 * Whether a destination reaches the lambda server bound at `bound` (both `host:port`): same port, and a
 * host that is the bound one, or any address or name of this machine when bound to all (`0.0.0.0`,
 * `[::]`), or a loopback one when bound to loopback. An unparsable end-point is not ours.
 */
export function isOwnEndpoint(destination: string, bound: string): boolean {
  let d, b;
  try {
    d = parseEndpoint(destination);
    b = parseEndpoint(bound);
  } catch {
    return false;
  }
  if (d.port !== b.port || b.port === 0) return false;
  const dh = normal(d.host);
  const bh = normal(b.host);
  if (dh === bh) return true;
  const dk = kindOf(dh);
  switch (kindOf(bh)) {
    case 'unspecified':
      return dk !== 'other';
    case 'loopback':
      return dk === 'loopback' || dk === 'unspecified';
    default:
      return false;
  }
}
