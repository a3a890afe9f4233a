/**
 * The COVID-19 Italy use case end to end: the producer loads the whole shipped history plus synthetic days
 * into our timeseries server (in this process, embedded store, port 0); the national aggregate the API
 * returns equals the national CSV for every day and field (but the one upstream inconsistency); re-runs
 * are idempotent; `soe covid produce` prints its summary.
 */
import assert from 'node:assert/strict';
import { execFile, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import {
  COVID_FIELDS,
  nationalAggregateRequest,
  regionResourceId,
  REGION_TYPE,
  type CovidField,
} from '../src/covid/contract.js';
import { addDays, dayTimestamp, loadCovidDataset } from '../src/covid/dataset.js';
import { GnocchiClient, GnocchiError, type PointJson } from '../src/covid/gnocchi-client.js';
import { produceCovid, type ProduceProgress } from '../src/covid/producer.js';
import { syntheticDays } from '../src/covid/synthetic.js';
import { openTestStore, type TestStore } from '../src/timeseries/api/harness.test-support.js';
import { resourceUuid } from '../src/timeseries/api/ids.js';
import { startTimeseriesServer, type RunningTimeseriesServer } from '../src/timeseries/api/serve.js';
import { start } from './support/processes.js';

const SOE = fileURLToPath(new URL('../../bin/soe.js', import.meta.url));
const data = loadCovidDataset();
const LAST_REAL = '2025-01-08';
const SEED = 5;

async function startServer(): Promise<{ server: RunningTimeseriesServer; store: TestStore }> {
  const store = await openTestStore();
  const server = await startTimeseriesServer({ listen: '127.0.0.1:0', store: store.store, auth: 'basic' });
  return { server, store };
}

async function national(client: GnocchiClient, field: CovidField): Promise<PointJson[]> {
  const r = nationalAggregateRequest(field);
  const answer = await client.request<{ measures: { aggregated: PointJson[] } }>(r.method, r.path, r.body);
  return answer.measures.aggregated;
}

/** Every metric's points from `start` read with `method`, keyed `resource/metric`. */
async function allSeries(
  client: GnocchiClient,
  method: string,
  start: string,
): Promise<Map<string, PointJson[]>> {
  const answer = await client.aggregates<{
    measures: Record<string, Record<string, Record<string, PointJson[]>>>;
  }>(
    { resource_type: REGION_TYPE, search: {}, operations: `(metric * ${method})` },
    { granularity: 86400, start },
  );
  const out = new Map<string, PointJson[]>();
  for (const [resource, byName] of Object.entries(answer.measures))
    for (const [name, byMethod] of Object.entries(byName)) out.set(`${resource}/${name}`, byMethod[method]!);
  return out;
}

describe('COVID-19 Italy on the timeseries service', () => {
  let server: RunningTimeseriesServer;
  let store: TestStore;
  let client: GnocchiClient;
  const progress: ProduceProgress[] = [];

  before(async () => {
    ({ server, store } = await startServer());
    client = new GnocchiClient(server.url);
  });
  after(async () => {
    await server.close();
    await store.dispose();
  });

  test('the whole history and 30 synthetic days, in batches with progress', async () => {
    const report = await produceCovid({
      endpoint: server.url,
      dataset: data,
      days: 30,
      seed: SEED,
      onProgress: (p) => progress.push(p),
    });
    assert.deepEqual(
      { ...report, seconds: 0 },
      {
        realDays: 1781,
        syntheticDays: 30,
        measures: 21 * 11 * (1781 + 30),
        seconds: 0,
        realUntil: LAST_REAL,
        lastDay: addDays(LAST_REAL, 30),
        stopped: false,
      },
    );
    const real = progress.filter((p) => p.phase === 'real');
    assert.equal(real.length, 21, 'one request per area');
    assert.deepEqual(real.at(-1), {
      phase: 'real',
      day: LAST_REAL,
      done: 21 * 11 * 1781,
      total: 21 * 11 * 1781,
      measures: 21 * 11 * 1781,
    });
    assert.deepEqual(progress.at(-1), {
      phase: 'synthetic',
      day: '2025-02-07',
      done: 21 * 11 * 30,
      total: 21 * 11 * 30,
      measures: report.measures,
    });
  });

  test('21 region resources with the contract attributes and 11 metrics each', async () => {
    const resources = await client.listResources(REGION_TYPE);
    assert.equal(resources.length, 21);
    for (const area of data.areas) {
      const r = resources.find((x) => x.original_resource_id === regionResourceId(area.codice_regione));
      assert.ok(r, `region-${area.codice_regione}`);
      assert.equal(r.id, resourceUuid(`region-${area.codice_regione}`, 'admin'));
      assert.deepEqual(
        [r.codice_regione, r.denominazione, r.nuts2, r.lat, r.long, r.real_until],
        [area.codice_regione, area.denominazione, area.nuts2, area.lat, area.long, LAST_REAL],
      );
      assert.deepEqual(Object.keys(r.metrics).sort(), [...COVID_FIELDS].sort());
    }
    const policy = await client.getArchivePolicy('covid-daily');
    assert.deepEqual(policy, {
      name: 'covid-daily',
      back_window: 0,
      definition: [{ timespan: '10000 days, 0:00:00', granularity: '1 day, 0:00:00', points: 10000 }],
      aggregation_methods: ['last', 'sum', 'mean', 'min', 'max'],
    });
  });

  test('national aggregate = national CSV for every day and field, but 2020-02-25 totale_ospedalizzati', async () => {
    const differences: string[] = [];
    for (const field of COVID_FIELDS) {
      const points = await national(client, field);
      assert.equal(points.length, 1781 + 30, field);
      data.days.forEach((day, d) => {
        const [timestamp, granularity, value] = points[d]!;
        assert.equal(timestamp, dayTimestamp(day));
        assert.equal(granularity, 86400);
        if (value !== data.national[d]![field])
          differences.push(`${day} ${field} ${data.national[d]![field]} ${value}`);
      });
    }
    assert.deepEqual(differences, ['2020-02-25 totale_ospedalizzati 150 149']);
  });

  test('synthetic days after real_until: the seeded walk from the last real values', async () => {
    const lombardia = data.areas.findIndex((a) => a.codice_regione === 3);
    const expected = syntheticDays(data.regional[lombardia]!.at(-1)!, {
      seed: SEED,
      area: 3,
      lastDay: LAST_REAL,
      count: 30,
    });
    const id = resourceUuid('region-3', 'admin');
    for (const field of ['nuovi_positivi', 'totale_casi'] as const) {
      const points = await client.request<PointJson[]>(
        'GET',
        `/v1/resource/region/${id}/metric/${field}/measures?aggregation=last&start=2025-01-09`,
      );
      assert.deepEqual(
        points,
        expected.map((v, i) => [dayTimestamp(addDays(LAST_REAL, i + 1)), 86400, v[field]]),
      );
    }
    const total = await national(client, 'totale_casi');
    const sums = Array.from({ length: 30 }, (_, i) =>
      data.areas.reduce(
        (s, area, a) =>
          s +
          syntheticDays(data.regional[a]!.at(-1)!, {
            seed: SEED,
            area: area.codice_regione,
            lastDay: LAST_REAL,
            count: 30,
          })[i]!.totale_casi,
        0,
      ),
    );
    assert.deepEqual(
      total.slice(1781).map((p) => p[2]),
      sums,
    );
  });

  test('re-runs: the same options send nothing, more days append only the new ones; every measure once', async () => {
    const options = { endpoint: server.url, dataset: data, days: 30, seed: SEED };
    for (let i = 0; i < 2; i++) {
      const again = await produceCovid(options);
      assert.deepEqual([again.realDays, again.syntheticDays, again.measures], [0, 0, 0]);
    }
    const more = await produceCovid({ ...options, days: 40 });
    assert.deepEqual([more.realDays, more.syntheticDays, more.measures], [0, 10, 21 * 11 * 10]);
    const same = await produceCovid({ ...options, days: 40 });
    assert.deepEqual([same.realDays, same.syntheticDays, same.measures], [0, 0, 0]);
    for (const field of COVID_FIELDS) {
      const lastPoints = await national(client, field);
      assert.equal(lastPoints.length, 1781 + 40);
      const sums = await client.aggregates<{ measures: { aggregated: PointJson[] } }>(
        { resource_type: REGION_TYPE, search: {}, operations: `(aggregate sum (metric ${field} sum))` },
        { granularity: 86400 },
      );
      assert.deepEqual(sums.measures.aggregated, lastPoints, field);
    }
    // Per metric around the days the re-runs touched (all of them would be a 1M-point answer).
    const start = dayTimestamp('2025-01-01');
    const [last, sum] = [await allSeries(client, 'last', start), await allSeries(client, 'sum', start)];
    assert.equal(last.size, 231);
    for (const [key, points] of last) {
      assert.equal(points.length, 8 + 40, key);
      assert.deepEqual(sum.get(key), points, key);
    }
  });

  test('refuses what would mix runs: another seed, an earlier until', async () => {
    await assert.rejects(
      produceCovid({ endpoint: server.url, dataset: data, days: 45, seed: SEED + 1 }),
      /region-1\/ricoverati_con_sintomi holds \d+ on 2025-02-17 where this run has \d+ \(another --seed\?\)/,
    );
    await assert.rejects(
      produceCovid({ endpoint: server.url, dataset: data, until: '2024-12-31' }),
      /^Error: region-1 holds real data until 2025-01-08, later than until 2024-12-31: use a fresh store$/,
    );
    await assert.rejects(
      produceCovid({ endpoint: server.url, dataset: data, until: '2019-12-31' }),
      /until 2019-12-31 is outside the data \(2020-02-24 … 2025-01-08\)/,
    );
    await assert.rejects(
      produceCovid({ endpoint: 'http://127.0.0.1:1', dataset: data }),
      (e: unknown) =>
        e instanceof GnocchiError && e.status === 0 && /127\.0\.0\.1:1\/v1\/archive_policy/.test(e.message),
    );
  });

  test('soe covid produce: a short history and 3 synthetic days on a fresh server, summary line', async () => {
    const fresh = await startServer();
    try {
      const run = (): Promise<{ code: number; stdout: string; stderr: string }> =>
        new Promise((resolve) => {
          execFile(
            process.execPath,
            [SOE, 'covid', 'produce', '--endpoint', fresh.server.url, '--until', '2020-03-31', '--days', '3'],
            (error, stdout, stderr) =>
              resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
          );
        });
      const first = await run();
      assert.equal(first.code, 0, first.stderr);
      assert.match(
        first.stdout,
        new RegExp(
          `^covid: 37 real days \\(until 2020-03-31\\) and 3 synthetic days \\(until 2020-04-03\\) sent to ` +
            `${fresh.server.url}: 9240 measures in \\d+\\.\\d\\d s\\n$`,
        ),
      );
      assert.equal(first.stderr, '');
      const second = await run();
      assert.match(
        second.stdout,
        /^covid: 0 real days \(until 2020-03-31\) and 0 synthetic days .*: 0 measures in/,
      );
      const points = await national(new GnocchiClient(fresh.server.url), 'deceduti');
      assert.equal(points.length, 40);
      assert.equal(points[36]![2], data.national[36]!.deceduti);
    } finally {
      await fresh.server.close();
      await fresh.store.dispose();
    }
  });
});

/**
 * A proxy to `target` recording the last day of every batch of measures it forwarded, and calling `onDay`
 * once each has been answered.
 */
async function batchRecorder(
  target: string,
  onDay: (day: string) => void,
): Promise<{ url: string; days: string[]; close(): Promise<void> }> {
  const to = new URL(target);
  const days: string[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const forward = httpRequest(
        { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
          answer.on('end', () => {
            if (req.method !== 'POST' || req.url?.startsWith('/v1/batch/') !== true) return;
            const day = (body.toString('utf8').match(/\d{4}-\d\d-\d\d(?=T)/g) ?? []).sort().at(-1) ?? '';
            days.push(day);
            onDay(day);
          });
        },
      );
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    days,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

test('soe covid produce stopped by SIGINT mid-stream: a clean stop, status 0, the last day it sent', async () => {
  const fresh = await startServer();
  let child: ChildProcess | undefined;
  // SIGINT once the second synthetic day is stored: the summary gives the days the proxy saw stored.
  const recorder = await batchRecorder(fresh.server.url, (day) => {
    if (day === '2020-03-03') child?.kill('SIGINT');
  });
  try {
    const ran = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      child = execFile(
        process.execPath,
        [
          SOE,
          'covid',
          'produce',
          '--endpoint',
          recorder.url,
          '--until',
          '2020-03-01',
          '--days',
          '30',
          '--rate',
          '5',
        ],
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
      );
    });
    assert.equal(ran.code, 0, ran.stderr);
    assert.equal(ran.stderr, '');
    const synthetic = recorder.days.filter((d) => d > '2020-03-01');
    assert.ok(synthetic.length >= 2 && synthetic.length < 30, recorder.days.join(' '));
    assert.match(
      ran.stdout,
      new RegExp(
        `^covid: 7 real days \\(until 2020-03-01\\) and ${synthetic.length} synthetic days ` +
          `\\(until ${synthetic.at(-1)!}\\) sent to ${recorder.url}: ${21 * 11 * (7 + synthetic.length)} ` +
          `measures in \\d+\\.\\d\\d s; stopped by SIGINT\n$`,
      ),
    );
  } finally {
    await recorder.close();
    await fresh.server.close();
    await fresh.store.dispose();
  }
});

test('soe covid produce --endpoint without a scheme names the option and the expected form', async () => {
  const ran = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      [SOE, 'covid', 'produce', '--endpoint', '127.0.0.1:8041'],
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
  assert.equal(ran.code, 1);
  assert.equal(ran.stdout, '');
  assert.match(
    ran.stderr,
    /^E\d{4} [^\]]+ covid\] Exception caught: --endpoint: expected an http:\/\/ or https:\/\/ URL such as http:\/\/127\.0\.0\.1:8041, got '127\.0\.0\.1:8041'\n$/,
  );
});

