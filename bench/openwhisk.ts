/**
 * Benchmark of wskproxy (issue 15, section 4): the official `openwhisk` npm client (3.21.x) invoking a
 * trivial Node.js action (echo of a ~100-byte JSON object) through wskproxy → router → js computer, blocking
 * with `result=true`, next to the same function called with edgeclient's library (GrpcLambdaClient) through
 * the same router in the same run. wskproxy, router and js computer are separate processes
 * (bench/servers.ts); the router has `table-conf type=random`, `optimizer-conf type=none`,
 * `max-pending-clients=0`; wskproxy `--num-threads 8` and an API key (HTTP Basic checked on every call).
 *
 * To tell the front's cost from the client library's, two more clients run: a plain node:http client
 * sending what the openwhisk client sends (`POST …/actions/echo?blocking=true`, the same headers, the whole
 * activation record back), through wskproxy too; and both clients against a canned front (a node:http
 * process answering an activation record at once, bench/servers.ts `canned-activation`), whose difference
 * is the openwhisk library's own cost. The plain client also runs through a minimal node:http forwarder
 * (`http-forwarder`: the body to the router with edgeclient's library, the output in an activation record):
 * the price of one more Node process on the path, wskproxy's floor.
 *
 * The load generators are closed loops in this process (bench/closed-loop.ts) at concurrency 1 and 8, after
 * an untimed pass; each cell in three slices, the paths taking turns. The HTTP clients are given a
 * keep-alive http.Agent (without one the openwhisk client opens a connection per call: a row at concurrency
 * 1 shows that too). Reported: inv/s, p50/p99, the p50 the REST front adds at concurrency 1 (target ≤ 1 ms),
 * with the plain client and with the openwhisk client, the library's own p50, and the ratios.
 *
 * Run: `npm run bench:openwhisk` or `node dist/bench/openwhisk.js [seconds-per-cell]` (default 3; about 30 s).
 */
import { Agent, request } from 'node:http';
import { availableParallelism, loadavg } from 'node:os';
import openwhisk from 'openwhisk';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import { makeInput } from '../src/client/load-client.js';
import { RpcClient } from '../src/protocol/rpc-client.js';
import { cellOf, closedLoops, sliceOf, type Cell, type LoopClient, type Slice } from './closed-loop.js';
import { startServerProcess, type ServerProcess } from './server-process.js';

const SECONDS = Number(process.argv[2] ?? 3);
const WARMUP = 0.5;
const CONCURRENCY = [1, 8];
const ROUNDS = 3;
const JS_CONF = 'containers=2,prewarm=1';
const KEY =
  '23bc46b1-71f6-4ed5-8c54-816aa4f8c502:123zO3xZCLrMN6v2BKK1dXYFpXlPkccOFqm12CdAsMgRU4VrNZ9lyGVCGuMDGIwP';
/** The target: what the REST front may add to the p50 at concurrency 1, ms. */
const TARGET_ADDED_P50_MS = 1;

/** `concurrency` closed loops on `client` for WARMUP + `seconds`; the window after WARMUP counts. */
async function measure(client: LoopClient, input: string, concurrency: number, seconds: number) {
  const run = await closedLoops(
    client,
    { name: 'guest.echo', input },
    { hops: 2, concurrency, warmupS: WARMUP, seconds, mark: () => performance.now() },
  );
  return sliceOf(run);
}

/**
 * The openwhisk client as a {@link LoopClient}: a blocking `result=true` invocation of the action whose
 * result must be the parameters (the echo); answered as retcode OK, 2 hops, like the router's path.
 */
function owLoopClient(ow: ReturnType<typeof openwhisk>, params: Record<string, unknown>): LoopClient {
  const expected = JSON.stringify(params);
  return {
    async runLambda() {
      const result = await ow.actions.invoke({ name: 'echo', blocking: true, result: true, params });
      return { retcode: JSON.stringify(result) === expected ? 'OK' : 'unexpected result', hops: 2 };
    },
  };
}

