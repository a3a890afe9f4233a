/**
 * Benchmark of the e-router: what a router hop costs. The same closed-loop client as bench/computer.ts runs
 * a zero-cost lambda (0 ops, 0 memory: the `zero` lambda of bench/servers.ts) on one simulated computer
 * (a) directly, (b) through one router and (c) through two chained routers (router #1's table #0 points to
 * router #2 with final=false, router #2's tables point to the computer with final=true), all measured in
 * one run at concurrency 1 and 8, after an untimed pass over every path (for the JIT). The paths run on our
 * lean gRPC transport, and (a) and (b) again on grpc-js and on node:http2 (client, router and computer
 * started with `SOE_LAMBDA_TRANSPORT=grpc-js` or `node-http2`): the baselines of the transport. Computer and
 * routers are child processes (`servers.js computer|router`); each router has `table-conf type=random`,
 * `optimizer-conf type=none` and `max-pending-clients=0` (unlimited), so the router itself is measured,
 * not its admission limit or its optimizer.
 *
 * Reported per cell: req/s, p50/p99 latency, added latency per hop vs direct, CPU per request of each
 * router, of the computer and of the client (utime+stime from /proc/<pid>/stat over the measured window),
 * router RSS (/proc/<pid>/status VmRSS), errors (non-OK retcodes, failed calls, wrong hop counts), ratios
 * to direct and to the C++ original's figures.
 *
 * Then bench/router-telemetry.ts compares a router with and without telemetry (its own table).
 *
 * Run: `npx tsc -p . && node dist/bench/router.js [seconds-per-cell]` (default 3; about 60 s in all).
 * `SOE_BENCH_CPU_PROF=<dir>` starts the routers under `node --cpu-prof --cpu-prof-dir=<dir>` (profiles
 * are written when they exit). Linux only (/proc).
 */
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { makeInput } from '../src/client/load-client.js';
import { lambdaTransport } from '../src/protocol/lambda-transports.js';
import { closedLoops, percentile, type LoopRun } from './closed-loop.js';
import {
  CLK_TCK,
  cpuSeconds,
  programRoute,
  startServerProcess,
  type ServerProcess,
  type Transport,
} from './server-process.js';

const SECONDS = Number(process.argv[2] ?? 3);
const WARMUP = 0.5;
const CONCURRENCY = [1, 8];
const LAMBDA = 'zero';
const CPU_PROF_DIR = process.env['SOE_BENCH_CPU_PROF'];
/** The transports measured directly and through one router beside lean. */
const BASELINES: Transport[] = ['grpc-js', 'node-http2'];

/** The C++ original on this kind of 2-core machine (client, router and computer sharing the cores). */
const CPP = {
  direct: new Map([
    [1, 3564],
    [8, 5759],
  ]),
  oneRouter: new Map([
    [1, 1561],
    [8, 2107],
  ]),
  p50PerHop: 0.34,
  routerCpuMs: 0.27,
  routerRssMb: 20,
};

interface Path {
  name: string;
  /** Routers between client and computer. */
  hops: number;
  endpoint: string;
  routers: ServerProcess[];
  /** The computer at the end of the path. */
  target: ServerProcess;
  /** The lambda transport of the client, the routers and the computer. */
  transport: Transport;
}

interface Cell {
  path: Path;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  /** Milliseconds of CPU per request of each router of the path, in order. */
  routerCpu: number[];
  /** Megabytes of resident memory of each router of the path at the end of the cell. */
  routerRss: number[];
  computerCpu: number;
  clientCpu: number;
}

