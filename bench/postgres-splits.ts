/**
 * What a small write costs as a metric grows (issue 13, finding 6): the time of a 10-measure write to a
 * metric holding 0 and about 400,000 aggregated points, on PostgreSQL (series stored in splits of 3,600
 * points: a write rewrites only the splits it changes) and on the embedded store, run the same way in
 * this process (store API, no HTTP). Before the splits, PostgreSQL rewrote the whole series on every
 * batch: the issue measured 20 ms at 0 points and 918 ms at 400k (embedded store: 6–10 ms); this bench run
 * on that code (commit 912a6b7) gave p50s of 14.3 and 86.6 ms on a quiet machine, 37 and 344 ms at load 14.
 *
 * Run: `npm run bench:postgres-splits [-- writes]` (default 20 writes per cell; PostgreSQL from SOE_TEST_PG,
 * default postgres://postgres@127.0.0.1:5432/test, in a schema of its own dropped afterwards).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { ArchivePolicy, Measure } from '../src/timeseries/model.js';
import type { TimeseriesStore } from '../src/timeseries/store.js';
import { FileTimeseriesStore } from '../src/timeseries/store-file.js';
import { PostgresTimeseriesStore } from '../src/timeseries/store-postgres.js';

const WRITES = Number(process.argv[2] ?? 20);
const PG = process.env.SOE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
/** 1 s × 100,000 points × 4 methods = 400,000 aggregated points once full. */
const POLICY: ArchivePolicy = {
  name: 'splits',
  back_window: 0,
  aggregation_methods: ['mean', 'min', 'max', 'count'],
  definition: [{ granularity: 1, points: 100_000, timespan: 100_000 }],
};
const FILL = 100_000;
const T0 = Date.UTC(2024, 0, 1) / 1000;

function measures(from: number, count: number): Measure[] {
  return Array.from({ length: count }, (_, i) => ({ timestamp: from + i, value: (from + i) % 97 }));
}

/** Median and 90th percentile (ms) of `WRITES` 10-measure writes after `before` measures. */
async function time(store: TimeseriesStore, metricId: string, before: number): Promise<[number, number]> {
  const times: number[] = [];
  for (let i = 0; i < WRITES; i++) {
    const batch = measures(T0 + before + i * 10, 10);
    const t0 = performance.now();
    await store.addMeasures([{ metricId, measures: batch }]);
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return [times[Math.floor(WRITES / 2)]!, times[Math.floor(WRITES * 0.9)]!];
}

/** Times small writes to an empty metric and to one filled with `FILL` measures. */
async function measure(store: TimeseriesStore): Promise<{ empty: [number, number]; full: [number, number] }> {
  await store.createArchivePolicy(POLICY);
  const metric = {
    name: null,
    unit: null,
    creator: 'bench',
    created_by_user_id: 'bench',
    created_by_project_id: '',
    resource_id: null,
    archive_policy_name: POLICY.name,
  };
  await store.createMetric({ ...metric, id: 'empty' });
  await store.createMetric({ ...metric, id: 'full' });
  const empty = await time(store, 'empty', 0);
  for (let done = 0; done < FILL; done += 10_000)
    await store.addMeasures([{ metricId: 'full', measures: measures(T0 + done, 10_000) }]);
  const full = await time(store, 'full', FILL);
  return { empty, full };
}

const rows: [string, { empty: [number, number]; full: [number, number] }][] = [];
const schema = `soe_bench_splits_${process.pid}`;
const postgres = new PostgresTimeseriesStore({ connectionString: PG, schema, max: 4 });
try {
  await postgres.open();
  rows.push(['postgres', await measure(postgres)]);
} finally {
  await postgres.close();
  const admin = new pg.Client({ connectionString: PG });
  await admin.connect();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
}
const dataDir = mkdtempSync(join(tmpdir(), 'soe-bench-splits-'));
const file = new FileTimeseriesStore({ dataDir });
try {
  await file.open();
  rows.push(['embedded', await measure(file)]);
} finally {
  await file.close();
  rmSync(dataDir, { recursive: true, force: true });
}

const ms = ([p50, p90]: [number, number]): string => `${p50.toFixed(1)} / ${p90.toFixed(1)}`;
process.stdout.write(
  `10-measure writes (${WRITES} per cell), ms p50 / p90, policy 1 s × 100,000 points × 4 methods\n\n` +
    '| store | 0 points | 400,000 points |\n| --- | ---: | ---: |\n' +
    rows.map(([name, r]) => `| ${name} | ${ms(r.empty)} | ${ms(r.full)} |`).join('\n') +
    '\n| postgres, whole series per write (issue 13, as reported) | 20 | 918 |' +
    '\n| postgres, whole series per write (this bench at commit 912a6b7, quiet / load 14) | 14.3 / 37.2 | 86.6 / 343.5 |\n',
);
