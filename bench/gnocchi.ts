/**
 * Gnocchi's own workload against our timeseries server (issue #4): runs the shared replayable script
 * `gnocchi-bench.py` (workloads A ingest-small, B ingest-heavy 2,000,000 measures, C reads and 21-metric
 * aggregates) against `soe timeseries serve` (embedded store, basic auth) started as a child process, once
 * with the default `--heap-growing-percent` and once with V8's own heap heuristics (`0`) as the in-run
 * baseline, and prints our figures next to Gnocchi 4.4's on this kind of 2-core machine
 * (`../shared/research/gnocchi-bench.md`) as ratios. Peak RSS is the server's own high-water mark
 * (`VmHWM` of /proc/<pid>/status): the script's `--proc` sampler would also count the script itself.
 *
 * Run: `npx tsc -p . && node dist/bench/gnocchi.js [path/to/gnocchi-bench.py] [runs]` (default
 * `../shared/bench/gnocchi-bench.py` from the repository root, 1 run; about a minute). Linux only.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = resolve(process.argv[2] ?? join(ROOT, '../shared/bench/gnocchi-bench.py'));
const RUNS = Number(process.argv[3] ?? 1);
const SOE = join(ROOT, 'bin/soe.js');

/** Gnocchi 4.4 (API + metricd + PostgreSQL) on this kind of machine, from the research notes. */
const GNOCCHI = {
  bIngest: 112_000,
  cReadP50: 27.8,
  cAggregateP50: 221,
  rssMib: 1_229,
};

/** The medians the script writes to its JSON file. */
interface BenchJson {
  A_median: { e2e_measures_per_s: number };
  B_median: { e2e_measures_per_s: number; api_measures_per_s: number };
  C_median: {
    get_measures_1_metric: { p50_ms: number; p99_ms: number };
    aggregates_sum_21: { p50_ms: number; p99_ms: number };
  };
}

/** One server run: the script's medians and the server's peak RSS. */
interface Result {
  bench: BenchJson;
  peakRssMib: number;
}

/** Runs the script against a fresh server, with `--heap-growing-percent` if given (else its default). */
async function runAgainstServer(heapGrowingPercent?: number): Promise<Result> {
  const dir = mkdtempSync(join(tmpdir(), 'soe-gnocchi-bench-'));
  const server = spawn(
    process.execPath,
    [
      SOE,
      'timeseries',
      'serve',
      '--listen',
      '127.0.0.1:0',
      '--data-dir',
      join(dir, 'data'),
      ...(heapGrowingPercent === undefined ? [] : ['--heap-growing-percent', String(heapGrowingPercent)]),
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  try {
    const base = await new Promise<string>((ok, fail) => {
      let log = '';
      server.stderr.setEncoding('utf8');
      server.stderr.on('data', (chunk: string) => {
        log += chunk;
        const m = /listening on (http:\/\/\S+?),/.exec(log);
        if (m) ok(m[1]!);
      });
      server.once('exit', () => fail(new Error(`server exited: ${log}`)));
    });
    const out = join(dir, 'bench.json');
    const script = spawn('python3', [SCRIPT, '--base', base, '--runs', String(RUNS), '--json', out], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const [code] = (await once(script, 'exit')) as [number | null];
    if (code !== 0) throw new Error(`${SCRIPT} exited with ${code}`);
    const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
    const hwm = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1]);
    return { bench: JSON.parse(readFileSync(out, 'utf8')) as BenchJson, peakRssMib: hwm / 1024 };
  } finally {
    server.kill('SIGINT');
    await once(server, 'exit');
    rmSync(dir, { recursive: true, force: true });
  }
}

function row(cells: string[]): string {
  return `| ${cells.join(' | ')} |`;
}

const ours = await runAgainstServer();
const v8Default = await runAgainstServer(0);
const figures: [string, (r: Result) => number, number, 'higher' | 'lower', number][] = [
  ['A ingest, measures/s processed', (r) => r.bench.A_median.e2e_measures_per_s, NaN, 'higher', 0],
  ['B ingest, measures/s accepted', (r) => r.bench.B_median.api_measures_per_s, 135_000, 'higher', 0],
  [
    'B ingest, measures/s processed',
    (r) => r.bench.B_median.e2e_measures_per_s,
    GNOCCHI.bIngest,
    'higher',
    0,
  ],
  [
    'C read one metric, p50 ms',
    (r) => r.bench.C_median.get_measures_1_metric.p50_ms,
    GNOCCHI.cReadP50,
    'lower',
    2,
  ],
  ['C read one metric, p99 ms', (r) => r.bench.C_median.get_measures_1_metric.p99_ms, 50, 'lower', 2],
  [
    'C aggregate 21 metrics, p50 ms',
    (r) => r.bench.C_median.aggregates_sum_21.p50_ms,
    GNOCCHI.cAggregateP50,
    'lower',
    2,
  ],
  ['peak RSS of the server, MiB', (r) => r.peakRssMib, GNOCCHI.rssMib, 'lower', 0],
];
const lines = [
  `Gnocchi's workloads (${SCRIPT}, ${RUNS} run(s), medians) against soe timeseries serve (embedded store).`,
  'Gnocchi 4.4 = API + metricd + PostgreSQL on this kind of 2-core machine (research notes; RSS summed).',
  '',
  row(['figure', 'ours', 'ours, V8 heap defaults', 'Gnocchi 4.4', 'ours ÷ Gnocchi', 'ours ÷ V8 defaults']),
  row(['---', '---:', '---:', '---:', '---:', '---:']),
];
for (const [name, get, gnocchi, better, digits] of figures) {
  const a = get(ours);
  const b = get(v8Default);
  const vsGnocchi = Number.isNaN(gnocchi) ? '–' : `${(a / gnocchi).toFixed(2)}× (${better} is better)`;
  lines.push(
    row([
      name,
      a.toFixed(digits),
      b.toFixed(digits),
      Number.isNaN(gnocchi) ? '–' : gnocchi.toFixed(digits),
      vsGnocchi,
      `${(a / b).toFixed(2)}×`,
    ]),
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