async function startRouter(transport: Transport): Promise<ServerProcess> {
  const prof = CPU_PROF_DIR === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${CPU_PROF_DIR}`];
  return startServerProcess(
    'router',
    transport,
    ['type=random', 'type=none', 'max-pending-clients=0,min-forward-time=0,max-forward-time=0'],
    prof,
  );
}

/** Resident memory of a process in megabytes. */
function rssMb(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

/** CPU seconds (user + system) this process has used so far. */
function cpuUsageSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

interface Snapshot {
  t: number;
  routers: number[];
  computer: number;
  client: number;
}

/**
 * `concurrency` closed loops on one channel for WARMUP + `seconds`. The measured window runs from the
 * snapshot taken after WARMUP to the one taken `seconds` later: requests completed in it give req/s and the
 * CPU denominators (every request crosses every router of the path once), requests started and completed
 * in it the latencies. Errors are counted over the whole cell.
 */
async function measure(path: Path, concurrency: number, seconds = SECONDS): Promise<Cell> {
  const pids = path.routers.map((r) => r.child.pid!);
  const snapshot = (): Snapshot => ({
    t: performance.now(),
    routers: pids.map(cpuSeconds),
    computer: cpuSeconds(path.target.child.pid!),
    client: cpuUsageSeconds(),
  });
  const client = new GrpcLambdaClient(path.endpoint, { transport: lambdaTransport(path.transport) });
  let run: LoopRun<Snapshot>;
  try {
    run = await closedLoops(
      client,
      { name: LAMBDA, input: makeInput(100) },
      { hops: path.hops + 1, concurrency, warmupS: WARMUP, seconds, mark: snapshot },
    );
  } finally {
    client.close();
  }
  const { done, errors, start: s, end: e } = run;
  const completed = done.filter(([, t1]) => t1 >= s.t && t1 <= e.t).length;
  const latencies = done
    .filter(([t0, t1]) => t0 >= s.t && t1 <= e.t)
    .map(([t0, t1]) => t1 - t0)
    .sort((a, b) => a - b);
  const perRequestMs = (before: number, after: number): number => ((after - before) * 1000) / completed;
  return {
    path,
    concurrency,
    rps: (completed * 1000) / (e.t - s.t),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
    routerCpu: pids.map((_, i) => perRequestMs(s.routers[i]!, e.routers[i]!)),
    routerRss: pids.map(rssMb),
    computerCpu: perRequestMs(s.computer, e.computer),
    clientCpu: perRequestMs(s.client, e.client),
  };
}

const servers: ServerProcess[] = [];
const started = (server: ServerProcess): ServerProcess => {
  servers.push(server);
  return server;
};
const cells: Cell[] = [];
try {
  const computer = started(await startServerProcess('computer', 'lean'));
  const one = started(await startRouter('lean'));
  const twoA = started(await startRouter('lean'));
  const twoB = started(await startRouter('lean'));
  await programRoute(one, LAMBDA, computer.endpoint, true);
  await programRoute(twoA, LAMBDA, twoB.endpoint, false);
  await programRoute(twoB, LAMBDA, computer.endpoint, true);
  const lean = { target: computer, transport: 'lean' } as const;
  const paths: Path[] = [
    { name: 'direct', hops: 0, endpoint: computer.endpoint, routers: [], ...lean },
    { name: '1 router', hops: 1, endpoint: one.endpoint, routers: [one], ...lean },
    { name: '2 routers', hops: 2, endpoint: twoA.endpoint, routers: [twoA, twoB], ...lean },
  ];
  for (const transport of BASELINES) {
    const target = started(await startServerProcess('computer', transport));
    const router = started(await startRouter(transport));
    await programRoute(router, LAMBDA, target.endpoint, true);
    paths.push(
      { name: 'direct', hops: 0, endpoint: target.endpoint, routers: [], target, transport },
      { name: '1 router', hops: 1, endpoint: router.endpoint, routers: [router], target, transport },
    );
  }
  // An untimed pass over every path first, so that the first cells do not pay for the JIT of the processes.
  for (const path of paths) await measure(path, Math.max(...CONCURRENCY), 0);
  for (const concurrency of CONCURRENCY) {
    for (const path of paths) cells.push(await measure(path, concurrency));
  }
} finally {
  await Promise.all(
    servers.map(async (s) => {
      if (s.child.exitCode !== null || s.child.signalCode !== null) return;
      const exited = once(s.child, 'exit');
      s.child.kill();
      await exited;
    }),
  );
}

const ms = (v: number): string => v.toFixed(3);
const ratio = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(2)}×` : '–');
const list = (vs: number[], f: (v: number) => string): string => (vs.length ? vs.map(f).join(' / ') : '–');
const header = [
  'transport',
  'path',
  'conc',
  'req/s',
  'req/s ÷direct',
  'p50 ms',
  'p99 ms',
  'p50 ÷direct',
  '+p50 ms/hop',
  '+p99 ms/hop',
  'router CPU ms/req',
  'router CPU ÷computer',
  'router RSS MB',
  'computer CPU ms/req',
  'client CPU ms/req',
  'req/s ÷C++',
  'errors',
];
/** The cell of `transport` with `hops` routers at `conc`. */
const cell = (transport: Transport, hops: number, conc: number): Cell =>
  cells.find((c) => c.path.transport === transport && c.path.hops === hops && c.concurrency === conc)!;
