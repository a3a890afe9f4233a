/**
 * The users file of `--auth users`: one credential a line, `NAME ROLE KIND HASH` separated by blanks;
 * blank lines and lines starting with `#` are ignored.
 *
 * - NAME: the user (the creator of what it makes), 1 to 255 characters, no blank, no `:` (HTTP Basic
 *   ends the user name at the first colon), no control character.
 * - ROLE: `admin` (sees and changes everything) or `user` (only what it created).
 * - KIND and HASH: `password scrypt$N$r$p$SALT$KEY` (at most one a user) or `token sha256$HEX` (any
 *   number; the token itself goes as `Authorization: Bearer <token>`). See `password-hash.ts`.
 *
 * Every line of a user gives the same role. A mistake is an Error naming the file and line.
 */
import { parsePasswordHash, parseTokenHash, type PasswordHash } from './password-hash.js';

/** What a user may do: `admin` everything, `user` only what it created. */
export type UserRole = 'admin' | 'user';

/** A user of the users file with its credentials. */
export interface UserEntry {
  name: string;
  role: UserRole;
  /** Its password hash, if it signs in with a password. */
  password?: PasswordHash;
  /** The `sha256$HEX` hashes of its bearer tokens. */
  tokens: string[];
}

/** The most characters of a user name (Gnocchi's user id column). */
export const MAX_USER_NAME = 255;

/** Throws an Error unless `name` can be a user of the users file. */
export function checkUserName(name: string): void {
  if (name === '') throw new Error('a user name cannot be empty');
  if (name.length > MAX_USER_NAME) throw new Error(`a user name has at most ${MAX_USER_NAME} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\s:\u0000-\u001f\u007f]/.test(name))
    throw new Error(`user name '${name}' holds a blank, a colon or a control character`);
}

/** One line of the users file. */
export function usersFileLine(
  name: string,
  role: UserRole,
  kind: 'password' | 'token',
  hash: string,
): string {
  return `${name} ${role} ${kind} ${hash}`;
}

/** Parses a users file's text into its users by name; `source` names the file in error messages. */
export function parseUsersFile(text: string, source: string): Map<string, UserEntry> {
  const users = new Map<string, UserEntry>();
  const tokens = new Set<string>();
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const fail = (reason: string, cause?: unknown): never => {
      throw new Error(`${source} line ${index + 1}: ${reason}`, cause === undefined ? undefined : { cause });
    };
    /** The result of `check`, or a failure with its message. */
    const checked = <T>(check: () => T): T => {
      try {
        return check();
      } catch (e) {
        return fail((e as Error).message, e);
      }
    };
    const fields = line.split(/\s+/);
    if (fields.length !== 4) fail('expected NAME ROLE KIND HASH (KIND password or token)');
    const [name, role, kind, hash] = fields as [string, string, string, string];
    checked(() => checkUserName(name));
    if (role !== 'admin' && role !== 'user') fail(`role '${role}' is neither admin nor user`);
    const entry = users.get(name) ?? { name, role: role as UserRole, tokens: [] };
    if (entry.role !== role) fail(`user '${name}' is ${entry.role} on an earlier line`);
    if (kind === 'password') {
      if (entry.password !== undefined) fail(`user '${name}' has a password on an earlier line`);
      entry.password = checked(() => parsePasswordHash(hash));
    } else if (kind === 'token') {
      const parsed = checked(() => parseTokenHash(hash));
      if (tokens.has(parsed)) fail('this token is already on an earlier line');
      tokens.add(parsed);
      entry.tokens.push(parsed);
    } else {
      fail(`kind '${kind}' is neither password nor token`);
    }
    users.set(name, entry);
  });
  return users;
}
