import { randomUUID } from 'node:crypto';
import type { LambdaResponse } from '../protocol/messages.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { logger } from '../support/logger.js';
import type { TrafficStats } from '../telemetry/traffic-stats.js';
import { Random } from '../support/random.js';
import type { Saver } from '../support/saver.js';
import { SummaryStat } from '../support/summary-stat.js';
import { interRequestGaps } from './inter-request.js';
import { createLambdaClient } from './lambda-client-factory.js';
import type { LambdaClient } from './lambda-client.js';
import { monotonicSeconds, sleepUntil } from '../support/clock.js';

const log = logger('client');

/** Most lag warnings and failed-response warnings logged per thread. */
const MAX_WARNINGS = 10;

/** What an `edgeclient` run does. */
export interface LoadClientOptions {
  endpoints: string[];
  /** `--client-conf`, e.g. `type=grpc,persistence=0.05`. */
  clientConf: string;
  lambda: string;
  /** Input sizes in bytes; each request picks one uniformly. */
  sizes: number[];
  /** Fixed input text; empty: a JSON text of the chosen size. */
  content: string;
  /** Seconds after which every thread stops; 0: no limit. */
  duration: number;
  /** Requests per thread (failed ones count). */
  maxRequests: number;
  numThreads: number;
  /** Seconds to wait before the first request. */
  initialDelay: number;
  /** Mean seconds between the starts of consecutive requests. */
  interRequestTime: number;
  /** `constant`, `uniform` or `poisson`. */
  interRequestType: string;
  /** Ask for estimates (the 2nd output column becomes the reported processing time). */
  dry: boolean;
  seed: number;
  /** Where `<t> <latency> <load1> <responder> <lambda> <hops>` lines go. */
  saver: Saver;
  /**
   * After each OK line, print the response's output on a line of its own; for a failed response, print
   * `invalid response to <lambda>: <retcode>` (the original's log text) instead of nothing.
   */
  showOutput?: boolean;
  /** Stops every thread when aborted. */
  signal?: AbortSignal;
  /** Call over TLS with this material; default: in clear. */
  tls?: TlsCredentials | undefined;
  /** Where each call's outcome is counted, by responder, for telemetry (default: nowhere). */
  traffic?: TrafficStats | undefined;
  /** Builds each thread's client instead of `endpoints` and `clientConf` (e.g. the ETSI MEC client). */
  makeClient?: (thread: number) => LambdaClient;
  /**
   * Runs one invocation of the application instead of one `runLambda` of `lambda` (a client-driven
   * chain or DAG); `name` is what the lines report (e.g. `f1-f2-f1`). Default: one call of `lambda`.
   */
  execute?: {
    name: string;
    run(client: LambdaClient, input: string, uuid: string, dry: boolean): Promise<LambdaResponse>;
  };
}

/** What one thread did. */
export interface ThreadReport {
  sent: number;
  ok: number;
  /** Seconds from just before sending to the response, OK responses only. */
  latency: SummaryStat;
  /** Processing time reported by the server, seconds, OK responses only. */
  processing: SummaryStat;
}

/** What a whole run did; `errors` are transport failures that stopped a thread. */
export interface LoadClientReport {
  threads: ThreadReport[];
  errors: string[];
}

/** The request input of a given size: `{"input":"AAA…"}`, exactly `size` bytes when size ≥ 12. */
export function makeInput(size: number): string {
  return `{"input":"${'A'.repeat(Math.max(0, size - 12))}"}`;
}

/**
 * Runs the `edgeclient` load: `numThreads` independent loops, each sleeping one gap, then repeatedly
 * sending a request, waiting for it, and sleeping until the next scheduled instant (instants accumulate
 * gaps, so a slow server makes the client send back-to-back). Stops per thread after `maxRequests`, for
 * all after `duration`, or for a thread when a transport error escapes (single endpoint).
 */
export async function runLoadClient(o: LoadClientOptions): Promise<LoadClientReport> {
  if (o.endpoints.length === 0 && o.makeClient === undefined)
    throw new Error('Invalid empty set of server end-points');
  if (o.sizes.length === 0 || o.sizes.some((s) => !Number.isInteger(s) || s < 0))
    throw new Error('Invalid --sizes option');
  if (o.content === '' && o.sizes.some((s) => s < 12)) {
    log.warn('sizes smaller than 12 bytes give an input of 12 bytes: {"input":""}');
  }
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  const timer = o.duration > 0 ? setTimeout(onAbort, o.duration * 1000) : undefined;
  const errors: string[] = [];
  try {
    const threads = await Promise.all(
      Array.from({ length: o.numThreads }, (_, i) => runThread(o, i, stop.signal, errors)),
    );
    return { threads, errors };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

async function runThread(
  o: LoadClientOptions,
  index: number,
  signal: AbortSignal,
  errors: string[],
): Promise<ThreadReport> {
  const gaps = interRequestGaps(o.interRequestType, o.interRequestTime, Random.fromSeeds(o.seed, index, 0));
  const sizes = Random.fromSeeds(o.seed, index, 1);
  const client =
    o.makeClient?.(index) ??
    createLambdaClient(o.endpoints, o.clientConf, Random.fromSeeds(o.seed, index, 2), o.tls);
  const name = o.execute?.name ?? o.lambda;
  const report: ThreadReport = { sent: 0, ok: 0, latency: new SummaryStat(), processing: new SummaryStat() };
  let lags = 0;
  let failures = 0;
  try {
    if (!(await sleepUntil(monotonicSeconds() + o.initialDelay, signal))) return report;
    let next = monotonicSeconds() + gaps();
    if (!(await sleepUntil(next, signal))) return report;
    while (report.sent < o.maxRequests && !signal.aborted) {
      const gap = gaps();
      const input = o.content !== '' ? o.content : makeInput(sizes.pick(o.sizes));
      const start = monotonicSeconds();
      let res;
      try {
        res =
          o.execute !== undefined
            ? await o.execute.run(client, input, randomUUID(), o.dry)
            : await client.runLambda(
                { name: o.lambda, input, hops: 0, forward: false, uuid: randomUUID() },
                o.dry,
              );
      } catch (err) {
        o.traffic?.unrouted();
        errors.push((err as Error).message);
        break;
      }
      report.sent++;
      const latency = monotonicSeconds() - start;
      if (res.retcode === 'OK') o.traffic?.ok(name, res.responder, latency);
      else o.traffic?.failed(name, res.responder);
      if (res.retcode === 'OK') {
        report.ok++;
        report.latency.add(latency);
        report.processing.add(res.ptime / 1000);
        o.saver.write(
          o.dry ? res.ptime / 1000 : latency,
          String(res.load1),
          res.responder,
          name,
          String(res.hops),
        );
        if (o.showOutput) o.saver.writeText(res.output);
      } else if (o.showOutput) {
        o.saver.writeText(`invalid response to ${name}: ${res.retcode}`);
      } else if (failures++ < MAX_WARNINGS) {
        log.warn(`request to ${name} failed: ${res.retcode}`);
      }
      next += gap;
      if (report.sent >= o.maxRequests) break;
      const lag = monotonicSeconds() - next;
      if (lag > 1 && lags++ < MAX_WARNINGS) log.warn(`thread ${index} is ${lag.toFixed(3)} s late`);
      if (!(await sleepUntil(next, signal))) break;
    }
  } finally {
    client.close();
  }
  return report;
}
