/**
 * Authentication and ownership. `basic` is Gnocchi's basic auth mode: the identity is the user name of
 * `Authorization: Basic base64("user:password")` (the password is ignored), for a trusted network only.
 * `users` checks credentials against a users file (`users-file.ts`): HTTP Basic with the user's password,
 * or a token as `Authorization: Bearer <token>` (or `X-Auth-Token: <token>`, as OpenStack clients such as
 * gnocchiclient send it with `--os-auth-type admin_token`); a refusal is a 401 with `WWW-Authenticate` challenges (left out when
 * the request says `X-Requested-With`, as the GUI does, so that a browser does not open its own sign-in
 * dialog). `admin` (basic: the user named admin; users: the users of role admin) may do everything, any
 * other user only sees and changes what it created. In `none` mode every request is an administrator
 * (named after the Basic user if one is sent, else `admin`).
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TimeseriesError } from '../errors.js';
import type { UserDirectory } from './user-directory.js';

/** Authentication modes of the API. */
export type AuthMode = 'basic' | 'none' | 'users';

/** The modes, as `--auth` takes them. */
export const AUTH_MODES: readonly AuthMode[] = ['basic', 'users', 'none'];

/** How the API authenticates: the mode, and for `users` the users file's users. */
export interface AuthSettings {
  mode: AuthMode;
  /** Required with `users`. */
  users?: UserDirectory;
}

/** The realm named in the challenges of `users` mode. */
export const AUTH_REALM = 'soe-timeseries';

/** The caller of a request. */
export interface ApiUser {
  /** User name; also the `creator` / `created_by_user_id` of what it creates. */
  id: string;
  admin: boolean;
}

const callers = new WeakMap<FastifyRequest, ApiUser>();

/** The user name and password of `Authorization: Basic` (password undefined without a colon). */
function basicCredentials(header: string | undefined): { name: string; password?: string } | undefined {
  if (header === undefined) return undefined;
  const match = /^Basic\s+(\S+)\s*$/i.exec(header);
  if (match === null) return undefined;
  const decoded = Buffer.from(match[1] ?? '', 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  const name = colon === -1 ? decoded : decoded.slice(0, colon);
  if (name === '') return undefined;
  return colon === -1 ? { name } : { name, password: decoded.slice(colon + 1) };
}

/** 401 for `users` mode, with the challenges unless the request comes from the GUI's scripts. */
function refuse(
  request: FastifyRequest,
  reply: FastifyReply,
  description: string,
  bearerError?: string,
): never {
  if (request.headers['x-requested-with'] === undefined) {
    const bearer = `Bearer realm="${AUTH_REALM}"${bearerError === undefined ? '' : `, error="${bearerError}"`}`;
    reply.header('WWW-Authenticate', [`Basic realm="${AUTH_REALM}", charset="UTF-8"`, bearer]);
  }
  throw new TimeseriesError(401, description);
}

async function usersModeUser(
  request: FastifyRequest,
  reply: FastifyReply,
  users: UserDirectory,
): Promise<ApiUser> {
  const header = request.headers.authorization;
  const bearer = header === undefined ? null : /^Bearer\s+(\S+)\s*$/i.exec(header);
  const openstackToken = header === undefined ? request.headers['x-auth-token'] : undefined;
  const token =
    bearer !== null ? bearer[1] : typeof openstackToken === 'string' ? openstackToken.trim() : undefined;
  if (token !== undefined) {
    const user = users.checkToken(token);
    if (user === undefined) refuse(request, reply, 'Unknown token', 'invalid_token');
    return { id: user.name, admin: user.admin };
  }
  const credentials = basicCredentials(header);
  if (credentials === undefined)
    refuse(request, reply, 'Authentication required: a user name and password (Basic) or a token (Bearer)');
  const user =
    credentials.password === undefined
      ? undefined
      : await users.checkPassword(credentials.name, credentials.password);
  if (user === undefined) refuse(request, reply, 'Wrong user name or password');
  return { id: user.name, admin: user.admin };
}

/**
 * Identifies the caller (401 with an empty description when basic auth is required and missing, as
 * Gnocchi; in `users` mode a 401 saying why, with challenges). Synchronous except in `users` mode.
 */
export function authenticate(
  request: FastifyRequest,
  reply: FastifyReply,
  settings: AuthSettings,
): ApiUser | Promise<ApiUser> {
  if (settings.mode === 'users') {
    if (settings.users === undefined) throw new Error('auth mode users needs its users');
    return usersModeUser(request, reply, settings.users).then((user) => {
      callers.set(request, user);
      return user;
    });
  }
  const name = basicCredentials(request.headers.authorization)?.name;
  let user: ApiUser;
  if (settings.mode === 'none') user = { id: name ?? 'admin', admin: true };
  else if (name === undefined) throw new TimeseriesError(401, '');
  else user = { id: name, admin: name === 'admin' };
  callers.set(request, user);
  return user;
}

/** The caller of an authenticated request. */
export function currentUser(request: FastifyRequest): ApiUser {
  const user = callers.get(request);
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
