/**
 * What telemetry costs the e-router's data path (issue 17): the zero-cost lambda of bench/router.ts through
 * one router without telemetry and through one router writing its figures every second to a live timeseries
 * service (`--telemetry`'s batching writer, table weights and per-destination counts), then, the timeseries
 * service killed, through the same router (its telemetry failing and dropping) and the one without again.
 * Client, computer, both routers and the timeseries service are separate processes (bench/servers.ts);
 * routers: table-conf type=random, optimizer-conf type=none, max-pending-clients=0, lean transport. Each
 * cell: one client channel, closed loops at concurrency 1 and 8, `seconds` after 0.2 s of warm-up. A busy
 * machine's drift is larger than what is measured, so each phase is {@link ROUNDS} rounds of one cell per
 * router, taken in turn (the first one alternating), and the table shows medians over the rounds: of req/s
 * and p50, and of each round's ratio and p50 difference to the router without telemetry.
 *
 * Run: `node dist/bench/router-telemetry.js [seconds-per-cell]` (default 1); bench/router.ts runs it last
 * with its own seconds per cell.
 */
import { once } from 'node:events';
import { cpus, loadavg } from 'node:os';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { makeInput } from '../src/client/load-client.js';
import { lambdaTransport } from '../src/protocol/lambda-transports.js';
import { closedLoops, percentile } from './closed-loop.js';
import { cpuSeconds, programRoute, startServerProcess, type ServerProcess } from './server-process.js';

const SECONDS = Number(process.argv[2] ?? 1);
const WARMUP = 0.2;
/** Rounds per phase (live service, then killed). */
const ROUNDS = 7;
const CONCURRENCY = [1, 8];
const LAMBDA = 'zero';
const ROUTER_CONF = [
  'type=random',
  'type=none',
  'max-pending-clients=0,min-forward-time=0,max-forward-time=0',
];

interface Cell {
  label: 'off' | 'on' | 'off, server stopped' | 'on, server stopped';
  round: number;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  /** Milliseconds of the router's CPU (utime + stime) per request completed in the window. */
  cpu: number;
  errors: number;
}

async function measure(
  router: ServerProcess,
  concurrency: number,
  label: Cell['label'],
  round: number,
  seconds = SECONDS,
): Promise<Cell> {
  const client = new GrpcLambdaClient(router.endpoint, { transport: lambdaTransport('lean') });
  const pid = router.child.pid!;
  try {
    const run = await closedLoops(
      client,
      { name: LAMBDA, input: makeInput(100) },
      {
        hops: 2,
        concurrency,
        warmupS: WARMUP,
        seconds,
        mark: () => ({ t: performance.now(), cpu: cpuSeconds(pid) }),
      },
    );
    const { done, errors, start, end } = run;
    const completed = done.filter(([, t1]) => t1 >= start.t && t1 <= end.t).length;
    const latencies = done
      .filter(([t0, t1]) => t0 >= start.t && t1 <= end.t)
      .map(([t0, t1]) => t1 - t0)
      .sort((a, b) => a - b);
    return {
      label,
      round,
      concurrency,
      rps: (completed * 1000) / (end.t - start.t),
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      cpu: ((end.cpu - start.cpu) * 1000) / completed,
      errors,
    };
  } finally {
    client.close();
  }
}

async function kill(server: ServerProcess): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = once(server.child, 'exit');
  server.child.kill();
  await exited;
}

