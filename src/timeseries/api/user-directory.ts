/**
 * The users of `--auth users`, checking credentials: a bearer token by the SHA-256 of what is sent, a
 * password by scrypt (see `password-hash.ts`). scrypt costs tens of milliseconds and 16 MiB, so it runs in
 * the thread pool at most `maxConcurrentChecks` at a time (the journal's file operations share that pool),
 * at most `maxWaitingChecks` more wait (beyond: 503), and a password that matched is remembered (keyed by
 * an HMAC of name and password under a key of this process, at most `cacheSize` of them) so that a client
 * sending it with every request pays for scrypt once. An unknown user costs a scrypt as a known one does.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { Semaphore } from '../../support/semaphore.js';
import { TimeseriesError } from '../errors.js';
import {
  parsePasswordHash,
  SCRYPT_DEFAULTS,
  tokenHash,
  verifyPassword,
  type PasswordHash,
} from './password-hash.js';
import { parseUsersFile, type UserEntry } from './users-file.js';

/** A user whose credentials were accepted. */
export interface VerifiedUser {
  name: string;
  admin: boolean;
}

/** Options of {@link UserDirectory}. */
export interface UserDirectoryOptions {
  /** scrypt checks running at once (default 2). */
  maxConcurrentChecks?: number;
  /** scrypt checks waiting for those, 503 beyond (default 64). */
  maxWaitingChecks?: number;
  /** Accepted name and password pairs remembered (default 1024). */
  cacheSize?: number;
}

/**
 * What an unknown user's password is checked against, so that it costs a scrypt as a known user's does
 * (no password is known to derive an all-zero key).
 */
const DECOY: PasswordHash = parsePasswordHash(
  `scrypt$${SCRYPT_DEFAULTS.N}$${SCRYPT_DEFAULTS.r}$${SCRYPT_DEFAULTS.p}$${'A'.repeat(22)}$${'A'.repeat(43)}`,
);

/** The users of a users file, with their credential checks. */
export class UserDirectory {
  private readonly byToken = new Map<string, UserEntry>();
  private readonly checks: Semaphore;
  private readonly maxWaiting: number;
  private readonly cacheSize: number;
  /** Accepted pairs by HMAC, oldest first (a hit moves to the end). */
  private readonly accepted = new Map<string, UserEntry>();
  private readonly cacheKey = randomBytes(32);

  constructor(
    private readonly users: ReadonlyMap<string, UserEntry>,
    options: UserDirectoryOptions = {},
  ) {
    for (const user of users.values()) for (const token of user.tokens) this.byToken.set(token, user);
    this.checks = new Semaphore(options.maxConcurrentChecks ?? 2);
    this.maxWaiting = options.maxWaitingChecks ?? 64;
    this.cacheSize = options.cacheSize ?? 1024;
  }

  /** Reads a users file (see `users-file.ts`). */
  static async load(path: string, options?: UserDirectoryOptions): Promise<UserDirectory> {
    const text = await readFile(path, 'utf8');
    return new UserDirectory(parseUsersFile(text, path), options);
  }

  /** How many users there are. */
  get size(): number {
    return this.users.size;
  }

  /** The user a bearer token belongs to, if any. */
  checkToken(token: string): VerifiedUser | undefined {
    const user = this.byToken.get(tokenHash(token));
    return user === undefined ? undefined : { name: user.name, admin: user.role === 'admin' };
  }

  /** The user if `password` is its password; 503 when too many checks are already waiting. */
  async checkPassword(name: string, password: string): Promise<VerifiedUser | undefined> {
    const mac = createHmac('sha256', this.cacheKey).update(name).update('\0').update(password).digest('hex');
    const known = this.accepted.get(mac);
    if (known !== undefined) {
      this.accepted.delete(mac);
      this.accepted.set(mac, known);
      return { name: known.name, admin: known.role === 'admin' };
    }
    if (this.checks.full && this.checks.waiting >= this.maxWaiting)
      throw new TimeseriesError(503, 'Too many password checks in progress: try again later');
    const user = this.users.get(name);
    const ok = await this.checks.with(() => verifyPassword(password, user?.password ?? DECOY));
    if (!ok || user?.password === undefined) return undefined;
    this.accepted.set(mac, user);
    if (this.accepted.size > this.cacheSize)
      this.accepted.delete(this.accepted.keys().next().value as string);
    return { name: user.name, admin: user.role === 'admin' };
  }
}
