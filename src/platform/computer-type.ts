import type { LambdaCall } from '../protocol/lambda-transport.js';
import type { ContainerInfo, LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { Registry } from '../support/registry.js';

/** What a computer type is started with. */
export interface ComputerTypeOptions {
  /** The computer's name, `computer@<lambda endpoint>`. */
  name: string;
  /**
   * The type's own settings, by command option name without the dashes (`conf` for sim, `functions` and
   * `js-conf` for js, `http-conf` for http, ...): each type reads the ones it uses and ignores the others.
   */
  settings: Readonly<Record<string, string>>;
  /** Seconds between utilization samples (default 1; 0: none). */
  samplePeriod?: number;
}

/** Utilization in [0, 1] by processor (or CPU figure) name, as one StreamUtil message carries it. */
export type UtilizationListener = (values: Record<string, number>) => void;

/**
 * A running edge computer of some type: what the lambda server, the utilization stream and the
 * controller announcement need of it.
 */
export interface RunningComputer {
  readonly name: string;
  /**
   * Serves one RunLambda request (dry runs included); never throws: a failure is a response whose retcode
   * says why, with `hops = request hops + 1`. `call`, when given, tells when the client stops waiting.
   */
  process(request: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse>;
  /** The containers to announce to the controller, one per lambda, sorted by lambda name. */
  containers(): ContainerInfo[];
  /** Calls `listener` with every utilization sample; returns what unsubscribes it. */
  onUtilization(listener: UtilizationListener): () => void;
  /**
   * Calls `listener` when {@link containers} changes (a type that deploys lambdas at run time); returns what
   * unsubscribes it. Types with a fixed set of lambdas never call it.
   */
  onContainersChanged(listener: () => void): () => void;
  /** Lines describing the computer for the start-up log (its containers, its other end-points). */
  describe(): string[];
  /** Its management API (`host:port`), announced to the controller; types without one leave it out. */
  readonly managementEndpoint?: string;
  /** Stops it: requests in progress get an error response or complete, no sample is emitted afterwards. */
  stop(): Promise<void>;
}

/** A kind of edge computer `--computer-type` selects (sim, js, http, ...). */
export interface ComputerType {
  /** Starts a computer of this type; fails with a clear message on bad settings. */
  start(options: ComputerTypeOptions): Promise<RunningComputer>;
}

/**
 * The computer types by `--computer-type` name; each registers itself from its `setup()` (see
 * computer-types.ts, which registers the built-in ones).
 */
export const computerTypes = new Registry<ComputerType>(
  (name) => new Error(`unknown edge computer type: ${name}`),
);