test('soe up with a timeseries section: the service first, the COVID load, the GUI line, a clean stop', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-up-covid-'));
  try {
    const topology = join(dir, 'topology.yaml');
    writeFileSync(
      topology,
      'timeseries:\n  listen: 127.0.0.1:0\n  covid:\n    until: 2020-03-10\n    days: 2\n',
    );
    const up = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [SOE, 'up', topology, '--exit-after-clients', '--log-dir', dir],
        (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
      );
    });
    assert.equal(up.code, 0, up.stderr);
    const lines = up.stdout.trimEnd().split('\n');
    assert.equal(lines[0], `deployment of ${topology} is up (logs in ${dir}):`);
    const url = /^  timeseries  (http:\/\/127\.0\.0\.1:\d+)\/ \(GUI: \1\/ui\/\)$/.exec(lines[1] ?? '')?.[1];
    assert.ok(url, lines[1]);
    assert.match(
      lines[2] ?? '',
      new RegExp(
        `^covid: 16 real days \\(until 2020-03-10\\) and 2 synthetic days \\(until 2020-03-12\\) sent to ${url}: 4158 measures in`,
      ),
    );
    assert.equal(lines.length, 3);
    assert.ok(existsSync(join(dir, 'timeseries-data')), 'the data folder is in the log folder');
    assert.match(readFileSync(join(dir, 'timeseries.log'), 'utf8'), /SIGINT received/);
    assert.match(readFileSync(join(dir, 'timeseries-covid.log'), 'utf8'), /^covid: 16 real days/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('soe up stopped by SIGINT during the COVID stream: the producer stopped cleanly, not failed', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-up-covid-stop-'));
  try {
    const topology = join(dir, 'topology.yaml');
    writeFileSync(
      topology,
      'timeseries:\n  listen: 127.0.0.1:0\n  auth: none\n  covid:\n    until: 2020-03-01\n    days: 1000\n    rate: 20\n',
    );
    const up = start('soe', ['up', topology, '--log-dir', dir]);
    const url = (await up.waitFor(/^ {2}timeseries {2}(http:\/\/127\.0\.0\.1:\d+)\//m, 120_000))[1]!;
    // Stop once a few synthetic days are stored (the national series goes past the 7 real days).
    const client = new GnocchiClient(url);
    while ((await national(client, 'deceduti').catch(() => [])).length < 7 + 3) {
      assert.equal(up.child.exitCode, null, `soe up ended early:\n${up.stdout()}${up.stderr()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const stopped = await up.stop('SIGINT');
    assert.equal(stopped.code, 0, stopped.stderr);
    assert.doesNotMatch(stopped.stdout, /failed/);
    assert.doesNotMatch(stopped.stderr, /^E\d{4} /m);
    const summary = /^covid: .*$/m.exec(stopped.stdout)?.[0] ?? '';
    const match = new RegExp(
      `^covid: 7 real days \\(until 2020-03-01\\) and (\\d+) synthetic days \\(until (\\S+)\\) sent to ${url}: ` +
        `(\\d+) measures in \\d+\\.\\d\\d s; stopped by SIGINT$`,
    ).exec(summary);
    assert.ok(match, summary);
    const days = Number(match[1]);
    assert.ok(days >= 3 && days < 1000, summary);
    assert.equal(match[2], addDays('2020-03-01', days));
    assert.equal(Number(match[3]), 21 * 11 * (7 + days));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
