/**
 * Benchmark of the timeseries service (issue #4): measures pushed per second through the REST API, by
 * batch size (1 … 5,000 measures per POST, 4 concurrent clients, keep-alive), for the embedded store and
 * for PostgreSQL, next to a bare fastify server on the same machine that parses the same JSON and answers
 * 202 without storing anything (the ceiling of any server here); then reads (GET one metric) and
 * `/v1/aggregates` sums. Every measure counted was acknowledged with a 202 and is aggregated (reads are
 * fresh). The server runs as a child process. Run: `npm run bench:timeseries [-- seconds-per-cell]`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';

const SECONDS = Number(process.argv[2] ?? 3);
const BATCHES = [1, 10, 100, 1000, 5000];
const CLIENTS = 4;
const METRICS = 50;
const SOE = fileURLToPath(new URL('../../bin/soe.js', import.meta.url));
const PG = process.env.SOE_TEST_PG ?? 'postgres://postgres@127.0.0.1:5432/test';
const HEADERS = { 'content-type': 'application/json' };

interface Server {
  base: string;
  child?: ChildProcess;
  stop(): Promise<void>;
}

async function startSoe(storage: string[]): Promise<Server> {
  const child = spawn(
    process.execPath,
    [SOE, 'timeseries', 'serve', '--listen', '127.0.0.1:0', '--auth', 'none', ...storage],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let log = '';
  child.stderr.setEncoding('utf8');
  for await (const chunk of child.stderr) {
    log += chunk as string;
    const m = /listening on (http:\/\/[^\s,]+)/.exec(log);
    if (m) {
      return {
        base: `${m[1]!}/v1`,
        child,
        async stop() {
          child.kill('SIGTERM');
          await once(child, 'close');
        },
      };
    }
  }
  throw new Error(`server did not start:\n${log}`);
}

async function startBaseline(): Promise<Server> {
  const app = Fastify({ bodyLimit: 64 * 1024 * 1024 });
  app.post('/v1/metric/:id/measures', async (_req, reply) => reply.code(202).send());
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address() as { port: number };
  return { base: `http://127.0.0.1:${address.port}/v1`, stop: () => app.close() };
}

async function post(url: string, body: unknown): Promise<Response> {
  return fetch(url, { method: 'POST', headers: HEADERS, body: JSON.stringify(body) });
}

async function setup(base: string): Promise<string[]> {
  const policy = {
    name: 'bench',
    aggregation_methods: ['mean', 'min', 'max', 'sum', 'std', 'count'],
    definition: [
      { granularity: 1, timespan: 3600 },
      { granularity: 60, timespan: 86400 },
      { granularity: 3600, timespan: 86400 * 30 },
    ],
  };
  await post(`${base}/archive_policy`, policy);
  const ids: string[] = [];
  for (let i = 0; i < METRICS; i++) {
    const res = await post(`${base}/metric`, { archive_policy_name: 'bench' });
    ids.push(res.ok ? ((await res.json()) as { id: string }).id : `baseline-${i}`);
  }
  return ids;
}

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

interface Row {
  server: string;
  what: string;
  rate: number;
  unit: string;
  p50: number;
  p99: number;
  errors: number;
}

/** Closed-loop writers: each client owns some metrics and keeps their timestamps increasing. */
async function pushes(
  server: string,
  base: string,
  ids: string[],
  batch: number,
  clock: { t: number },
): Promise<Row> {
  const latencies: number[] = [];
  let measures = 0;
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CLIENTS }, async (_, c) => {
      let k = 0;
      while (performance.now() < end) {
        const id = ids[(c + CLIENTS * k++) % ids.length]!;
        const start = clock.t;
        clock.t += batch;
        const body = Array.from({ length: batch }, (_, i) => ({
          timestamp: start + i,
          value: (start + i) % 97,
        }));
        const t0 = performance.now();
        const res = await post(`${base}/metric/${id}/measures`, body);
        await res.arrayBuffer();
        latencies.push(performance.now() - t0);
        if (res.status === 202) measures += batch;
        else errors++;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  return {
    server,
    what: `POST batch of ${batch}`,
    rate: measures / SECONDS,
    unit: 'measures/s',
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    errors,
  };
}

async function reads(server: string, what: string, request: () => Promise<Response>): Promise<Row> {
  const latencies: number[] = [];
  let errors = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) {
    const t0 = performance.now();
    const res = await request();
    await res.arrayBuffer();
    latencies.push(performance.now() - t0);
    if (res.status !== 200) errors++;
  }
  latencies.sort((a, b) => a - b);
  return {
    server,
    what,
    rate: latencies.length / SECONDS,
    unit: 'req/s',
    p50: pct(latencies, 50),
    p99: pct(latencies, 99),
    errors,
  };
}

const rows: Row[] = [];
const servers: [string, () => Promise<Server>][] = [
  ['bare fastify (baseline)', startBaseline],
  ['soe embedded', () => startSoe(['--data-dir', mkdtempSync(join(tmpdir(), 'soe-bench-ts-'))])],
  ['soe postgres', () => startSoe(['--storage', PG])],
];
for (const [name, start] of servers) {
  const server = await start();
  try {
    const ids = await setup(server.base);
    // A fresh stretch of time per run (a database may hold earlier runs), well before 2262, the last
    // timestamp the service accepts.
    const clock = { t: Date.UTC(2024, 0, 1) / 1000 + Math.floor(Math.random() * 1e6) * 1000 };
    for (const batch of BATCHES) rows.push(await pushes(name, server.base, ids, batch, clock));
    if (server.child) {
      rows.push(
        await reads(name, 'GET measures of 1 metric', () =>
          fetch(`${server.base}/metric/${ids[0]!}/measures?granularity=60`),
        ),
      );
      const operations = ['aggregate', 'sum', ['metric', ...ids.slice(0, 21).map((id) => [id, 'mean'])]];
      rows.push(
        await reads(name, 'POST aggregates sum of 21 metrics', () =>
          post(`${server.base}/aggregates?granularity=60`, { operations }),
        ),
      );
    }
  } finally {
    await server.stop();
  }
}

const header = ['server', 'operation', 'rate', 'unit', 'p50 ms', 'p99 ms', 'ratio to baseline', 'errors'];
const table = rows.map((r) => {
  const base = rows.find((b) => b.server.includes('baseline') && b.what === r.what);
  return [
    r.server,
    r.what,
    r.rate.toFixed(0),
    r.unit,
    r.p50.toFixed(2),
    r.p99.toFixed(2),
    base ? (r.rate / base.rate).toFixed(2) : '',
    String(r.errors),
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const fmt = (r: string[]): string => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  `Timeseries REST API, ${CLIENTS} concurrent clients with keep-alive, ${SECONDS} s per cell, ${METRICS} metrics, ` +
    'policy 1 s/1 h + 1 min/1 day + 1 h/30 days with 6 methods\n\n' +
    [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...table.map(fmt)].join('\n') +
    '\n\nFor scale, Gnocchi 4.4.2 on this kind of 2-core machine (../shared/research/gnocchi-bench.md): 135k measures/s ' +
    'accepted and 112k/s processed with 100k-measure batches; one-metric read p50 27.8 ms; 21-metric aggregate sum p50 221 ms.\n',
);
