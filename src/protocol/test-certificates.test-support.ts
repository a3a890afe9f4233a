import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { loadTlsCredentials, type TlsCredentials } from './tls-credentials.js';

const run = promisify(execFile);

/** Whether `openssl` can be run here (a test that needs certificates is skipped with this reason otherwise). */
export async function opensslMissing(): Promise<string | false> {
  try {
    await run('openssl', ['version']);
    return false;
  } catch {
    return 'openssl is not installed';
  }
}

/**
 * A temporary folder of certificates made with `openssl` (P-256 keys, valid one day) under the
 * original's default names: `ca.crt`, `server.crt`/`server.key` and `client.crt`/`client.key` signed by
 * that CA for `localhost` and `127.0.0.1`, and `rogue-ca.crt` plus `rogue.crt`/`rogue.key`: a second CA
 * and a certificate it signed, which the first CA does not trust.
 */
export class TestCertificates {
  private constructor(
    /** The folder: use it as `CERT_DIR`. */
    readonly dir: string,
  ) {}

  /** Makes the certificates in a new temporary folder. */
  static async create(): Promise<TestCertificates> {
    const dir = await mkdtemp(join(tmpdir(), 'soe-certs-'));
    const openssl = (...args: string[]) => run('openssl', args, { cwd: dir });
    await writeFile(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    const authority = (name: string) =>
      openssl('req', '-x509', ...newKey(name), '-out', `${name}.crt`, '-days', '1', '-subj', `/CN=${name}`);
    const signed = async (name: string, ca: string, serial: number) => {
      await openssl('req', ...newKey(name), '-out', `${name}.csr`, '-subj', '/CN=localhost');
      await openssl(
        'x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`,
        '-set_serial', String(serial), '-out', `${name}.crt`, '-days', '1', '-extfile', 'san.ext',
      ); // prettier-ignore
    };
    await Promise.all([authority('ca'), authority('rogue-ca')]);
    await Promise.all([signed('server', 'ca', 1), signed('client', 'ca', 2), signed('rogue', 'rogue-ca', 3)]);
    return new TestCertificates(dir);
  }

  /** The environment of a process that finds them: `CERT_DIR` and any overrides. */
  env(overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { CERT_DIR: this.dir, ...overrides };
  }

  /** Credentials that serve and call, mutual by default; `overrides` as environment variables. */
  credentials(overrides: Record<string, string> = {}): TlsCredentials {
    return loadTlsCredentials({ serve: true, call: true }, this.env(overrides));
  }

  /** Removes the folder. */
  remove(): Promise<void> {
    return rm(this.dir, { recursive: true, force: true });
  }
}

function newKey(name: string): string[] {
  return ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`];
}