const rows = cells.map((c) => {
  const direct = cell(c.path.transport, 0, c.concurrency);
  const hop = c.path.hops;
  const cpp = (hop === 0 ? CPP.direct : hop === 1 ? CPP.oneRouter : new Map<number, number>()).get(
    c.concurrency,
  );
  return [
    c.path.transport,
    c.path.name,
    String(c.concurrency),
    c.rps.toFixed(0),
    ratio(c.rps / direct.rps),
    ms(c.p50),
    ms(c.p99),
    ratio(c.p50 / direct.p50),
    hop ? ms((c.p50 - direct.p50) / hop) : '–',
    hop ? ms((c.p99 - direct.p99) / hop) : '–',
    list(c.routerCpu, ms),
    list(
      c.routerCpu.map((v) => v / direct.computerCpu),
      (v) => ratio(v),
    ),
    list(c.routerRss, (v) => v.toFixed(0)),
    ms(c.computerCpu),
    ms(c.clientCpu),
    cpp === undefined ? '–' : ratio(c.rps / cpp),
    String(c.errors),
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]): string => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
const oneRouter = (conc: number): Cell => cell('lean', 1, conc);
const cppRatio = (conc: number): string => (oneRouter(conc).rps / CPP.oneRouter.get(conc)!).toFixed(2);
const oneRouterCpu = CONCURRENCY.map((conc) => oneRouter(conc).routerCpu[0]!);
const maxRss = Math.max(...cells.filter((c) => c.path.transport === 'lean').flatMap((c) => c.routerRss));
const oneRouterP50 = CONCURRENCY.map((conc) => oneRouter(conc).p50 - cell('lean', 0, conc).p50);
const over = (transport: Transport, f: (c: Cell) => number): number[] =>
  CONCURRENCY.map((conc) => f(oneRouter(conc)) / f(cell(transport, 1, conc)));
const cppOneRouter = (conc: number): number => CPP.oneRouter.get(conc)!;
const n = (v: number): string => v.toLocaleString('en');
const and = (vs: number[], f: (v: number) => string): string => vs.map(f).join(' and ');
const intro = [
  'E-router hop cost: RunLambda of a zero-cost lambda (100-byte input) over loopback, client → computer',
  'directly, through 1 router and through 2 chained routers, on our lean gRPC transport; directly and',
  'through 1 router again on grpc-js and on node:http2 (client, router and computer);',
  `${SECONDS} s per cell after ${WARMUP} s`,
  `warm-up (and an untimed ${WARMUP} s pass over every path first); one client channel, closed loops;`,
  `client, computer and each router in its own process on ${cpus().length} cores. Routers: table-conf`,
  'type=random, optimizer-conf type=none, max-pending-clients=0. CPU: utime+stime (/proc,',
  `${1000 / CLK_TCK} ms ticks) over the measured window per request completed in it; router columns list`,
  'router #1 / #2; RSS at the end of the cell. "÷direct", "÷computer": ratios to the direct cell of the',
  `same transport at the same concurrency; "÷C++": to the C++ original's req/s on the same path (below). Errors: non-OK`,
  'retcodes, failed calls, wrong hop counts.',
].join(' ');
process.stdout.write(
  [
    intro,
    '',
    fmt(header),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(fmt),
    '',
    `For scale, the C++ original on this kind of 2-core machine (client, router and computer sharing the ` +
      `cores): direct ${n(CPP.direct.get(1)!)} req/s with 1 client thread and ${n(CPP.direct.get(8)!)} ` +
      `with 8; through its router ${n(cppOneRouter(1))} and ${n(cppOneRouter(8))} req/s, ` +
      `+${CPP.p50PerHop} ms p50 per hop, ${CPP.routerCpuMs} ms of router CPU per request, ` +
      `${CPP.routerRssMb} MB RSS. Through one router we serve ${cppRatio(1)}× its throughput at ` +
      `concurrency 1 and ${cppRatio(8)}× at 8, adding ${and(oneRouterP50, ms)} ms p50, with ` +
      `${and(oneRouterCpu, ms)} ms of router CPU per request ` +
      `(${and(oneRouterCpu, (v) => (v / CPP.routerCpuMs).toFixed(2))}× its ${CPP.routerCpuMs} ms) and up ` +
      `to ${maxRss.toFixed(0)} MB RSS per router (${(maxRss / CPP.routerRssMb).toFixed(1)}× its ` +
      `${CPP.routerRssMb} MB). ` +
      BASELINES.map(
        (t) =>
          `Against the same router on ${t}: ${and(
            over(t, (c) => c.rps),
            (v) => v.toFixed(2),
          )}× the throughput for ${and(
            over(t, (c) => c.routerCpu[0]!),
            (v) => v.toFixed(2),
          )}× the router CPU per request.`,
      ).join(' '),
    '',
  ].join('\n'),
);

// What telemetry costs the same router (issue 17): its own processes and table.
await import('./router-telemetry.js');
