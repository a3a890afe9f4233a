/**
 * Credentials as the users file stores them: passwords hashed with scrypt and a salt of their own
 * (`scrypt$N$r$p$SALT$KEY`, salt and key in unpadded base64url), bearer tokens as their SHA-256
 * (`sha256$HEX`: a token is 256 random bits, so a fast hash is enough and lets a token be looked up by
 * its hash). Comparisons of secrets are constant-time.
 */
import { createHash, randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

/** scrypt's cost parameters for new hashes: N = 2^14, r = 8, p = 1 (16 MiB, about 50–100 ms). */
export const SCRYPT_DEFAULTS = { N: 16384, r: 8, p: 1 } as const;

const SALT_BYTES = 16;
const KEY_BYTES = 32;
const TOKEN_BYTES = 32;
/** The prefix of the tokens {@link newToken} makes (so that a leaked one is recognisable). */
export const TOKEN_PREFIX = 'soe_';

/** A parsed password hash. */
export interface PasswordHash {
  N: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

const B64URL = /^[A-Za-z0-9_-]+$/;

function decodeB64url(text: string, what: string, bytes?: number): Buffer {
  if (!B64URL.test(text)) throw new Error(`${what} is not base64url`);
  const buffer = Buffer.from(text, 'base64url');
  if (bytes !== undefined && buffer.length !== bytes) throw new Error(`${what} is not ${bytes} bytes`);
  if (buffer.length < 8) throw new Error(`${what} is shorter than 8 bytes`);
  return buffer;
}

function costParam(text: string | undefined, name: string, max: number): number {
  const value = Number(text);
  if (text === undefined || !/^\d+$/.test(text) || value < 1 || value > max)
    throw new Error(`scrypt ${name} must be an integer from 1 to ${max}`);
  return value;
}

/**
 * Reads `scrypt$N$r$p$SALT$KEY`; throws an Error saying what is wrong (N a power of two from 2^10 to
 * 2^20, r at most 32, p at most 16, at most 256 MiB of memory).
 */
export function parsePasswordHash(text: string): PasswordHash {
  const parts = text.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt')
    throw new Error('a password hash is scrypt$N$r$p$SALT$KEY');
  const N = costParam(parts[1], 'N', 1 << 20);
  if (N < 1024 || (N & (N - 1)) !== 0)
    throw new Error('scrypt N must be a power of two from 1024 to 1048576');
  const r = costParam(parts[2], 'r', 32);
  const p = costParam(parts[3], 'p', 16);
  if (128 * N * r * p > 256 * 1024 * 1024) throw new Error('scrypt N × r × p needs more than 256 MiB');
  return {
    N,
    r,
    p,
    salt: decodeB64url(parts[4] as string, 'the salt'),
    key: decodeB64url(parts[5] as string, 'the key'),
  };
}

function derive(password: string, hash: Omit<PasswordHash, 'key'>, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      password.normalize('NFC'),
      hash.salt,
      length,
      { N: hash.N, r: hash.r, p: hash.p, maxmem: 128 * hash.N * hash.r * hash.p + 1024 * 1024 },
      (err, key) => (err === null ? resolve(key) : reject(err)),
    );
  });
}

/** Hashes a password with a fresh random salt: the text {@link parsePasswordHash} reads. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, { ...SCRYPT_DEFAULTS, salt }, KEY_BYTES);
  const { N, r, p } = SCRYPT_DEFAULTS;
  return `scrypt$${N}$${r}$${p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

/** Whether `password` matches `hash` (scrypt in the thread pool, then a constant-time comparison). */
export async function verifyPassword(password: string, hash: PasswordHash): Promise<boolean> {
  const key = await derive(password, hash, hash.key.length);
  return timingSafeEqual(key, hash.key);
}

/** A new bearer token: {@link TOKEN_PREFIX} and 256 random bits in base64url. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(TOKEN_BYTES).toString('base64url');
}

/** The stored form of a token: `sha256$` and its SHA-256 in hexadecimal. */
export function tokenHash(token: string): string {
  return `sha256$${createHash('sha256').update(token, 'utf8').digest('hex')}`;
}

/** Reads `sha256$HEX` (64 hexadecimal digits); throws an Error saying what is wrong. */
export function parseTokenHash(text: string): string {
  if (!/^sha256\$[0-9a-f]{64}$/.test(text))
    throw new Error('a token hash is sha256$ and 64 lower-case hexadecimal digits');
  return text;
}
