/**
 * Authentication and ownership, as Gnocchi's `basic` auth mode: the identity is the user name of
 * `Authorization: Basic base64("user:password")` (the password is ignored); `admin` may do everything,
 * any other user only sees and changes what it created. Without a usable header → 401. In `none` mode
 * every request is an administrator (named after the Basic user if one is sent, else `admin`).
 */
import type { FastifyRequest } from 'fastify';
import { TimeseriesError } from '../errors.js';

/** Authentication modes of the API. */
export type AuthMode = 'basic' | 'none';

/** The caller of a request. */
export interface ApiUser {
  /** User name; also the `creator` / `created_by_user_id` of what it creates. */
  id: string;
  admin: boolean;
}

const users = new WeakMap<FastifyRequest, ApiUser>();

function basicUser(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = colon === -1 ? decoded : decoded.slice(0, colon);
  return name === '' ? undefined : name;
}

/** Identifies the caller (401 with an empty description when basic auth is required and missing). */
export function authenticate(request: FastifyRequest, mode: AuthMode): ApiUser {
  const name = basicUser(request.headers.authorization);
  let user: ApiUser;
  if (mode === 'none') user = { id: name ?? 'admin', admin: true };
  else if (name === undefined) throw new TimeseriesError(401, '');
  else user = { id: name, admin: name === 'admin' };
  users.set(request, user);
  return user;
}

/** The caller of an authenticated request. */
export function currentUser(request: FastifyRequest): ApiUser {
  const user = users.get(request);
  if (user === undefined) throw new TimeseriesError(401, '');
  return user;
}

/** 403 with an empty description unless the caller is an administrator. */
export function requireAdmin(request: FastifyRequest): ApiUser {
  const user = currentUser(request);
  if (!user.admin) throw new TimeseriesError(403, '');
  return user;
}

/** Whether the caller may see/change an item created by `creator`. */
export function canAccess(user: ApiUser, creator: string): boolean {
  return user.admin || user.id === creator;
}

/** 403 unless the caller is an administrator or the creator. */
export function requireAccess(request: FastifyRequest, creator: string): void {
  if (!canAccess(currentUser(request), creator)) throw new TimeseriesError(403, '');
}
