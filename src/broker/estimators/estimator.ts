import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import type { TlsCredentials } from '../../protocol/tls-credentials.js';
import type { Clock } from '../policies/selection-policy.js';

/**
 * A processing-time estimator of the e-dispatcher (spec §4): it learns from the replies of the
 * destinations and picks, for each request, the destination with the smallest predicted delay. Every
 * estimate is in seconds (quirk Q8 fixed). The dispatcher's destination table tells it which
 * (lambda, destination) pairs exist; it must forget everything about a pair once it is removed.
 */
export interface PtimeEstimator {
  /** The `type=` name it was created with. */
  readonly type: string;
  /** A destination was added for a lambda. */
  added(lambda: string, destination: string): void;
  /** A destination of a lambda was removed: its state is dropped. */
  removed(lambda: string, destination: string): void;
  /** Picks one of `destinations` (ascending name order, never empty) for a request. */
  choose(request: LambdaRequest, destinations: readonly string[]): Promise<string>;
  /**
   * Learns from a successful (OK, not dry) reply of `destination`; `seconds` is the time measured by the
   * dispatcher's client pool. Ignored if the pair is no longer known.
   */
  success(request: LambdaRequest, destination: string, response: LambdaResponse, seconds: number): void;
  /**
   * The predicted delay (seconds) of `destination` for `lambda` now, as telemetry shows it (for the size of
   * the last request seen); undefined if unknown. Optional: estimators without it show none.
   */
  predictedDelay?(lambda: string, destination: string): number | undefined;
  /** Releases connections, subscriptions and output files. */
  close(): void;
}

/** Sends a dry request to a destination and resolves to its reply (rejects if it cannot be reached). */
export type DryRun = (destination: string, request: LambdaRequest) => Promise<LambdaResponse>;

/** What an estimator gets from the dispatcher; every field defaults to the real thing. */
export interface EstimatorEnvironment {
  /** Seconds on a monotonic clock, for stale periods and load timeouts. */
  clock?: Clock;
  /**
   * How the `probe` estimator asks a destination for a dry-run estimate (default: over gRPC through its
   * own client pool); the lab's virtual-time engine probes its simulated computers instead.
   */
  dryRun?: DryRun;
  /** The TLS material of the default dry runs over gRPC (`--secure`); default: in clear. */
  tls?: TlsCredentials | undefined;
  /** Deadline of each default dry run over gRPC, ms (the dispatcher's forward timeout); default: none. */
  dryRunTimeoutMs?: number | undefined;
}

/** The "size" of a request the estimators use: `max(len(input), len(datain))` in bytes. */
export function requestSize(request: LambdaRequest): number {
  return Math.max(Buffer.byteLength(request.input, 'utf8'), request.datain.length);
}

/** The network part of a reply: measured seconds minus the reported processing time (ms). */
export function rttSample(response: LambdaResponse, seconds: number): number {
  return seconds - response.ptime / 1000;
}

/**
 * The destination with the smallest value, scanning in the given order and replacing the best only by a
 * strictly smaller value, so that ties go to the earliest (spec §4.3).
 */
export function pickMinimum(destinations: readonly string[], value: (destination: string) => number): string {
  let best = destinations[0];
  if (best === undefined) throw new Error('No destinations to choose from');
  let bestValue = value(best);
  for (const d of destinations.slice(1)) {
    const v = value(d);
    if (v < bestValue) {
      best = d;
      bestValue = v;
    }
  }
  return best;
}
