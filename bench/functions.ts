/**
 * Benchmark of the js computer (issue 14, section 5), side by side in one run with the simulated computer's
 * zero-cost lambda: a trivial function (echo of a ~100-byte JSON object) through one router on a js
 * computer vs the `zero` lambda (0 ops, copy-input, 100-byte input) through one router on a simulated
 * computer. Router, computers and client are separate processes (bench/servers.ts); the router has
 * `table-conf type=random`, `optimizer-conf type=none`, `max-pending-clients=0`.
 *
 * Reported: warm invocations/s and p50/p99 latency at concurrency 1 and 8 (closed loops, after an untimed
 * pass; each cell in three slices, the two lambdas taking turns, as the load of a shared machine varies), the
 * warm p50 the js computer adds over the simulated lambda; cold start p50 (the first call after
 * a deploy through the management API, straight to the computer, with a pre-started container, and a few
 * without one); resident memory of an idle container (RSS, and PSS: RSS with the pages shared with the other
 * Node processes divided among them); ratios to the targets.
 *
 * Run: `npm run bench:functions` or `node dist/bench/functions.js [seconds-per-cell]` (default 3; about 60 s).
 * Linux only (/proc).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { makeInput } from '../src/client/load-client.js';
import {
  cellOf,
  closedLoops,
  percentile,
  sliceOf,
  type Cell,
  type LoopRun,
  type Slice,
} from './closed-loop.js';
import { programRoute, startServerProcess, type ServerProcess } from './server-process.js';

const SECONDS = Number(process.argv[2] ?? 3);
const WARMUP = 0.5;
const CONCURRENCY = [1, 8];
const COLD_SAMPLES = 20;
/** Each cell is measured in this many slices, the paths taking turns, so that a change of load hits both. */
const ROUNDS = 3;
const UNWARMED_SAMPLES = 3;
/** The js computer's conf: as many containers per function as cores (more calls wait, warm, at the computer). */
const JS_CONF = 'containers=2,prewarm=1';
/** The targets. */
const TARGETS = { addedP50Ms: 0.5, rpsAt8: 3000, coldP50Ms: 20, idleRssMb: 40 };

/** `concurrency` closed loops calling `lambda` with `input` for WARMUP + `seconds`; the window after WARMUP counts. */
async function measure(
  endpoint: string,
  lambda: string,
  input: string,
  concurrency: number,
  seconds: number,
): Promise<Slice> {
  const client = new GrpcLambdaClient(endpoint);
  let run: LoopRun<number>;
  try {
    run = await closedLoops(
      client,
      { name: lambda, input },
      { hops: 2, concurrency, warmupS: WARMUP, seconds, mark: () => performance.now() },
    );
  } finally {
    client.close();
  }
  return sliceOf(run);
}

/** The child processes of `pid` (Linux). */
function children(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .filter(Boolean)
      .map(Number);
  } catch {
    return [];
  }
}

