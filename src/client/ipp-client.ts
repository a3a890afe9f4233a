import { randomUUID } from 'node:crypto';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { logger } from '../support/logger.js';
import { Random } from '../support/random.js';
import type { Saver } from '../support/saver.js';
import { SummaryStat } from '../support/summary-stat.js';
import { countScheduled, type Burst } from './ipp-client-burst.js';
import { ippSchedule, type IppParameters } from './ipp-client-schedule.js';
import { createLambdaClient } from './lambda-client-factory.js';
import { makeInput } from './load-client.js';
import { poissonSchedule, type PoissonParameters } from './poisson-client-schedule.js';
import { monotonicSeconds, sleepUntil } from '../support/clock.js';

const log = logger('ipp-client');

/** Most lag and failed-response warnings logged per client. */
const MAX_WARNINGS = 10;

/** Seconds a Poisson burst may end after its period before a warning (as edgeclient's lag warning). */
const MAX_LAG = 1;

/** The `--client-type` names, in the order the original listed them. */
export const IPP_CLIENT_TYPES = ['ipp', 'poisson'] as const;

/** What an `edgeippclient` run does. */
export interface IppClientOptions extends IppParameters, PoissonParameters {
  /** `ipp` (ON/OFF) or `poisson` (bursty). */
  type: string;
  endpoints: string[];
  /** `--client-conf`, e.g. `type=grpc,persistence=0.05`. */
  clientConf: string;
  lambda: string;
  /** Input sizes to pick from uniformly; empty: a uniform integer in [minSize, maxSize]. */
  sizes: number[];
  minSize: number;
  maxSize: number;
  /** Fixed input text; empty: a JSON text of the chosen size. */
  content: string;
  /** Seconds after which every client stops; 0: no limit. */
  duration: number;
  /** Requests per client (failed ones count). */
  maxRequests: number;
  numClients: number;
  seed: number;
  /** Where `<t> <latency> <load1> <responder> <lambda> <hops>` lines go. */
  saver: Saver;
  /** Stops every client when aborted. */
  signal?: AbortSignal;
  /** Call over TLS with this material; default: in clear. */
  tls?: TlsCredentials | undefined;
}

/** What one client did. */
export interface IppClientReport {
  sent: number;
  ok: number;
  /** Requests of IPP ON periods dropped because the period was over. */
  dropped: number;
  /** Seconds from just before sending to the response, OK responses only. */
  latency: SummaryStat;
  /** Processing time reported by the server, seconds, OK responses only. */
  processing: SummaryStat;
}

/** What a whole run did; `loss` is set when `duration` > 0. */
export interface IppRunReport {
  clients: IppClientReport[];
  /** Transport failures that stopped a client. */
  errors: string[];
  /** Requests the schedules hold within `duration` (virtual-time replay), when `duration` > 0. */
  expected?: number;
  /** max(0, 1 − OK responses / expected), when `duration` > 0. */
  loss?: number;
}

/** Throws unless the options can make a run (the client type is checked by {@link clientSchedule}). */
export function validateIppClientOptions(o: IppClientOptions): void {
  if (o.endpoints.length === 0) throw new Error('Invalid empty set of server end-points');
  if (!(o.numClients >= 1)) throw new Error(`Invalid number of clients: ${o.numClients}`);
  if (o.sizes.some((s) => !Number.isSafeInteger(s) || s < 0)) throw new Error('Invalid --sizes option');
  if (o.sizes.length === 0 && !(o.minSize >= 0 && o.maxSize >= o.minSize)) {
    throw new Error(`Invalid min/max sizes: ${o.minSize}/${o.maxSize}`);
  }
}

/**
 * The schedule of client `index`: its periods and gaps come from streams seeded by (seed, index, 0) and
 * (seed, index, 1), so a seed fixes every client's request instants relative to its start. An unknown
 * type gives the original's message, `Invalid client type X, choose one of: ipppoisson` (sic).
 */
export function clientSchedule(o: IppClientOptions, index: number): Generator<Burst> {
  const periods = Random.fromSeeds(o.seed, index, 0);
  const sleeps = Random.fromSeeds(o.seed, index, 1);
  switch (o.type) {
    case 'ipp':
      return ippSchedule(o, periods, sleeps);
    case 'poisson':
      return poissonSchedule(o, periods, sleeps);
    default:
      throw new Error(`Invalid client type ${o.type}, choose one of: ${IPP_CLIENT_TYPES.join('')}`);
  }
}

