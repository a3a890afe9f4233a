import { isIPv4, isIPv6 } from 'node:net';
import { quoted } from './quoted.js';

/** Longest host name (RFC 1123), characters. */
const MAX_HOST = 253;
/** A host name label: letters, digits, `-` inside, `_` allowed (container and compose names use it). */
const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

/** Why `host` is not a host a peer can be reached at, or undefined if it is one. */
function hostProblem(host: string): string | undefined {
  if (host.startsWith('[') && host.endsWith(']')) {
    return isIPv6(host.slice(1, -1)) ? undefined : 'is not an IPv6 address';
  }
  if (/^[\d.]+$/.test(host)) return isIPv4(host) ? undefined : 'is not an IPv4 address';
  if (host.length > MAX_HOST) return `is longer than ${MAX_HOST} characters`;
  return host.split('.').every((label) => LABEL.test(label)) ? undefined : 'is not a host name';
}

/**
 * Why `endpoint` is not the `host:port` of a peer, or undefined if it is: the host an IPv4 address, an
 * IPv6 address in brackets or a host name (RFC 1123 labels, `_` allowed), the port 1 to 65535. The
 * problem reads after the field's name: `edgeServerEndpoint has port 0, not in 1..65535: "999.1.1.1:0"`.
 */
export function endpointProblem(endpoint: string): string | undefined {
  if (endpoint === '') return 'is empty';
  const i = endpoint.lastIndexOf(':');
  if (i <= 0) return `is not a host:port end-point: ${quoted(endpoint)}`;
  const host = endpoint.slice(0, i);
  const port = endpoint.slice(i + 1);
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    return `has port ${quoted(port)}, not in 1..65535: ${quoted(endpoint)}`;
  }
  const problem = hostProblem(host);
  return problem === undefined ? undefined : `has a host that ${problem}: ${quoted(endpoint)}`;
}
