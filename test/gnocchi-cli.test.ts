/**
 * Drives the timeseries REST API with Gnocchi's own CLI (python3-gnocchiclient, /usr/bin/gnocchi) and
 * compares its output with what the same commands printed against a real Gnocchi 4.4 (see
 * gnocchi-api-transcript.md §9), ids and times aside. One deliberate difference: `gnocchi metric delete`
 * works here (real Gnocchi answers 406 to the CLI's `Accept: application/json` on DELETE). Under
 * `--auth users` the CLI signs in with keystoneauth's http_basic (a password) or admin_token (a token).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openTestStore, type TestStore } from '../src/timeseries/api/harness.test-support.js';
import { hashPassword, tokenHash } from '../src/timeseries/api/password-hash.js';
import { startTimeseriesServer, type RunningTimeseriesServer } from '../src/timeseries/api/serve.js';
import { UserDirectory } from '../src/timeseries/api/user-directory.js';
import { parseUsersFile } from '../src/timeseries/api/users-file.js';

const GNOCCHI = '/usr/bin/gnocchi';
const skip = existsSync(GNOCCHI)
  ? false
  : `the gnocchi CLI (python3-gnocchiclient) is not installed at ${GNOCCHI}`;

interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

const POLICY = 'years_rate_cli_151458';
const CLI_RESOURCE_UUID = 'af91f553-c005-56a0-a962-6ca0949f661a';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

describe('gnocchi CLI against the timeseries API', { skip }, () => {
  let store: TestStore;
  let server: RunningTimeseriesServer;
  const dir = mkdtempSync(join(tmpdir(), 'gnocchi-cli-'));
  const ids: Record<string, string> = {};

  const gnocchi = (...args: string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      execFile(
        GNOCCHI,
        ['--endpoint', server.url, ...args],
        {
          env: {
            ...process.env,
            OS_AUTH_TYPE: 'gnocchi-basic',
            GNOCCHI_USER: 'admin',
            TZ: 'UTC',
            COLUMNS: '200',
          },
          timeout: 60_000,
        },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });

  /** Runs a command that must succeed and returns its stdout. */
  const ok = async (...args: string[]): Promise<string> => {
    const r = await gnocchi(...args);
    assert.equal(r.code, 0, `gnocchi ${args.join(' ')} failed: ${r.stderr}`);
    return r.stdout;
  };

  before(async () => {
    store = await openTestStore();
    server = await startTimeseriesServer({ listen: '127.0.0.1:0', store: store.store, auth: 'basic' });
  });
  after(async () => {
    await server.close();
    await store.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  test('archive-policy create prints the normalised policy', async () => {
    const out = await ok(
      'archive-policy',
      'create',
      POLICY,
      '-d',
      'granularity:1d,timespan:365d',
      '-m',
      'sum',
    );
    assert.equal(
      out,
      [
        '+---------------------+-------------------------------------------------------------------------+',
        '| Field               | Value                                                                   |',
        '+---------------------+-------------------------------------------------------------------------+',
        '| aggregation_methods | sum                                                                     |',
        '| back_window         | 0                                                                       |',
        '| definition          | - timespan: 365 days, 0:00:00, granularity: 1 day, 0:00:00, points: 365 |',
        '| name                | years_rate_cli_151458                                                   |',
        '+---------------------+-------------------------------------------------------------------------+',
        '',
      ].join('\n'),
    );
  });

  test('archive-policy create errors: duplicate (409), unknown method (400)', async () => {
    const dup = await gnocchi(
      'archive-policy',
      'create',
      POLICY,
      '-d',
      'granularity:1d,timespan:365d',
      '-m',
      'sum',
    );
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, `Archive policy ${POLICY} already exists (HTTP 409)\n`);
    const summ = await gnocchi(
      'archive-policy',
      'create',
      'x_151458',
      '-d',
      'granularity:1d,timespan:365d',
      '-m',
      'summ',
    );
    assert.equal(summ.code, 1);
    assert.equal(
      summ.stderr,
      `{'cause': 'Invalid input', 'reason': "not a valid value @ data['aggregation_methods'][0]", 'detail': ['aggregation_methods', '0']} (HTTP 400)\n`,
    );
  });

  test('archive-policy show and list', async () => {
    const show = await ok('archive-policy', 'show', POLICY);
    assert.match(
      show,
      /\| definition {10}\| - timespan: 365 days, 0:00:00, granularity: 1 day, 0:00:00, points: 365 \|/,
    );
    assert.match(show, /\| name {16}\| years_rate_cli_151458 {51}\|/);
    const list = await ok('archive-policy', 'list', '-f', 'value', '-c', 'name');
    assert.deepEqual(list.trim().split('\n').sort(), ['bool', 'high', 'low', 'medium', POLICY].sort());
  });

  test('archive-policy delete: unused → ok, in use → 400, unknown → 404', async () => {
    await ok('archive-policy', 'create', 'throwaway_151458', '-d', 'granularity:1h,points:24', '-m', 'mean');
    assert.equal(await ok('archive-policy', 'delete', 'throwaway_151458'), '');
    const missing = await gnocchi('archive-policy', 'delete', 'throwaway_151458');
    assert.equal(missing.code, 1);
    assert.equal(missing.stderr, 'Archive policy throwaway_151458 does not exist (HTTP 404)\n');
  });

  test('metric create: unknown policy → 400; three metrics', async () => {
    const bad = await gnocchi('metric', 'create', '--archive-policy-name', 'no_such_policy', 'Lazio');
    assert.equal(bad.code, 1);
    assert.equal(bad.stderr, 'Archive policy no_such_policy does not exist (HTTP 400)\n');
    for (const name of ['Lazio', 'Veneto', 'Sicilia']) {
      ids[name] = (
        await ok('metric', 'create', '--archive-policy-name', POLICY, name, '-f', 'value', '-c', 'id')
      ).trim();
      assert.match(ids[name] ?? '', new RegExp(`^${UUID}$`));
    }
  });

  test('metric create prints the created metric', async () => {
    const out = await ok('metric', 'create', '--archive-policy-name', POLICY, '--unit', 'cases', 'Puglia');
    const id = new RegExp(`\\| id +\\| (${UUID}) \\|`).exec(out)?.[1] ?? '';
    assert.equal(
      out,
      [
        '+---------------------+--------------------------------------+',
        '| Field               | Value                                |',
        '+---------------------+--------------------------------------+',
        `| archive_policy_name | ${POLICY}                |`,
        '| creator             | admin                                |',
        `| id                  | ${id} |`,
        '| name                | Puglia                               |',
        '| resource_id         | None                                 |',
        '| unit                | cases                                |',
        '+---------------------+--------------------------------------+',
        '',
      ].join('\n'),
    );
    ids.Puglia = id;
  });

  test('metric list -f value -c id -c name -c archive_policy/name', async () => {
    const out = await ok(
      'metric',
      'list',
      '-f',
      'value',
      '-c',
      'id',
      '-c',
      'name',
      '-c',
      'archive_policy/name',
    );
    const expected = ['Lazio', 'Veneto', 'Sicilia', 'Puglia']
      .map((name) => `${ids[name] ?? ''} ${POLICY} ${name}`)
      .sort();
    assert.equal(out, `${expected.join('\n')}\n`);
  });

  test('measures add, bad timestamp (400), non-numeric value (local, exit 2)', async () => {
    const lazio = ids.Lazio ?? '';
    assert.equal(
      await ok('measures', 'add', '-m', '2024-01-01T00:00:00@10', '-m', '2024-01-02T00:00:00@20', lazio),
      '',
    );
    const bad = await gnocchi('measures', 'add', '-m', 'not-a-date@10', lazio);
    assert.equal(bad.code, 1);
    assert.equal(
      bad.stderr,
      `{'cause': 'Invalid input', 'reason': "unexpected timestamp 'Unable to convert timestamps'", 'detail': []} (HTTP 400)\n`,
    );
    const abc = await gnocchi('measures', 'add', '-m', '2024-01-03T00:00:00@abc', lazio);
    assert.equal(abc.code, 2);
    assert.match(abc.stderr, /invalid measure value: '2024-01-03T00:00:00@abc'/);
  });

  test('measures batch-metrics from a file', async () => {
    const series = (first: number, days: number[]) =>
      days.map((d) => ({ timestamp: `2024-01-0${d}T00:00:00`, value: first + d - 1 }));
    const file = join(dir, 'cli-batch.json');
    writeFileSync(
      file,
      JSON.stringify({
        [ids.Lazio ?? '']: series(10, [2, 3, 4, 5]),
        [ids.Veneto ?? '']: series(10, [1, 2, 3, 4, 5]),
        [ids.Sicilia ?? '']: series(10, [1, 2, 3, 4, 5]),
      }),
    );
    assert.equal(await ok('measures', 'batch-metrics', file), '');
  });

  test('measures batch older than the back window is refused (ours; Gnocchi drops it silently)', async () => {
    const file = join(dir, 'late.json');
    writeFileSync(
      file,
      JSON.stringify({ [ids.Lazio ?? '']: [{ timestamp: '2023-06-01T00:00:00', value: 1 }] }),
    );
    const r = await gnocchi('measures', 'batch-metrics', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`${ids.Lazio ?? ''}.*\\(HTTP 400\\)\\n$`));
    assert.match(r.stderr, /2024-01-05T00:00:00\+00:00/);
  });

  test('measures show --aggregation sum --granularity 86400 --refresh', async () => {
    const out = await ok(
      'measures',
      'show',
      '--aggregation',
      'sum',
      '--granularity',
      '86400',
      '--refresh',
      ids.Lazio ?? '',
    );
    assert.equal(
      out,
      [
        '+---------------------------+-------------+-------+',
        '| timestamp                 | granularity | value |',
        '+---------------------------+-------------+-------+',
        '| 2024-01-01T00:00:00+00:00 |     86400.0 |  10.0 |',
        '| 2024-01-02T00:00:00+00:00 |     86400.0 |  11.0 |',
        '| 2024-01-03T00:00:00+00:00 |     86400.0 |  12.0 |',
        '| 2024-01-04T00:00:00+00:00 |     86400.0 |  13.0 |',
        '| 2024-01-05T00:00:00+00:00 |     86400.0 |  14.0 |',
        '+---------------------------+-------------+-------+',
        '',
      ].join('\n'),
    );
  });

  test('measures show --aggregation summ → 404', async () => {
    const r = await gnocchi('measures', 'show', '--aggregation', 'summ', ids.Lazio ?? '');
    assert.equal(r.code, 1);
    assert.equal(
      r.stderr,
      `{'cause': 'Aggregation method does not exist for this metric', 'detail': {'metric': '${ids.Lazio ?? ''}', 'aggregation_method': 'summ'}} (HTTP 404)\n`,
    );
  });

  test("gnocchi aggregates '(aggregate sum (metric (A sum) (B sum) (C sum)))'", async () => {
    const ops = `(aggregate sum (metric (${ids.Lazio ?? ''} sum) (${ids.Veneto ?? ''} sum) (${ids.Sicilia ?? ''} sum)))`;
    const out = await ok('aggregates', '--granularity', '86400', ops);
    assert.equal(
      out,
      [
        '+------------+---------------------------+-------------+-------+',
        '| name       | timestamp                 | granularity | value |',
        '+------------+---------------------------+-------------+-------+',
        '| aggregated | 2024-01-01T00:00:00+00:00 |     86400.0 |  30.0 |',
        '| aggregated | 2024-01-02T00:00:00+00:00 |     86400.0 |  33.0 |',
        '| aggregated | 2024-01-03T00:00:00+00:00 |     86400.0 |  36.0 |',
        '| aggregated | 2024-01-04T00:00:00+00:00 |     86400.0 |  39.0 |',
        '| aggregated | 2024-01-05T00:00:00+00:00 |     86400.0 |  42.0 |',
        '+------------+---------------------------+-------------+-------+',
        '',
      ].join('\n'),
    );
  });

  test('measures aggregation -m A B C (the deprecated /v1/aggregation/metric route)', async () => {
    const out = await ok(
      'measures',
      'aggregation',
      '--aggregation',
      'sum',
      '--granularity',
      '86400',
      '-m',
      ids.Lazio ?? '',
      ids.Veneto ?? '',
      ids.Sicilia ?? '',
    );
    assert.equal(
      out,
      [
        '+---------------------------+-------------+-------+',
        '| timestamp                 | granularity | value |',
        '+---------------------------+-------------+-------+',
        '| 2024-01-01T00:00:00+00:00 |     86400.0 |  30.0 |',
        '| 2024-01-02T00:00:00+00:00 |     86400.0 |  33.0 |',
        '| 2024-01-03T00:00:00+00:00 |     86400.0 |  36.0 |',
        '| 2024-01-04T00:00:00+00:00 |     86400.0 |  39.0 |',
        '| 2024-01-05T00:00:00+00:00 |     86400.0 |  42.0 |',
        '+---------------------------+-------------+-------+',
        '',
      ].join('\n'),
    );
  });

  test('resource create generic with a named metric (UUID5 id as in Gnocchi)', async () => {
    const out = await ok(
      'resource',
      'create',
      'generic',
      '--attribute',
      'id:cli-151458',
      '-n',
      `Lombardia:${POLICY}`,
    );
    const metric = new RegExp(`Lombardia: (${UUID})`).exec(out)?.[1] ?? '';
    ids.Lombardia = metric;
    const normalized = out.replace(
      /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}\+00:00/g,
      'YYYY-MM-DDTHH:MM:SS.ffffff+00:00',
    );
    assert.equal(
      normalized,
      [
        '+-----------------------+-------------------------------------------------+',
        '| Field                 | Value                                           |',
        '+-----------------------+-------------------------------------------------+',
        '| created_by_project_id |                                                 |',
        '| created_by_user_id    | admin                                           |',
        '| creator               | admin                                           |',
        '| ended_at              | None                                            |',
        `| id                    | ${CLI_RESOURCE_UUID}            |`,
        `| metrics               | Lombardia: ${metric} |`,
        '| original_resource_id  | cli-151458                                      |',
        '| project_id            | None                                            |',
        '| revision_end          | None                                            |',
        '| revision_start        | YYYY-MM-DDTHH:MM:SS.ffffff+00:00                |',
        '| started_at            | YYYY-MM-DDTHH:MM:SS.ffffff+00:00                |',
        '| type                  | generic                                         |',
        '| user_id               | None                                            |',
        '+-----------------------+-------------------------------------------------+',
        '',
      ].join('\n'),
    );
  });

  test('resource create duplicate → 409; duplicate named metric → 409', async () => {
    const dup = await gnocchi('resource', 'create', 'generic', '--attribute', 'id:cli-151458');
    assert.equal(dup.code, 1);
    assert.equal(dup.stderr, `Resource ${CLI_RESOURCE_UUID} already exists (HTTP 409)\n`);
    const named = await gnocchi(
      'metric',
      'create',
      '-r',
      'cli-151458',
      '--archive-policy-name',
      POLICY,
      'Lombardia',
    );
    assert.equal(named.code, 1);
    assert.equal(named.stderr, 'Named metric Lombardia already exists (HTTP 409)\n');
  });

  test('resource show by original id', async () => {
    const out = await ok('resource', 'show', 'cli-151458');
    assert.match(out, new RegExp(`\\| id {20}\\| ${CLI_RESOURCE_UUID} {12}\\|`));
    assert.match(out, new RegExp(`\\| metrics {15}\\| Lombardia: ${ids.Lombardia ?? ''} \\|`));
    assert.match(out, /\| original_resource_id {2}\| cli-151458 {38}\|/);
    const values = await ok(
      'resource',
      'show',
      'cli-151458',
      '-f',
      'value',
      '-c',
      'id',
      '-c',
      'original_resource_id',
    );
    assert.equal(values, `${CLI_RESOURCE_UUID}\ncli-151458\n`);
  });

  test('resource search (string filter)', async () => {
    const byOriginal = await ok(
      'resource',
      'search',
      "original_resource_id = 'cli-151458'",
      '-f',
      'value',
      '-c',
      'id',
    );
    assert.equal(byOriginal, `${CLI_RESOURCE_UUID}\n`);
    const byId = await ok('resource', 'search', "id = 'cli-151458'", '-f', 'value', '-c', 'id', '-c', 'type');
    assert.equal(byId, `${CLI_RESOURCE_UUID} generic\n`);
    const none = await ok(
      'resource',
      'search',
      "original_resource_id = 'nothing'",
      '-f',
      'value',
      '-c',
      'id',
    );
    assert.equal(none, '');
  });

  test('metric show, then metric delete works from the CLI (Gnocchi: 406)', async () => {
    const sicilia = ids.Sicilia ?? '';
    const show = await ok('metric', 'show', sicilia);
    assert.equal(
      show,
      [
        '+---------------------+--------------------------------------+',
        '| Field               | Value                                |',
        '+---------------------+--------------------------------------+',
        `| archive_policy/name | ${POLICY}                |`,
        '| creator             | admin                                |',
        `| id                  | ${sicilia} |`,
        '| name                | Sicilia                              |',
        '| resource/id         | None                                 |',
        '| unit                | None                                 |',
        '+---------------------+--------------------------------------+',
        '',
      ].join('\n'),
    );
    assert.equal(await ok('metric', 'delete', sicilia), '');
    const gone = await gnocchi('metric', 'show', sicilia);
    assert.equal(gone.code, 1);
    assert.equal(gone.stderr, `Metric ${sicilia} does not exist (HTTP 404)\n`);
  });

  test('archive-policy delete of a policy in use → 400', async () => {
    const r = await gnocchi('archive-policy', 'delete', POLICY);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `Archive policy ${POLICY} is still in use (HTTP 400)\n`);
  });

  test('noauth plugin (no Authorization header) → 401', async () => {
    const r = await gnocchi(
      '--os-auth-type',
      'gnocchi-noauth',
      '--user-id',
      'admin',
      '--project-id',
      'p',
      'archive-policy',
      'list',
    );
    assert.equal(r.code, 1);
    assert.equal(r.stderr, 'Unauthorized (HTTP 401)\n');
  });
});

