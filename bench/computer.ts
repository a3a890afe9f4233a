/**
 * Benchmark of the simulated edge computer (issue #2): requests/s and latency percentiles of RunLambda
 * through our computer, for clambda0 (100-byte input, 1.04 ms simulated) and a zero-cost lambda, next to
 * two bare echo servers measured in the same run, at several concurrencies: one on our lean gRPC transport
 * (the floor of our computer, the baseline of the ratios) and one on grpc-js, called by a grpc-js client
 * (what the transport saves).
 * Client and server are separate processes on this machine. Run: `npm run bench:computer [-- seconds-per-cell]`.
 */
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { makeInput } from '../src/client/load-client.js';
import { lambdaTransport } from '../src/protocol/lambda-transports.js';
import { percentile } from './closed-loop.js';
import { startServerProcess, type Transport } from './server-process.js';

interface Cell {
  server: string;
  lambda: string;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

const SECONDS = Number(process.argv[2] ?? 3);
const WARMUP = 0.5;
const CONCURRENCY = [1, 8, 32];

/** `concurrency` closed loops on one channel for WARMUP + SECONDS; statistics over the last SECONDS. */
async function measure(
  endpoint: string,
  server: string,
  lambda: string,
  concurrency: number,
  transport: Transport = 'lean',
): Promise<Cell> {
  const client = new GrpcLambdaClient(endpoint, { transport: lambdaTransport(transport) });
  const input = makeInput(100);
  const latencies: number[] = [];
  let errors = 0;
  const start = performance.now();
  const measureFrom = start + WARMUP * 1000;
  const end = measureFrom + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await client.runLambda({ name: lambda, input });
        const t1 = performance.now();
        if (res.retcode !== 'OK') errors++;
        else if (t0 >= measureFrom && t1 <= end) latencies.push(t1 - t0);
      }
    }),
  );
  client.close();
  latencies.sort((a, b) => a - b);
  return {
    server,
    lambda,
    concurrency,
    rps: latencies.length / SECONDS,
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors,
  };
}

const echo = await startServerProcess('echo', 'grpc-js');
const echoLean = await startServerProcess('echo', 'lean');
const computer = await startServerProcess('computer', 'lean');
const cells: Cell[] = [];
try {
  for (const concurrency of CONCURRENCY) {
    cells.push(await measure(echoLean.endpoint, 'lean echo (baseline)', 'echo', concurrency));
    cells.push(await measure(echo.endpoint, 'grpc-js echo', 'echo', concurrency, 'grpc-js'));
    cells.push(await measure(computer.endpoint, 'soe computer', 'zero', concurrency));
    cells.push(await measure(computer.endpoint, 'soe computer', 'clambda0', concurrency));
  }
} finally {
  for (const s of [echo, echoLean, computer]) s.child.kill();
}

const header = [
  'server',
  'lambda',
  'conc',
  'req/s',
  'p50 ms',
  'p99 ms',
  'req/s ratio',
  'p50 ratio',
  'errors',
];
const rows = cells.map((c) => {
  const base = cells.find((b) => b.server.startsWith('lean echo') && b.concurrency === c.concurrency)!;
  return [
    c.server,
    c.lambda,
    String(c.concurrency),
    c.rps.toFixed(0),
    c.p50.toFixed(3),
    c.p99.toFixed(3),
    (c.rps / base.rps).toFixed(2),
    (c.p50 / base.p50).toFixed(2),
    String(c.errors),
  ];
});
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
const fmt = (r: string[]): string => `| ${r.map((v, i) => v.padEnd(widths[i]!)).join(' | ')} |`;
process.stdout.write(
  `RunLambda over loopback, 100-byte input, ${SECONDS} s per cell after ${WARMUP} s warm-up, one channel, ` +
    `client and server in separate processes on ${(await import('node:os')).cpus().length} cores\n\n` +
    [fmt(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(fmt)].join('\n') +
    '\n\nRatios are to the lean echo server at the same concurrency. The grpc-js echo is called by a grpc-js ' +
    'client, the other rows by our lean client. For scale, the C++ original served a ' +
    'zero-cost lambda at 3,564 req/s with 1 client thread and 5,759 with 8 on this kind of 2-core machine.\n',
);
