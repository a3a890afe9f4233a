import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createSecureContext } from 'node:tls';

/** A certificate (chain) and its private key, PEM. */
export interface KeyPair {
  readonly cert: Buffer;
  readonly key: Buffer;
}

/**
 * The TLS material of one process (spec §0.6), shared by the lean transport and grpc-js: the CA every
 * peer's certificate must chain to, the certificate our servers present, the one our clients present,
 * and whether servers require a client certificate (mutual TLS, the original's only mode).
 */
export interface TlsCredentials {
  /** PEM of the certificate authority that verifies peers. */
  readonly ca: Buffer;
  /** Presented by our servers; a process that serves needs it. */
  readonly server?: KeyPair;
  /** Presented by our clients when `mutual`; a process that calls under mutual TLS needs it. */
  readonly client?: KeyPair;
  /** Servers require and verify a client certificate, and clients present one. */
  readonly mutual: boolean;
}

/** Environment variable that turns mutual TLS off (`0`: servers ask no client certificate) or on (`1`, the default). */
export const MUTUAL_VARIABLE = 'SOE_TLS_MUTUAL';

/** The variables naming each file, with the original's default names (support:RpcSupport/utils.cpp). */
const FILES = {
  CA_CRT: 'ca.crt',
  SERVER_CRT: 'server.crt',
  SERVER_KEY: 'server.key',
  CLIENT_CRT: 'client.crt',
  CLIENT_KEY: 'client.key',
} as const;

type FileVariable = keyof typeof FILES;

/** What a process does with TLS: serve (needs the server pair), call (needs the client pair under mutual TLS). */
export interface TlsRoles {
  serve: boolean;
  call: boolean;
}

/**
 * Loads the TLS material `roles` need as the original does: each file from `$CERT_DIR` (else the working
 * directory `cwd`), named by its variable (`CA_CRT`, `SERVER_CRT`, `SERVER_KEY`, `CLIENT_CRT`,
 * `CLIENT_KEY`) or by the default name (`ca.crt`, `server.crt`, ...); `SOE_TLS_MUTUAL=0` asks for
 * server-only TLS. A missing, unreadable or non-PEM file, or a key that does not match its certificate,
 * fails with an error naming the file and its variable.
 */
export function loadTlsCredentials(
  roles: TlsRoles,
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
): TlsCredentials {
  const mutual = mutualFrom(env);
  const read = (variable: FileVariable): Buffer => readPem(variable, env, cwd);
  const pair = (cert: FileVariable, key: FileVariable): KeyPair => {
    const loaded = { cert: read(cert), key: read(key) };
    try {
      createSecureContext(loaded);
    } catch (err) {
      throw new Error(
        `${cert} ${filePath(cert, env, cwd)} and ${key} ${filePath(key, env, cwd)} are not a certificate and its key: ${(err as Error).message}`,
        { cause: err },
      );
    }
    return loaded;
  };
  return {
    ca: read('CA_CRT'),
    mutual,
    ...(roles.serve ? { server: pair('SERVER_CRT', 'SERVER_KEY') } : {}),
    ...(roles.call && mutual ? { client: pair('CLIENT_CRT', 'CLIENT_KEY') } : {}),
  };
}

function mutualFrom(env: NodeJS.ProcessEnv): boolean {
  const value = env[MUTUAL_VARIABLE];
  if (value === undefined || value === '' || value === '1') return true;
  if (value === '0') return false;
  throw new Error(`${MUTUAL_VARIABLE} must be 1 (mutual TLS) or 0 (server-only TLS), not '${value}'`);
}

function filePath(variable: FileVariable, env: NodeJS.ProcessEnv, cwd: string): string {
  const name = env[variable] || FILES[variable];
  return resolve(cwd, env.CERT_DIR || '.', name);
}

function readPem(variable: FileVariable, env: NodeJS.ProcessEnv, cwd: string): Buffer {
  const path = filePath(variable, env, cwd);
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code ?? (err as Error).message;
    throw new Error(
      `Cannot read ${variable} ${path} (${reason}): set CERT_DIR to the folder of the certificates or ${variable} to the file`,
      { cause: err },
    );
  }
  if (!bytes.includes('-----BEGIN ')) throw new Error(`${variable} ${path} is not a PEM file`);
  return bytes;
}
