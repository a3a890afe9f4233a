import { EventEmitter } from 'node:events';
import { hostname } from 'node:os';
import { logger, type Logger } from '../support/logger.js';
import {
  EDGE_POLICY,
  EDGE_POLICY_NAME,
  EDGE_RESOURCE_TYPES,
  MAX_METRIC_NAME_LENGTH,
  edgeMetricName,
  edgeResourceId,
  type EdgeResourceAttributes,
  type EdgeResourceType,
} from './contract.js';
import { JsonRequester, type JsonAnswer } from './json-request.js';
import type { FigureSource, Reading } from './readings.js';
import type { TelemetryConf } from './telemetry-conf.js';

/** The longest pause between two attempts after failures, seconds. */
export const MAX_BACKOFF_SECONDS = 30;

/** The longest a clean stop waits for its last sample to be sent, milliseconds. */
export const FINAL_FLUSH_MS = 1000;

/** How a component's {@link Telemetry} is set up. */
export interface TelemetryOptions {
  conf: TelemetryConf;
  type: EdgeResourceType;
  /** The component's name: its endpoint (`conf.name` overrides it). */
  name: string;
  /** The type's attributes besides `endpoint`, `host` and `pid`. */
  attributes?: Omit<EdgeResourceAttributes, 'endpoint' | 'host' | 'pid'>;
  source: FigureSource;
  /** Wall-clock milliseconds (default `Date.now`). */
  now?: () => number;
  log?: Logger;
}

/** One measure waiting to be sent. */
interface Pending {
  readonly name: string;
  readonly timestamp: string;
  readonly value: number;
}

/** What a running total was at the previous sample. */
type Previous = { total: number } | { sum: number; count: number };

/** What a {@link Telemetry} has done so far. */
export interface TelemetryCounts {
  /** Measures the service accepted. */
  sent: number;
  /** Measures dropped: queue full, a failed or timed-out request, a name too long. */
  dropped: number;
  /** Measures waiting. */
  queued: number;
  /** Requests that failed (refused, timed out, unreachable). */
  failures: number;
}

/** Events of a {@link Telemetry}: a batch accepted, a batch dropped after a failed request. */
export interface TelemetryEvents {
  sent: [measures: number];
  failed: [measures: number, why: string];
}

const errorText = (answer: JsonAnswer): string => `${answer.status} ${answer.text.trim().slice(0, 300)}`;

/**
 * A component's telemetry to the timeseries service (contract.ts): every `conf.interval` seconds its
 * figures are read, running totals turned into counts and means over the interval, and the measures
 * queued (at most `conf.queue`; beyond, dropped and counted) and sent as one batch
 * (`POST /v1/batch/resources/metrics/measures?create_metrics=true`). Nothing here is awaited by the data
 * path: the component only updates its counters. One request at a time: while one is in flight (a slow
 * server) the queue fills, then drops; a failed request drops its measures and backs off (the interval,
 * doubling up to {@link MAX_BACKOFF_SECONDS}). The archive policy, resource type and resource are created
 * on first use (and again if the service lost them); 409 (already there) is fine.
 */
export class Telemetry extends EventEmitter<TelemetryEvents> {
  /** The resource's original_resource_id (`<type>:<name>`). */
  readonly resourceId: string;
  private readonly requester: JsonRequester;
  private readonly queue: Pending[] = [];
  private readonly previous = new Map<string, Previous>();
  private readonly now: () => number;
  private readonly log: Logger;
  private readonly started: string;
  private readonly counts: Omit<TelemetryCounts, 'queued'> = { sent: 0, dropped: 0, failures: 0 };
  private timer: NodeJS.Timeout | undefined;
  private ready = false;
  private sending: Promise<void> | undefined;
  private backoff = 0;
  private notBefore = 0;
  private closed = false;
  private readonly readings: Reading[] = [];

  constructor(private readonly options: TelemetryOptions) {
    super();
    const { conf } = options;
    this.resourceId = edgeResourceId(options.type, conf.name ?? options.name);
    this.now = options.now ?? Date.now;
    this.log = options.log ?? logger('telemetry');
    this.started = new Date(this.now()).toISOString();
    const authorization =
      conf.token !== undefined
        ? `Bearer ${conf.token}`
        : `Basic ${Buffer.from(`${conf.user}:${conf.password}`).toString('base64')}`;
    this.requester = new JsonRequester(conf.url, { authorization }, conf.timeout * 1000);
  }

  /** Starts sampling every `conf.interval` seconds (the timer keeps no process alive). */
  start(): this {
    if (this.timer === undefined && !this.closed) {
      this.timer = setInterval(() => this.sample(), this.options.conf.interval * 1000);
      this.timer.unref();
    }
    return this;
  }

  /** What it has done so far. */
  stats(): TelemetryCounts {
    return { ...this.counts, queued: this.queue.length };
  }

  /** Reads the figures now, queues their measures and starts sending them unless a request is in flight. */
  sample(): void {
    if (this.closed) return;
    const timestamp = new Date(this.now()).toISOString();
    const readings = this.readings;
    readings.length = 0;
    this.options.source(readings);
    for (const reading of readings) {
      const name = edgeMetricName(reading.figure, ...reading.keys);
      const value = this.measureOf(name, reading);
      if (value !== undefined) this.enqueue(name, timestamp, value);
    }
    readings.length = 0;
    this.enqueue('dropped', timestamp, this.counts.dropped);
    this.kick();
  }

