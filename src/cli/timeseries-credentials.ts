/**
 * `soe timeseries user add NAME` and `soe timeseries token add NAME`: lines of the users file of
 * `--auth users` (format in src/timeseries/api/users-file.ts). A password is read from standard input (its
 * first line), hashed with scrypt; the line is printed, or appended to `--users-file`. A token is made
 * at random, its SHA-256 appended to `--users-file` (required), and the token printed: it is shown once.
 */
import { appendFile, readFile } from 'node:fs/promises';
import { hashPassword, newToken, tokenHash } from '../timeseries/api/password-hash.js';
import { checkUserName, parseUsersFile, usersFileLine, type UserRole } from '../timeseries/api/users-file.js';

/** The longest password read (bytes of the first line of standard input). */
const MAX_PASSWORD_BYTES = 4096;

/** The first line of a stream (without its line end), at most {@link MAX_PASSWORD_BYTES}. */
export async function readFirstLine(stream: NodeJS.ReadableStream): Promise<string> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream) {
    const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    const newline = buffer.indexOf(0x0a);
    chunks.push(newline === -1 ? buffer : buffer.subarray(0, newline));
    length += buffer.length;
    if (newline !== -1 || length > MAX_PASSWORD_BYTES) break;
  }
  const line = Buffer.concat(chunks).toString('utf8').replace(/\r$/, '');
  if (Buffer.byteLength(line) > MAX_PASSWORD_BYTES)
    throw new Error(`The password is longer than ${MAX_PASSWORD_BYTES} bytes`);
  return line;
}

/** The users file's text, or '' when it does not exist yet. */
async function existing(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw e;
  }
}

/**
 * Appends a line to the users file (created readable by its owner only), after checking that the file
 * parses and that the user, if already there, has `role` and (for a password) no password yet.
 */
async function appendLine(
  path: string,
  name: string,
  role: UserRole,
  line: string,
  password: boolean,
): Promise<void> {
  const text = await existing(path);
  const user = parseUsersFile(text, path).get(name);
  if (user !== undefined && user.role !== role)
    throw new Error(
      `User '${name}' is ${user.role} in ${path}: ${user.role === 'admin' ? 'give' : 'leave out'} --admin`,
    );
  if (password && user?.password !== undefined)
    throw new Error(`User '${name}' already has a password in ${path}: remove its line to change it`);
  const separator = text === '' || text.endsWith('\n') ? '' : '\n';
  await appendFile(path, `${separator}${line}\n`, { mode: 0o600 });
}

/** Options of {@link addUser} and {@link addToken}. */
export interface CredentialOptions {
  name: string;
  admin: boolean;
  /** The users file to append to ('' for none). */
  usersFile: string;
}

/** `user add`: hashes the password read from `input`; returns what to print (the line, or nothing). */
export async function addUser(options: CredentialOptions, input: NodeJS.ReadableStream): Promise<string> {
  checkUserName(options.name);
  const password = await readFirstLine(input);
  if (password === '') throw new Error('No password on standard input: write it as the first line');
  const role: UserRole = options.admin ? 'admin' : 'user';
  const line = usersFileLine(options.name, role, 'password', await hashPassword(password));
  if (options.usersFile === '') return `${line}\n`;
  await appendLine(options.usersFile, options.name, role, line, true);
  return '';
}

/** `token add`: appends a new token's hash to the users file; returns the token to print. */
export async function addToken(options: CredentialOptions): Promise<string> {
  checkUserName(options.name);
  if (options.usersFile === '')
    throw new Error(
      'token add needs --users-file: the token’s hash is written there, the token printed once',
    );
  const token = newToken();
  const role: UserRole = options.admin ? 'admin' : 'user';
  await appendLine(
    options.usersFile,
    options.name,
    role,
    usersFileLine(options.name, role, 'token', tokenHash(token)),
    false,
  );
  return `${token}\n`;
}
