/**
 * Benchmark of the COVID-19 Italy load (issue #6): the whole shipped history (21 areas × 1,781 days × 11
 * fields = 411,411 measures) into a fresh embedded timeseries server running in this process, by our
 * producer (one batch request per area with all its days) and by a baseline doing what the original
 * student producer did with a batch-less API: one `POST /v1/metric/{id}/measures` per metric with all its
 * days (231 requests). Both create the same policy, resource type and resources first, and both times
 * include that. Each is run `runs` times on a new server; the table shows the median and the best.
 * Run: `npx tsc -p . && node dist/bench/covid-load.js [runs]` (default 3).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COVID_FIELDS,
  COVID_POLICY,
  COVID_POLICY_NAME,
  REGION_RESOURCE_TYPE,
  REGION_TYPE,
  regionResourceId,
} from '../src/covid/contract.js';
import { dayTimestamp, loadCovidDataset, type CovidDataset } from '../src/covid/dataset.js';
import { GnocchiClient } from '../src/covid/gnocchi-client.js';
import { produceCovid } from '../src/covid/producer.js';
import { startTimeseriesServer } from '../src/timeseries/api/serve.js';
import { FileTimeseriesStore } from '../src/timeseries/store-file.js';

const RUNS = Number(process.argv[2] ?? 3);
const data = loadCovidDataset();
const MEASURES = data.areas.length * data.days.length * COVID_FIELDS.length;

/** One timed load on a fresh server; resolves to [seconds, requests]. */
async function timed(load: (endpoint: string) => Promise<number>): Promise<[number, number]> {
  const dir = mkdtempSync(join(tmpdir(), 'soe-bench-covid-'));
  const store = new FileTimeseriesStore({ dataDir: dir });
  await store.open();
  const server = await startTimeseriesServer({ listen: '127.0.0.1:0', store, auth: 'basic' });
  try {
    const t0 = performance.now();
    const requests = await load(server.url);
    return [(performance.now() - t0) / 1000, requests];
  } finally {
    await server.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function ours(endpoint: string): Promise<number> {
  let requests = 0;
  const report = await produceCovid({ endpoint, dataset: data, onProgress: () => requests++ });
  if (report.measures !== MEASURES) throw new Error(`producer sent ${report.measures} measures`);
  return requests;
}

async function baseline(endpoint: string, dataset: CovidDataset = data): Promise<number> {
  const client = new GnocchiClient(endpoint);
  await client.createArchivePolicy(COVID_POLICY);
  await client.createResourceType(REGION_RESOURCE_TYPE);
  const metrics = Object.fromEntries(
    COVID_FIELDS.map((f) => [f, { archive_policy_name: COVID_POLICY_NAME }]),
  );
  const timestamps = dataset.days.map(dayTimestamp);
  let requests = 0;
  for (const [a, area] of dataset.areas.entries()) {
    const resource = await client.createResource(REGION_TYPE, {
      id: regionResourceId(area.codice_regione),
      codice_regione: area.codice_regione,
      denominazione: area.denominazione,
      metrics,
    });
    for (const field of COVID_FIELDS) {
      const series = dataset.regional[a]!;
      await client.addMeasures(
        resource.metrics[field]!,
        timestamps.map((timestamp, d) => ({ timestamp, value: series[d]![field] })),
      );
      requests++;
    }
  }
  return requests;
}

const rows: string[][] = [];
const results: { name: string; median: number }[] = [];
for (const [name, load] of [
  ['soe covid produce (batch, 1 request per area)', ours],
  ['baseline: 1 POST per metric with all its days', baseline],
] as const) {
  const runs: [number, number][] = [];
  for (let i = 0; i < RUNS; i++) runs.push(await timed(load));
  const seconds = runs.map((r) => r[0]).sort((x, y) => x - y);
  const median = seconds[Math.floor(seconds.length / 2)]!;
  results.push({ name, median });
  rows.push([
    name,
    String(runs[0]![1]),
    String(MEASURES),
    median.toFixed(2),
    seconds[0]!.toFixed(2),
    (MEASURES / median).toFixed(0),
    (median / results[0]!.median).toFixed(2),
  ]);
}

const header = ['producer', 'requests', 'measures', 'median s', 'best s', 'measures/s', 'time / ours'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]): string => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  `COVID-19 Italy, whole history (${data.areas.length} areas × ${data.days.length} days × ${COVID_FIELDS.length} ` +
    `fields) into a fresh embedded store, server in this process, ${RUNS} runs each\n\n` +
    [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(fmt)].join('\n') +
    '\n',
);