/** The edge-router resources and their metrics the timeseries service holds. */
async function written(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/resource/edge-router`, {
    headers: { authorization: `Basic ${Buffer.from('admin:').toString('base64')}` },
  });
  const resources = (await res.json()) as { metrics: Record<string, string> }[];
  return resources.map((r) => Object.keys(r.metrics).sort().join(', ')).join('; ');
}

const servers: ServerProcess[] = [];
const cells: Cell[] = [];
let metricsWritten: string | undefined;
const loadBefore = loadavg()[0]!;
try {
  const start = async (kind: string, args: string[] = []): Promise<ServerProcess> => {
    const s = await startServerProcess(kind, 'lean', args);
    servers.push(s);
    return s;
  };
  const computer = await start('computer');
  const timeseries = await start('timeseries');
  const url = timeseries.endpoint;
  const off = await start('router', ROUTER_CONF);
  const on = await start('router', [...ROUTER_CONF, `${url},interval=1`]);
  await programRoute(off, LAMBDA, computer.endpoint);
  await programRoute(on, LAMBDA, computer.endpoint);
  for (const r of [off, on]) await measure(r, 8, 'off', -1, 0.5); // JIT warm-up, untimed
  const phase = async (offLabel: Cell['label'], onLabel: Cell['label']): Promise<void> => {
    for (let round = 0; round < ROUNDS; round++) {
      for (const concurrency of CONCURRENCY) {
        const pair: [ServerProcess, Cell['label']][] = [
          [off, offLabel],
          [on, onLabel],
        ];
        if (round % 2 === 1) pair.reverse();
        for (const [router, label] of pair) cells.push(await measure(router, concurrency, label, round));
      }
    }
  };
  await phase('off', 'on');
  metricsWritten = await written(url);
  await kill(timeseries);
  await phase('off, server stopped', 'on, server stopped');
} finally {
  await Promise.all(servers.map(kill));
}

const median = (vs: number[]): number => {
  const sorted = [...vs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const of = (label: Cell['label'], conc: number): Cell[] =>
  cells.filter((c) => c.label === label && c.concurrency === conc).sort((a, b) => a.round - b.round);
const header = [
  'router telemetry',
  'conc',
  'req/s',
  'req/s ÷off',
  'p50 ms',
  'p99 ms',
  '+p50 ms vs off',
  'router CPU ms/req',
  'CPU ÷off',
  'errors',
];
const rows: string[][] = [];
for (const [offLabel, onLabel] of [
  ['off', 'on'],
  ['off, server stopped', 'on, server stopped'],
] as const) {
  for (const conc of CONCURRENCY) {
    const base = of(offLabel, conc);
    for (const label of [offLabel, onLabel]) {
      const cs = of(label, conc);
      rows.push([
        label,
        String(conc),
        median(cs.map((c) => c.rps)).toFixed(0),
        `${median(cs.map((c, i) => c.rps / base[i]!.rps)).toFixed(3)}×`,
        median(cs.map((c) => c.p50)).toFixed(3),
        median(cs.map((c) => c.p99)).toFixed(3),
        median(cs.map((c, i) => c.p50 - base[i]!.p50)).toFixed(3),
        median(cs.map((c) => c.cpu)).toFixed(3),
        `${median(cs.map((c, i) => c.cpu / base[i]!.cpu)).toFixed(2)}×`,
        String(cs.reduce((n, c) => n + c.errors, 0)),
      ]);
    }
  }
}
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]): string => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  [
    '',
    `Telemetry cost on the router's data path: client → router → computer (zero-cost lambda, 100-byte input, ` +
      `lean transport), one router without telemetry ("off") and one writing its figures every second to a live ` +
      `timeseries service ("on"), then both again once the timeseries service was killed; ${ROUNDS} rounds per phase of one ` +
      `${SECONDS} s cell per router (after ${WARMUP} s warm-up; one client channel, closed loops), medians over ` +
      `the rounds; every process on ${cpus().length} shared cores, load average ${loadBefore.toFixed(1)} at the ` +
      `start, ${loadavg()[0]!.toFixed(1)} at the end. "÷off", "+p50": median over the rounds of the ratio and ` +
      `difference to the router without telemetry in the same round. Router CPU: utime+stime (/proc, 10 ms ` +
      `ticks) over the window per request completed in it. Errors: summed over the rounds.`,
    '',
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(fmt),
    '',
    `Metrics the router with telemetry had written before the service was killed: ${metricsWritten ?? 'none (the bench failed)'}.`,
    '',
  ].join('\n'),
);
