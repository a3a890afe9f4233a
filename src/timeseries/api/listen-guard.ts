/**
 * Whether a listen address is safe for an auth mode: `none` (every caller is admin) and `basic` (the
 * password is not checked) are for loopback or a trusted network, so listening elsewhere with them needs
 * `--allow-insecure-listen`. Loopback: `localhost`, 127.0.0.0/8, `::1` (and `::ffff:127.x.y.z`); any other
 * name, and a wildcard address (`:PORT`, `0.0.0.0`, `[::]`), is not.
 */
import { isIPv4 } from 'node:net';
import type { AuthMode } from './auth.js';

/** Whether `host` (as parsed from a listen address, IPv6 without brackets) is a loopback address. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  const v4 = h.startsWith('::ffff:') ? h.slice('::ffff:'.length) : h;
  return isIPv4(v4) && v4.startsWith('127.');
}

/**
 * Why listening on `host` (from `listen`) with `auth` is unsafe, naming the options that fix it, or
 * undefined when it is safe (loopback, or `users` mode).
 */
export function insecureListenProblem(listen: string, host: string, auth: AuthMode): string | undefined {
  if (auth === 'users' || isLoopbackHost(host)) return undefined;
  const where = host === '0.0.0.0' || host === '::' ? 'every interface' : 'an address other than loopback';
  const why =
    auth === 'none'
      ? 'every caller is admin'
      : 'the password is not checked, anyone who sends the user name admin is admin';
  return (
    `--listen ${listen} is ${where}, and with --auth ${auth} ${why}: use --auth users with --users-file, ` +
    'listen on loopback (127.0.0.1:PORT), or give --allow-insecure-listen on a trusted network'
  );
}