/**
 * A plain node:http client as a {@link LoopClient}, sending what the openwhisk client sends for a blocking
 * invocation (its path, query and headers) and checking the activation record's result is the echo.
 */
function plainLoopClient(apihost: string, agent: Agent, params: Record<string, unknown>): LoopClient {
  const url = new URL('/api/v1/namespaces/_/actions/echo?blocking=true', apihost);
  const body = JSON.stringify(params);
  const headers = {
    accept: 'application/json',
    'user-agent': 'bench-plain-http',
    authorization: `Basic ${Buffer.from(KEY).toString('base64')}`,
    'content-length': String(Buffer.byteLength(body)),
    'content-type': 'application/json; charset=utf-8',
  };
  return {
    runLambda: () =>
      new Promise((resolve, reject) => {
        const req = request(url, { method: 'POST', agent, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const record = JSON.parse(Buffer.concat(chunks).toString()) as {
              response?: { result?: unknown };
            };
            const ok = res.statusCode === 200 && JSON.stringify(record.response?.result) === body;
            resolve({ retcode: ok ? 'OK' : `unexpected answer ${res.statusCode}`, hops: 2 });
          });
          res.on('error', reject);
        });
        req.on('error', reject);
        req.end(body);
      }),
  };
}

function fmt(x: number, digits = 2): string {
  return Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

async function main(): Promise<void> {
  const servers: ServerProcess[] = [];
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const grpc = { client: undefined as GrpcLambdaClient | undefined };
  try {
    const js = await startServerProcess('jscomputer', 'lean', ['', JS_CONF]);
    servers.push(js);
    const router = await startServerProcess('router', 'lean');
    servers.push(router);
    const proxy = await startServerProcess('wskproxy', 'lean', [
      router.endpoint,
      js.configurationEndpoint,
      KEY,
      '8',
    ]);
    servers.push(proxy);
    const canned = await startServerProcess('canned-activation', 'lean');
    servers.push(canned);
    const forwarder = await startServerProcess('http-forwarder', 'lean', [router.endpoint]);
    servers.push(forwarder);
    const apihost = proxy.endpoint;
    const ow = openwhisk({ apihost, api_key: KEY, agent });
    const plain = openwhisk({ apihost, api_key: KEY });
    await ow.actions.create({ name: 'echo', action: 'function main(params) { return params; }' });
    const rpc = new RpcClient('uiiit.rpc.EdgeRouter', router.configurationEndpoint);
    const conf = { action: 'CHANGE', lambda: 'guest.echo', destination: js.endpoint, weight: 1, final: true };
    const ret = await rpc.call('Configure', conf as never).finally(() => rpc.close());
    if (ret.msg !== 'OK') throw new Error(`cannot program the router: ${ret.msg}`);

    const params = { x: makeInput(92) }; // 100 bytes of JSON
    grpc.client = new GrpcLambdaClient(router.endpoint);
    const paths: [string, LoopClient][] = [
      ['edgeclient library → router → js', grpc.client],
      ['openwhisk client → wskproxy → router → js', owLoopClient(ow, params)],
      ['plain HTTP client → wskproxy → router → js', plainLoopClient(apihost, agent, params)],
      [
        'plain HTTP client → minimal node:http forwarder → router → js',
        plainLoopClient(forwarder.endpoint, agent, params),
      ],
    ];
    const owCanned = openwhisk({ apihost: canned.endpoint, api_key: KEY, agent });
    const floors: [string, LoopClient][] = [
      ['plain HTTP client → canned activation', plainLoopClient(canned.endpoint, agent, params)],
      ['openwhisk client → canned activation', owLoopClient(owCanned, params)],
    ];
    const input = JSON.stringify(params);
    for (const [, client] of [...paths, ...floors]) await measure(client, input, 8, 1); // untimed pass
    const cells: Cell[] = [];
    for (const c of CONCURRENCY) {
      const slices = paths.map((): Slice[] => []);
      for (let r = 0; r < ROUNDS; r++)
        for (const [i, [, client]] of paths.entries())
          slices[i]!.push(await measure(client, input, c, SECONDS / ROUNDS));
      for (const [i, [name]] of paths.entries()) cells.push(cellOf(name, c, slices[i]!));
    }
    const floorSlices = floors.map((): Slice[] => []);
    for (let r = 0; r < ROUNDS; r++)
      for (const [i, [, client]] of floors.entries())
        floorSlices[i]!.push(await measure(client, input, 1, SECONDS / ROUNDS));
    for (const [i, [name]] of floors.entries()) cells.push(cellOf(name, 1, floorSlices[i]!));
    const noKeepAlive = 'openwhisk client without keep-alive → wskproxy → router → js';
    cells.push(
      cellOf(noKeepAlive, 1, [await measure(owLoopClient(plain, params), input, 1, SECONDS / ROUNDS)]),
    );

    const load = loadavg()
      .map((x) => x.toFixed(1))
      .join(' ');
    const out: string[] = [
      `bench:openwhisk — ${SECONDS} s per cell, js-conf ${JS_CONF}, openwhisk npm client 3.21 (keep-alive agent) ` +
        `vs GrpcLambdaClient, closed loops, Node ${process.version}, ${availableParallelism()} cores, load average ${load}`,
      '',
      '| path | concurrency | inv/s | p50 ms | p99 ms | errors |',
      '|---|---:|---:|---:|---:|---:|',
    ];
    for (const c of cells)
      out.push(
        `| ${c.name} | ${c.concurrency} | ${fmt(c.rps, 0)} | ${fmt(c.p50, 3)} | ${fmt(c.p99, 3)} | ${c.errors} |`,
      );
    const cell = (i: number, c: number): Cell =>
      cells.find((x) => x.name === paths[i]![0] && x.concurrency === c)!;
    const floor = (i: number): Cell => cells.find((x) => x.name === floors[i]![0])!;
    out.push('', '| figure | measured | target | ratio |', '|---|---:|---:|---:|');
    for (const [i, client] of [
      [1, 'openwhisk client'],
      [2, 'plain HTTP client'],
    ] as const) {
      const added = cell(i, 1).p50 - cell(0, 1).p50;
      out.push(
        `| p50 added by the REST front, ${client}, concurrency 1 (ms) | ${fmt(added, 3)} | ≤ ${TARGET_ADDED_P50_MS} | ${fmt(added / TARGET_ADDED_P50_MS)} |`,
        `| p50 added by the REST front, ${client}, concurrency 8 (ms) | ${fmt(cell(i, 8).p50 - cell(0, 8).p50, 3)} | | |`,
      );
    }
    out.push(
      `| p50 added by a minimal node:http forwarder, plain HTTP client, concurrency 1 (ms) | ${fmt(cell(3, 1).p50 - cell(0, 1).p50, 3)} | | |`,
      `| wskproxy / minimal forwarder p50, plain HTTP client, concurrency 1 | ${fmt(cell(2, 1).p50 / cell(3, 1).p50)} | | |`,
      `| p50 of the openwhisk library itself (canned front, openwhisk − plain) (ms) | ${fmt(floor(1).p50 - floor(0).p50, 3)} | | |`,
    );
    for (const c of CONCURRENCY)
      out.push(
        `| openwhisk / edgeclient inv/s, concurrency ${c} | ${fmt(cell(1, c).rps / cell(0, c).rps)} | | |`,
        `| openwhisk / edgeclient p50, concurrency ${c} | ${fmt(cell(1, c).p50 / cell(0, c).p50)} | | |`,
      );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    grpc.client?.close();
    agent.destroy();
    for (const s of servers) s.child.kill('SIGTERM');
  }
}

await main();
