import { randomUUID } from 'node:crypto';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { ClientPool } from './client-pool.js';
import { logger } from '../support/logger.js';
import type { Saver } from '../support/saver.js';
import { SummaryStat } from '../support/summary-stat.js';
import type { TraceEvent } from './trace.js';
import { monotonicSeconds } from '../support/clock.js';

const log = logger('multi-client');

/** Most failed-response warnings logged per run. */
const MAX_WARNINGS = 10;

/** What an `edgemulticlient` run does. */
export interface MultiClientOptions {
  /** The events, replayed in this order. */
  events: readonly TraceEvent[];
  /** Workers sending at the same time. */
  numThreads: number;
  /** Where `<t> <latency> <load1> <responder> 0` lines go. */
  saver: Saver;
  /** Stops the replay when aborted. */
  signal?: AbortSignal;
  /** Call over TLS with this material; default: in clear. */
  tls?: TlsCredentials | undefined;
}

/** What a replay did. */
export interface MultiClientReport {
  /** Events whose request was answered (whatever the retcode). */
  dispatched: number;
  total: number;
  /** Events whose time had already passed when a worker took them. */
  deadlineMisses: number;
  /** Seconds from just before sending to the response, OK responses only. */
  latency: SummaryStat;
  /** Responses whose retcode was not OK. */
  failed: number;
  /** The transport failure that stopped the replay, if any. */
  error?: string;
}

/**
 * Replays a trace (the original's `edgemulticlient`): `numThreads` workers take the events in order,
 * wait until the event's time (seconds since the replay started; a worker that takes an event already
 * late counts a deadline miss and sends at once) and send `lambda` with `'A'×size` as raw input to the
 * event's endpoint, through one pool of clients (one channel per endpoint, no limit on concurrent
 * requests). An OK response writes a line; a transport failure stops the replay.
 */
export async function runMultiClient(o: MultiClientOptions): Promise<MultiClientReport> {
  if (!(o.numThreads >= 1)) throw new Error(`Invalid number of threads: ${o.numThreads}`);
  const start = monotonicSeconds();
  const pool = new ClientPool(0, o.tls);
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  o.signal?.addEventListener('abort', onAbort);
  const report: MultiClientReport = {
    dispatched: 0,
    total: o.events.length,
    deadlineMisses: 0,
    latency: new SummaryStat(),
    failed: 0,
  };
  let next = 0;
  const worker = async (): Promise<void> => {
    while (!stop.signal.aborted && next < o.events.length) {
      const event = o.events[next++]!;
      const wait = (start + event.time - monotonicSeconds()) * 1000;
      if (wait < 0) report.deadlineMisses++;
      else {
        try {
          await sleep(wait, undefined, { signal: stop.signal });
        } catch {
          return;
        }
      }
      const sent = monotonicSeconds();
      let response;
      try {
        ({ response } = await pool.send(event.endpoint, {
          name: event.lambda,
          input: 'A'.repeat(event.size),
          hops: 0,
          forward: false,
          uuid: randomUUID(),
        }));
      } catch (err) {
        report.error ??= (err as Error).message;
        stop.abort();
        return;
      }
      const latency = monotonicSeconds() - sent;
      report.dispatched++;
      if (response.retcode === 'OK') {
        report.latency.add(latency);
        o.saver.write(latency, response.load1, response.responder, 0);
      } else if (report.failed++ < MAX_WARNINGS) {
        log.warn(`request to ${event.lambda} at ${event.endpoint} failed: ${response.retcode}`);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: o.numThreads }, worker));
    return report;
  } finally {
    o.signal?.removeEventListener('abort', onAbort);
    pool.close();
  }
}