  /** The measure of a reading over the interval since the previous sample (undefined: none). */
  private measureOf(name: string, reading: Reading): number | undefined {
    switch (reading.kind) {
      case 'gauge':
        return reading.value;
      case 'count': {
        const before = this.previous.get(name) as { total: number } | undefined;
        this.previous.set(name, { total: reading.total });
        return reading.total - (before?.total ?? 0);
      }
      case 'mean': {
        const before = this.previous.get(name) as { sum: number; count: number } | undefined;
        this.previous.set(name, { sum: reading.sum, count: reading.count });
        const count = reading.count - (before?.count ?? 0);
        return count > 0 ? (reading.sum - (before?.sum ?? 0)) / count : undefined;
      }
    }
  }

  private enqueue(name: string, timestamp: string, value: number): void {
    if (
      !Number.isFinite(value) ||
      name.length > MAX_METRIC_NAME_LENGTH ||
      this.queue.length >= this.options.conf.queue
    ) {
      this.counts.dropped++;
      return;
    }
    this.queue.push({ name, timestamp, value });
  }

  /** Starts a send unless one is in flight, the queue is empty or it is backing off. */
  private kick(): void {
    if (this.sending !== undefined || this.queue.length === 0 || this.now() < this.notBefore) return;
    this.sending = this.send().finally(() => {
      this.sending = undefined;
    });
  }

  /** Sends what is queued now (creating what is missing first); resolves when done, never rejects. */
  async flush(): Promise<void> {
    await this.sending;
    if (this.queue.length === 0) return;
    this.sending = this.send().finally(() => {
      this.sending = undefined;
    });
    await this.sending;
  }

  private async send(): Promise<void> {
    const batch = this.queue.splice(0, this.queue.length);
    try {
      if (!this.ready) {
        await this.setUp();
        this.ready = true;
      }
      const body: Record<
        string,
        { archive_policy_name: string; measures: { timestamp: string; value: number }[] }
      > = {};
      for (const m of batch) {
        let metric = body[m.name];
        if (metric === undefined) {
          metric = { archive_policy_name: EDGE_POLICY_NAME, measures: [] };
          body[m.name] = metric;
        }
        metric.measures.push({ timestamp: m.timestamp, value: m.value });
      }
      const answer = await this.requester.request(
        'POST',
        '/v1/batch/resources/metrics/measures?create_metrics=true',
        { [this.resourceId]: body },
      );
      if (answer.status !== 202) {
        if (answer.status === 400 && answer.text.includes('Unknown resources')) this.ready = false;
        throw new Error(`measures refused: ${errorText(answer)}`);
      }
      this.counts.sent += batch.length;
      if (this.backoff > 0) this.log.info(`telemetry to ${this.options.conf.url} works again`);
      this.backoff = 0;
      this.notBefore = 0;
      this.emit('sent', batch.length);
    } catch (err) {
      this.counts.dropped += batch.length;
      this.counts.failures++;
      if (this.backoff === 0 && !this.closed)
        this.log.warn(
          `telemetry to ${this.options.conf.url} failed, dropping measures: ${(err as Error).message}`,
        );
      this.backoff = Math.min(MAX_BACKOFF_SECONDS, Math.max(this.options.conf.interval, this.backoff * 2));
      this.notBefore = this.now() + this.backoff * 1000;
      this.emit('failed', batch.length, (err as Error).message);
    }
  }

  /** Creates the archive policy, the resource type and the resource unless they exist (409 is fine). */
  private async setUp(): Promise<void> {
    const { type, attributes } = this.options;
    const policy = await this.requester.request('POST', '/v1/archive_policy', EDGE_POLICY);
    // 403: a user who may not create policies; the policy may exist all the same.
    if (![201, 403, 409].includes(policy.status)) throw new Error(`archive policy: ${errorText(policy)}`);
    const resourceType = await this.requester.request('POST', '/v1/resource_type', EDGE_RESOURCE_TYPES[type]);
    if (![201, 403, 409].includes(resourceType.status))
      throw new Error(`resource type ${type}: ${errorText(resourceType)}`);
    const fields = {
      ...attributes,
      endpoint: this.options.conf.name ?? this.options.name,
      host: hostname(),
      pid: process.pid,
    };
    const resource = await this.requester.request('POST', `/v1/resource/${type}`, {
      id: this.resourceId,
      started_at: this.started,
      ...fields,
    });
    if (resource.status === 409) {
      const path = `/v1/resource/${type}/${encodeURIComponent(this.resourceId)}`;
      const patched = await this.requester.request('PATCH', path, fields);
      if (patched.status !== 200) throw new Error(`resource ${this.resourceId}: ${errorText(patched)}`);
    } else if (resource.status !== 201)
      throw new Error(`resource ${this.resourceId}: ${errorText(resource)}`);
  }

  /**
   * Stops sampling; with `finalFlush` (default true), unless a request is in flight or the last one failed,
   * takes a last sample and sends it (within {@link FINAL_FLUSH_MS} and the request timeout); then closes the connection (a request
   * still in flight is aborted, its measures dropped).
   */
  async close(finalFlush = true): Promise<void> {
    if (this.closed) return;
    if (this.timer !== undefined) clearInterval(this.timer);
    if (finalFlush && this.sending === undefined && this.backoff === 0) {
      this.sample();
      this.closed = true;
      // A stop must not wait long for a service that has just become slow.
      const guard = setTimeout(
        () => this.requester.close(),
        Math.min(FINAL_FLUSH_MS, this.options.conf.timeout * 1000),
      );
      await this.flush();
      clearTimeout(guard);
    }
    this.closed = true;
    this.requester.close();
    await this.sending;
  }
}
