/**
 * What a component tells its telemetry and its Prometheus endpoint: its figures now, as {@link Reading}s
 * (counts and means as running totals, so that any reader can take differences over its own interval).
 */

/** A value now (a load, a weight, how many computers). */
export interface GaugeReading {
  readonly kind: 'gauge';
  readonly figure: string;
  readonly keys: readonly string[];
  readonly value: number;
}

/** How many since the component started (requests, errors). */
export interface CountReading {
  readonly kind: 'count';
  readonly figure: string;
  readonly keys: readonly string[];
  readonly total: number;
}

/** The sum and the number of samples since the component started (latencies, processing times), seconds. */
export interface MeanReading {
  readonly kind: 'mean';
  readonly figure: string;
  readonly keys: readonly string[];
  readonly sum: number;
  readonly count: number;
}

/** One figure of a component, with its keys (lambda, destination, processor) in the contract's order. */
export type Reading = GaugeReading | CountReading | MeanReading;

/** Appends a component's figures now to `out`; called about once a second and at each scrape. */
export type FigureSource = (out: Reading[]) => void;