/** The requests all clients' schedules hold before `duration`, at most `maxRequests` each. */
export function expectedRequests(o: IppClientOptions): number {
  let total = 0;
  for (let i = 0; i < o.numClients; i++)
    total += countScheduled(clientSchedule(o, i), o.duration, o.maxRequests);
  return total;
}

/**
 * Runs the `edgeippclient` load: `numClients` independent open-loop clients following their schedules
 * (see {@link clientSchedule}), each with its own transport client, sending one request at a time at the
 * scheduled instants (at once if late). A burst that ends late delays the client's later bursts by the
 * overrun. Sizes come from the stream (seed, index, 2). Stops per client after `maxRequests` or a
 * transport error, for all after `duration`. With `duration` > 0 the report has the expected request
 * count and the loss.
 */
export async function runIppClient(o: IppClientOptions): Promise<IppRunReport> {
  validateIppClientOptions(o);
  const schedules = Array.from({ length: o.numClients }, (_, i) => clientSchedule(o, i));
  const expected = o.duration > 0 ? expectedRequests(o) : undefined;
  if (o.content === '' && (o.sizes.length > 0 ? o.sizes : [o.minSize]).some((s) => s < 12)) {
    log.warn('sizes smaller than 12 bytes give an input of 12 bytes: {"input":""}');
  }
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  const timer = o.duration > 0 ? setTimeout(onAbort, o.duration * 1000) : undefined;
  const errors: string[] = [];
  try {
    const clients = await Promise.all(
      schedules.map((schedule, i) => runClient(o, i, schedule, stop.signal, errors)),
    );
    if (expected === undefined) return { clients, errors };
    const ok = clients.reduce((sum, c) => sum + c.ok, 0);
    const loss = expected > 0 ? Math.max(0, 1 - ok / expected) : 0;
    return { clients, errors, expected, loss };
  } finally {
    clearTimeout(timer);
    o.signal?.removeEventListener('abort', onAbort);
  }
}

async function runClient(
  o: IppClientOptions,
  index: number,
  schedule: Generator<Burst>,
  signal: AbortSignal,
  errors: string[],
): Promise<IppClientReport> {
  const sizes = Random.fromSeeds(o.seed, index, 2);
  const client = createLambdaClient(o.endpoints, o.clientConf, Random.fromSeeds(o.seed, index, 3), o.tls);
  const report: IppClientReport = {
    sent: 0,
    ok: 0,
    dropped: 0,
    latency: new SummaryStat(),
    processing: new SummaryStat(),
  };
  const start = monotonicSeconds();
  let shift = 0;
  let lags = 0;
  let failures = 0;
  const send = async (): Promise<boolean> => {
    const size = o.sizes.length > 0 ? sizes.pick(o.sizes) : sizes.uniformInt(o.minSize, o.maxSize);
    const input = o.content !== '' ? o.content : makeInput(size);
    const sent = monotonicSeconds();
    let res;
    try {
      res = await client.runLambda({ name: o.lambda, input, hops: 0, forward: false, uuid: randomUUID() });
    } catch (err) {
      errors.push((err as Error).message);
      return false;
    }
    report.sent++;
    const latency = monotonicSeconds() - sent;
    if (res.retcode === 'OK') {
      report.ok++;
      report.latency.add(latency);
      report.processing.add(res.ptime / 1000);
      o.saver.write(latency, String(res.load1), res.responder, o.lambda, String(res.hops));
    } else if (failures++ < MAX_WARNINGS) {
      log.warn(`request to ${o.lambda} failed: ${res.retcode}`);
    }
    return report.sent < o.maxRequests;
  };
  try {
    for (const burst of schedule) {
      if (report.sent >= o.maxRequests || !(await sleepUntil(start + shift + burst.start, signal))) break;
      let i = 0;
      for (; i < burst.instants.length; i++) {
        if (burst.dropLate && monotonicSeconds() > start + shift + burst.end) break;
        if (!(await sleepUntil(start + shift + burst.instants[i]!, signal))) return report;
        if (!(await send())) return report;
      }
      const dropped = burst.instants.length - i;
      if (dropped > 0) {
        report.dropped += dropped;
        log.debug(1, `dropping ${dropped} lambda requests`);
      }
      const overrun = monotonicSeconds() - (start + shift + burst.end);
      if (overrun > 0) {
        shift += overrun;
        if (!burst.dropLate && overrun > MAX_LAG && lags++ < MAX_WARNINGS) {
          log.warn(`client ${index} is ${overrun.toFixed(3)} s late at the end of a burst`);
        }
      }
    }
    return report;
  } finally {
    client.close();
  }
}
