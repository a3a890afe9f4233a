/**
 * bench:chains (issue 16): a 3-function chain (f0 → f1 → f2, one sim computer each, zero-cost functions:
 * 1e11 ops/s, ~0.05 ms each) behind one router that is also every computer's companion, all in this
 * process on loopback. Client-driven (the client calls each function through the router) against hop by hop
 * (one request, each computer invokes the next through the router, the last calls back): end-to-end latency
 * p50/p99 and chains/s in closed loops at concurrency 1 and 8; a 1 MB state every function needs, embedded
 * (travels in every message) against remote (each computer pulls it from the previous one's state server),
 * in MB/s moved along the chain; and an artificial client round-trip time (a sleep per client round trip:
 * 3 per client-driven chain, 1 per hop-by-hop chain) to show where hop by hop overtakes.
 */
import { randomUUID } from 'node:crypto';
import { embeddedStates, runChainClientDriven, type StateCopies } from '../src/client/composition-client.js';
import { GrpcLambdaClient } from '../src/client/lambda-client-grpc.js';
import type { LambdaClient } from '../src/client/lambda-client.js';
import { startCompositionTestbed } from '../src/platform/composition/composition-testbed.test-support.js';
import { Chain } from '../src/protocol/chain.js';
import type { LambdaRequest, LambdaResponse } from '../src/protocol/messages.js';
import { startStateServer } from '../src/protocol/state/state-server.js';
import { setLogSink } from '../src/support/logger.js';
import { closedLoops, percentile } from './closed-loop.js';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const WARMUP = 0.5;
const CHAIN = new Chain(['f0', 'f1', 'f2'], {});
const STATE_CHAIN = new Chain(['f0', 'f1', 'f2'], { s0: ['f0', 'f1', 'f2'] });
const MB = 1024 * 1024;

const sleep = (ms: number): Promise<void> =>
  ms > 0 ? new Promise((r) => setTimeout(r, ms)) : Promise.resolve();

/** Callbacks matched to their requests by output (the sim functions copy their input, made unique). */
class CallbackWaiters {
  private readonly waiting = new Map<string, (res: LambdaResponse) => void>();
  private stopped = false;
  constructor(private readonly next: () => Promise<LambdaResponse | undefined>) {
    void this.pump();
  }
  wait(output: string): Promise<LambdaResponse> {
    return new Promise((resolve) => this.waiting.set(output, resolve));
  }
  stop(): void {
    this.stopped = true;
  }
  private async pump(): Promise<void> {
    while (!this.stopped) {
      const res = await this.next();
      if (res === undefined) continue;
      const w = this.waiting.get(res.output);
      this.waiting.delete(res.output);
      w?.(res);
    }
  }
}

interface Row {
  what: string;
  p50: number;
  p99: number;
  perSecond: number;
}

