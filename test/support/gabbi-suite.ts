/**
 * TEST SUPPORT ONLY: runs Gnocchi's functional test files (test/gabbits/, issue 21) with gabbi
 * (scripts/gabbi-run.py) against a fresh `soe timeseries serve` of this build, started with the options
 * of Gnocchi's test fixture (gnocchi/tests/functional/fixtures.py).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BIN_DIR, start } from './processes.js';

/** The vendored gabbit files (source tree, whichever build folder this is compiled into). */
export const GABBITS_DIR = fileURLToPath(new URL('../../../test/gabbits/', import.meta.url));
/** The Python runner registering `!AssertNAN`. */
export const GABBI_RUNNER = fileURLToPath(new URL('../../../scripts/gabbi-run.py', import.meta.url));
/** Debian's python3 with python3-gabbi. */
export const PYTHON = '/usr/bin/python3';
/** `soe` of the build this file is compiled into, as processes.ts's start() names an executable. */
const SOE = relative(BIN_DIR, fileURLToPath(new URL('./soe-of-this-build.js', import.meta.url))).replace(
  /\.js$/,
  '',
);

/** The options Gnocchi's fixture sets, as `soe timeseries serve` options. */
export const FIXTURE_OPTIONS = [
  '--auth',
  'basic',
  '--api-max-limit',
  '7',
  '--cors-allowed-origin',
  'http://foobar.com',
  '--enable-proxy-headers-parsing',
  '--no-default-archive-policies',
];

/** One failed test of a file. */
export interface GabbitFailure {
  name: string;
  reason: string;
}

/** What one gabbit file did. */
export interface GabbitResult {
  file: string;
  tests: number;
  passes: number;
  failures: GabbitFailure[];
}

/** A row of test/gabbits/expected.json. */
export interface GabbitExpectation {
  /** Tests in the file. */
  tests: number;
  /** Tests that pass against Gnocchi 4.4.2 (issue 21). */
  real: number;
  /** Tests that pass against ours at least (the baseline the test enforces). */
  passes: number;
}

/** Why the suite cannot run here, or false. */
export function gabbiUnavailable(): string | false {
  if (!existsSync(PYTHON)) return `${PYTHON} is missing`;
  const probe = join(PYTHON.replace(/python3$/, ''), '..', 'lib', 'python3', 'dist-packages', 'gabbi');
  return existsSync(probe) ? false : 'python3-gabbi is not installed';
}

/** The gabbit files, sorted by name (without `.yaml`). */
export function gabbitNames(): string[] {
  return readdirSync(GABBITS_DIR)
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => f.slice(0, -'.yaml'.length))
    .sort();
}

/** The committed baseline and real figures. */
export function expectations(): Record<string, GabbitExpectation> {
  return JSON.parse(readFileSync(join(GABBITS_DIR, 'expected.json'), 'utf8')) as Record<
    string,
    GabbitExpectation
  >;
}

/**
 * Runs one gabbit file against a fresh server (embedded store in a temporary directory, or `storage`, a
 * postgres:// URL the caller has emptied) and stops the server.
 */
export async function runGabbit(name: string, storage?: string): Promise<GabbitResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'soe-gabbi-'));
  const where = storage === undefined ? ['--data-dir', dataDir] : ['--storage', storage];
  const proc = start(SOE, ['timeseries', 'serve', '--listen', '127.0.0.1:0', ...where, ...FIXTURE_OPTIONS]);
  try {
    const [, url] = await proc.waitFor(/timeseries service listening on (http:\/\/\S+?),/);
    const out = await new Promise<string>((resolve, reject) => {
      execFile(
        PYTHON,
        [GABBI_RUNNER, url as string, join(GABBITS_DIR, `${name}.yaml`)],
        { timeout: 300_000, maxBuffer: 64 * 1024 * 1024 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    return JSON.parse(out.trim()) as GabbitResult;
  } finally {
    await proc.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/**
 * Creates an empty PostgreSQL database beside the one of `url` (same server, name `soe_gabbi_<pid>_<n>`)
 * for one file; returns its URL and how to drop it. Other users of `url`'s database are not touched.
 */
export async function freshDatabase(url: string): Promise<{ url: string; drop(): Promise<void> }> {
  const { default: pg } = await import('pg');
  const name = `soe_gabbi_${process.pid}_${++databases}`;
  const admin = async (sql: string): Promise<void> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  return { url: target.href, drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

let databases = 0;