/** RSS and PSS of a process, MB. */
function memoryMb(pid: number): { rss: number; pss: number } {
  const kb = (text: string, key: string): number =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB$`, 'm').exec(text)?.[1] ?? NaN);
  return {
    rss: kb(readFileSync(`/proc/${pid}/status`, 'utf8'), 'VmRSS') / 1024,
    pss: kb(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'), 'Pss') / 1024,
  };
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Deploys `name` on the js computer (echo), then times its first call straight to the computer: the
 * latency the client sees and the ptime the computer reports, ms.
 */
async function coldStart(
  client: GrpcLambdaClient,
  management: string,
  name: string,
): Promise<{ latency: number; ptime: number }> {
  const put = await fetch(`http://${management}/functions/${name}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/javascript' },
    body: 'function main(params) { return params; }',
  });
  if (put.status !== 200) throw new Error(`cannot deploy ${name}: ${put.status} ${await put.text()}`);
  const t0 = performance.now();
  const res = await client.runLambda({ name, input: '{"cold":true}' });
  const ms = performance.now() - t0;
  if (res.retcode !== 'OK') throw new Error(`${name}: ${res.retcode}`);
  return { latency: ms, ptime: res.ptime };
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'soe-bench-functions-'));
  writeFileSync(join(dir, 'echo.js'), 'function main(params) { return params; }\n');
  const servers: ServerProcess[] = [];
  try {
    const sim = await startServerProcess('computer', 'lean');
    servers.push(sim);
    const js = await startServerProcess('jscomputer', 'lean', [dir, JS_CONF]);
    servers.push(js);
    const unwarmed = await startServerProcess('jscomputer', 'lean', [dir, 'containers=1,prewarm=0']);
    servers.push(unwarmed);
    const router = await startServerProcess('router', 'lean');
    servers.push(router);
    await programRoute(router, 'zero', sim.endpoint);
    await programRoute(router, 'echo', js.endpoint);

    const simInput = makeInput(100);
    const jsInput = JSON.stringify({ x: makeInput(92) }); // 100 bytes of JSON
    const paths: [string, string, string][] = [
      ['sim zero-cost lambda', 'zero', simInput],
      ['js echo function', 'echo', jsInput],
    ];
    // Untimed pass: JIT, connections, every js container started.
    for (const [, lambda, input] of paths) await measure(router.endpoint, lambda, input, 8, 1);
    const cells: Cell[] = [];
    for (const c of CONCURRENCY) {
      const slices = paths.map((): Slice[] => []);
      for (let r = 0; r < ROUNDS; r++)
        for (const [i, [, lambda, input]] of paths.entries())
          slices[i]!.push(await measure(router.endpoint, lambda, input, c, SECONDS / ROUNDS));
      for (const [i, [name]] of paths.entries()) cells.push(cellOf(name, c, slices[i]!));
    }

    // Idle containers: the js computer's children, after the runs (pre-started ones included).
    await sleep(500);
    const idle = children(js.child.pid!).map(memoryMb);

    const direct = new GrpcLambdaClient(js.endpoint);
    const cold: { latency: number; ptime: number }[] = [];
    for (let i = 0; i < COLD_SAMPLES; i++) {
      await sleep(1000); // the stem cell taken by the previous cold start is replaced meanwhile
      cold.push(await coldStart(direct, js.configurationEndpoint, `cold${i}`));
    }
    direct.close();
    const plain = new GrpcLambdaClient(unwarmed.endpoint);
    const coldUnwarmed: number[] = [];
    for (let i = 0; i < UNWARMED_SAMPLES; i++)
      coldUnwarmed.push((await coldStart(plain, unwarmed.configurationEndpoint, `cold${i}`)).latency);
    plain.close();

    const out: string[] = [];
    const load = loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
    out.push(
      `bench:functions — ${SECONDS} s per cell, js-conf ${JS_CONF}, through one router, Node ${process.version}, ` +
        `${availableParallelism()} cores, load average ${load}`,
    );
    out.push('');
    out.push('| lambda | concurrency | inv/s | p50 ms | p99 ms | errors |');
    out.push('|---|---:|---:|---:|---:|---:|');
    for (const c of cells)
      out.push(
        `| ${c.name} | ${c.concurrency} | ${fmt(c.rps, 0)} | ${fmt(c.p50, 3)} | ${fmt(c.p99, 3)} | ${c.errors} |`,
      );
    const cell = (name: string, c: number): Cell =>
      cells.find((x) => x.name === name && x.concurrency === c)!;
    const sorted = cold.map((c) => c.latency).sort((a, b) => a - b);
    const ptimes = cold.map((c) => c.ptime).sort((a, b) => a - b);
    const coldP50 = percentile(sorted, 50);
    const rssMean = idle.reduce((a, m) => a + m.rss, 0) / idle.length;
    const pssMean = idle.reduce((a, m) => a + m.pss, 0) / idle.length;
    out.push('');
    out.push('| figure | measured | target | ratio to target |');
    out.push('|---|---:|---:|---:|');
    for (const c of CONCURRENCY) {
      const added = cell('js echo function', c).p50 - cell('sim zero-cost lambda', c).p50;
      const line = `| warm p50 added by js, concurrency ${c} (ms) | ${fmt(added, 3)} |`;
      out.push(
        c === 1 ? `${line} ≤ ${TARGETS.addedP50Ms} | ${fmt(added / TARGETS.addedP50Ms)} |` : `${line} | |`,
      );
    }
    const rps8 = cell('js echo function', 8).rps;
    out.push(
      `| js warm inv/s at concurrency 8 | ${fmt(rps8, 0)} | ≥ ${TARGETS.rpsAt8} | ${fmt(rps8 / TARGETS.rpsAt8)} |`,
    );
    out.push(
      `| js / sim inv/s, concurrency 1 and 8 | ${fmt(cell('js echo function', 1).rps / cell('sim zero-cost lambda', 1).rps)}, ${fmt(rps8 / cell('sim zero-cost lambda', 8).rps)} | | |`,
    );
    out.push(
      `| cold start p50, pre-started container (ms, ${COLD_SAMPLES} deploys) | ${fmt(coldP50)} | ≤ ${TARGETS.coldP50Ms} | ${fmt(coldP50 / TARGETS.coldP50Ms)} |`,
    );
    out.push(`| cold start max, pre-started container (ms) | ${fmt(sorted[sorted.length - 1]!)} | | |`);
    out.push(
      `| cold start p50 inside the computer (its ptime, ms) | ${fmt(percentile(ptimes, 50), 0)} | | |`,
    );
    out.push(
      `| cold start without a pre-started container (ms, ${UNWARMED_SAMPLES} deploys) | ${coldUnwarmed.map((x) => fmt(x, 0)).join(', ')} | | |`,
    );
    out.push(
      `| idle container RSS (MB, mean of ${idle.length}) | ${fmt(rssMean, 1)} | ≤ ${TARGETS.idleRssMb} | ${fmt(rssMean / TARGETS.idleRssMb)} |`,
    );
    out.push(`| idle container PSS (MB, mean of ${idle.length}) | ${fmt(pssMean, 1)} | | |`);
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