async function main(): Promise<void> {
  setLogSink((line) => {
    if (!line.startsWith('I')) process.stderr.write(line);
  });
  const bed = await startCompositionTestbed('sim', [['f0'], ['f1'], ['f2']]);
  const clientStates = await startStateServer('127.0.0.1:0', { limits: { maxStateSize: 4 * MB } });
  const client: LambdaClient = new GrpcLambdaClient(bed.router.endpoint);
  const waiters = new CallbackWaiters(() => bed.callbacks.next(1000));
  let counter = 0;
  const input = (): string => `{"input":"${++counter}"}`;

  /** One chain, client-driven: 3 round trips of the client, each delayed by `rtt` ms. */
  const clientDriven = async (
    rtt: number,
    chain = CHAIN,
    states: StateCopies = new Map(),
  ): Promise<LambdaResponse> => {
    const delayed: LambdaClient = {
      runLambda: async (req, dry) => {
        const res = await client.runLambda(req, dry);
        await sleep(rtt);
        return res;
      },
      close: () => undefined,
    };
    return runChainClientDriven(delayed, chain, input(), states, false, randomUUID());
  };
  /** One chain, hop by hop: one round trip of the client (request out, callback back), delayed by `rtt`. */
  const hopByHop = async (
    rtt: number,
    chain = CHAIN,
    states: StateCopies = new Map(),
  ): Promise<LambdaResponse> => {
    const text = input();
    const req: Partial<LambdaRequest> = {
      name: chain.entryFunctionName(),
      input: text,
      callback: bed.callbacks.endpoint,
      uuid: randomUUID(),
      states: Object.fromEntries(states),
      ...chain.toRequestFields(),
    };
    const done = waiters.wait(text);
    const ack = await client.runLambda(req);
    if (ack.retcode !== 'OK') return ack;
    const res = await done;
    await sleep(rtt);
    for (const [name, s] of Object.entries(res.states)) states.set(name, s);
    return res;
  };
  const measure = async (
    what: string,
    run: () => Promise<LambdaResponse>,
    concurrency: number,
    seconds = SECONDS,
  ): Promise<Row> => {
    const loop = await closedLoops(
      { runLambda: () => run() },
      {},
      { hops: 6, concurrency, warmupS: WARMUP, seconds, mark: () => performance.now() },
    );
    const inWindow = loop.done.filter(([, t]) => t >= loop.start && t <= loop.end);
    const lat = inWindow.map(([a, b]) => b - a).sort((x, y) => x - y);
    if (loop.errors > 0) console.log(`  (${what}: ${loop.errors} errors)`);
    return {
      what,
      p50: percentile(lat, 50),
      p99: percentile(lat, 99),
      perSecond: inWindow.length / ((loop.end - loop.start) / 1000),
    };
  };
  const fmt = (r: Row): string =>
    `${r.what.padEnd(34)} p50 ${r.p50.toFixed(2).padStart(7)} ms  p99 ${r.p99.toFixed(2).padStart(7)} ms  ${r.perSecond.toFixed(0).padStart(6)} chains/s`;

  try {
    console.log(
      `bench:chains — f0→f1→f2 on 3 sim computers (zero-cost), 1 router (companion), in process, ` +
        `closed loops ${WARMUP} s warm-up + ${SECONDS} s, transport ${process.env.SOE_LAMBDA_TRANSPORT ?? 'lean'}`,
    );
    for (const concurrency of [1, 8]) {
      const cd = await measure(`client-driven, conc ${concurrency}`, () => clientDriven(0), concurrency);
      const hh = await measure(`hop-by-hop, conc ${concurrency}`, () => hopByHop(0), concurrency);
      console.log(fmt(cd));
      console.log(fmt(hh));
      console.log(
        `  hop-by-hop / client-driven: p50 ×${(hh.p50 / cd.p50).toFixed(2)}, chains/s ×${(hh.perSecond / cd.perSecond).toFixed(2)}`,
      );
    }

    console.log(
      '1 MB state needed by f0, f1 and f2 (conc 1); MB/s = MB moved to a function per second (3 per chain)',
    );
    const embedded = embeddedStates(new Map([['s0', MB]]));
    const put = clientStates.store.put('s0', Buffer.alloc(MB, 'A'));
    if (put.retcode !== 'OK') throw new Error(put.retcode);
    const remoteCd: StateCopies = new Map([
      ['s0', { name: 's0', location: clientStates.endpoint, content: Buffer.alloc(0) }],
    ]);
    const rows = [
      await measure('client-driven, embedded 1 MB', () => clientDriven(0, STATE_CHAIN, embedded), 1),
      await measure('client-driven, remote 1 MB', () => clientDriven(0, STATE_CHAIN, remoteCd), 1),
      await measure(
        'hop-by-hop, embedded 1 MB',
        () => hopByHop(0, STATE_CHAIN, embeddedStates(new Map([['s0', MB]]))),
        1,
      ),
      await measure('hop-by-hop, remote 1 MB', () => hopByHop(0, STATE_CHAIN, remoteCd), 1),
    ];
    for (const r of rows) console.log(`${fmt(r)}  ${(r.perSecond * 3).toFixed(1).padStart(6)} MB/s`);

    console.log('artificial client RTT (conc 1): p50 ms client-driven vs hop-by-hop');
    for (const rtt of [0, 1, 2, 5, 10, 20]) {
      const cd = await measure(
        `client-driven, RTT ${rtt} ms`,
        () => clientDriven(rtt),
        1,
        Math.min(SECONDS, 2),
      );
      const hh = await measure(`hop-by-hop, RTT ${rtt} ms`, () => hopByHop(rtt), 1, Math.min(SECONDS, 2));
      console.log(
        `RTT ${String(rtt).padStart(2)} ms: client-driven ${cd.p50.toFixed(2).padStart(7)} ms, hop-by-hop ` +
          `${hh.p50.toFixed(2).padStart(7)} ms, ratio ×${(hh.p50 / cd.p50).toFixed(2)} ` +
          `(${hh.p50 < cd.p50 ? 'hop-by-hop faster' : 'client-driven faster'})`,
      );
    }
  } finally {
    waiters.stop();
    client.close();
    await clientStates.stop();
    await bed.stop();
  }
}

await main();