describe('gnocchi CLI against --auth users (passwords and tokens checked)', { skip }, () => {
  let store: TestStore;
  let server: RunningTimeseriesServer;
  const TOKEN = 'soe_cli-test-token';

  /** Runs the CLI with the environment of an auth plugin (no GNOCCHI_USER or OS_* of the caller). */
  const gnocchi = (env: Record<string, string>, ...args: string[]): Promise<CliResult> =>
    new Promise((resolve) => {
      const inherited = Object.fromEntries(
        Object.entries(process.env).filter(([k]) => !k.startsWith('OS_') && !k.startsWith('GNOCCHI_')),
      );
      execFile(
        GNOCCHI,
        ['--endpoint', server.url, ...args],
        { env: { ...inherited, ...env, TZ: 'UTC', COLUMNS: '200' }, timeout: 60_000 },
        (error, stdout, stderr) => {
          const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
          resolve({ code, stdout, stderr });
        },
      );
    });

  before(async () => {
    store = await openTestStore();
    const users = new UserDirectory(
      parseUsersFile(
        `alice admin password ${await hashPassword('alice pw')}\n` +
          `bob user password ${await hashPassword('bob pw')}\n` +
          `bob user token ${tokenHash(TOKEN)}\n`,
        'users',
      ),
    );
    server = await startTimeseriesServer({ listen: '127.0.0.1:0', store: store.store, auth: 'users', users });
  });
  after(async () => {
    await server.close();
    await store.dispose();
  });

  const basic = (user: string, password: string) => ({
    OS_AUTH_TYPE: 'http_basic',
    OS_USERNAME: user,
    OS_PASSWORD: password,
  });

  test('keystoneauth http_basic with the right password works, as admin or as a user', async () => {
    const list = await gnocchi(
      basic('alice', 'alice pw'),
      'archive-policy',
      'list',
      '-c',
      'name',
      '-f',
      'value',
    );
    assert.equal(list.code, 0, list.stderr);
    assert.equal(list.stdout, 'bool\nhigh\nlow\nmedium\n');
    const created = await gnocchi(
      basic('bob', 'bob pw'),
      'metric',
      'create',
      'cpu',
      '-c',
      'creator',
      '-f',
      'value',
    );
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout, 'bob\n');
    const status = await gnocchi(basic('bob', 'bob pw'), 'status');
    assert.equal(status.code, 1);
    assert.equal(status.stderr, 'Forbidden (HTTP 403)\n');
  });

  test('a wrong password, or gnocchi-basic (which sends none), is 401 saying why', async () => {
    const wrong = await gnocchi(basic('alice', 'alice pw!'), 'archive-policy', 'list');
    assert.equal(wrong.code, 1);
    assert.equal(wrong.stderr, 'Wrong user name or password (HTTP 401)\n');
    const gnocchiBasic = await gnocchi(
      { OS_AUTH_TYPE: 'gnocchi-basic', GNOCCHI_USER: 'alice' },
      'metric',
      'list',
    );
    assert.equal(gnocchiBasic.code, 1);
    assert.equal(gnocchiBasic.stderr, 'Wrong user name or password (HTTP 401)\n');
  });

  test('keystoneauth admin_token sends a token as X-Auth-Token', async () => {
    const r = await gnocchi(
      { OS_AUTH_TYPE: 'admin_token', OS_TOKEN: TOKEN },
      'metric',
      'list',
      '-c',
      'name',
      '-f',
      'value',
    );
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'cpu\n');
    const unknown = await gnocchi({ OS_AUTH_TYPE: 'admin_token', OS_TOKEN: 'soe_nope' }, 'metric', 'list');
    assert.equal(unknown.code, 1);
    assert.equal(unknown.stderr, 'Unknown token (HTTP 401)\n');
  });
});
