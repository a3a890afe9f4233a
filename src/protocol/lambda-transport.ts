import { Registry } from '../support/registry.js';
import type { CallCancellation } from './call-cancellation.js';
import type { LambdaRequest, LambdaResponse } from './messages.js';
import type { TlsCredentials } from './tls-credentials.js';

/** A running lambda server (EdgeServer.RunLambda on one endpoint). */
export interface LambdaServer {
  /** The endpoint actually bound (with the real port when asked for port 0). */
  readonly endpoint: string;
  /** Stops accepting calls, lets those in progress finish for up to `graceMs`, then closes. */
  stop(graceMs?: number): Promise<void>;
}

/** What a lambda server's handler knows of its call besides the request. */
export interface LambdaCall {
  /** Aborted once nobody waits for the answer: the client cancelled or went away, or the deadline passed. */
  readonly signal: AbortSignal;
  /**
   * Calls `listener` with the reason when the signal aborts (at once if it has), for a fraction of the
   * signal's cost; returns what unregisters it.
   */
  onAbort(listener: (reason: Error) => void): () => void;
  /** When the client stops waiting, in `performance.now()` milliseconds; undefined: it set no deadline. */
  readonly deadline: number | undefined;
}

/** Options of one RunLambda call. */
export interface LambdaCallOptions {
  /** Give up after this many milliseconds (DEADLINE_EXCEEDED); sent to the server as the call's deadline. */
  timeoutMs?: number;
  /**
   * Cancels the call once it fires (CANCELLED): the server is told (RST_STREAM CANCEL) and its handler
   * sees its call abort. A broker passes its incoming call, so work it forwarded stops with it.
   */
  signal?: CallCancellation;
}

/** A client of RunLambda at one endpoint. */
export interface LambdaChannel {
  /** Calls RunLambda; a transport failure or non-OK gRPC status rejects with an RpcError. */
  runLambda(request: Partial<LambdaRequest>, options?: LambdaCallOptions): Promise<LambdaResponse>;
  /** Resolves once connected (or rejects after `timeoutMs`). */
  ready(timeoutMs: number): Promise<void>;
  /** Closes the channel once the calls in progress are done. */
  close(): void;
}

/**
 * How RunLambda travels: a server side and a client side, speaking gRPC on the wire, in clear or, given
 * `tls`, over TLS (mutual when `tls.mutual`).
 */
export interface LambdaTransport {
  /** Serves RunLambda on `endpoint` (port 0: any free port); the handler never throws (see edge-server.ts). */
  serve(
    endpoint: string,
    handler: (request: LambdaRequest, call: LambdaCall) => Promise<LambdaResponse>,
    tls?: TlsCredentials,
  ): Promise<LambdaServer>;
  /** A channel to a lambda server at `endpoint`. */
  connect(endpoint: string, tls?: TlsCredentials): LambdaChannel;
}

/** Environment variable choosing the transport of the lambda data path. */
export const TRANSPORT_VARIABLE = 'SOE_LAMBDA_TRANSPORT';

/** The lambda transports; each registers itself from its `setup()` (see lambda-transports.ts). */
export const lambdaTransports = new Registry<LambdaTransport>(
  (name, known) =>
    new Error(`Unknown lambda transport '${name}' (${TRANSPORT_VARIABLE}); known: ${known.join(', ')}`),
);

/**
 * The transport named `name`, by default the one `SOE_LAMBDA_TRANSPORT` names, else `lean`; an unknown
 * name fails with a message naming the variable and the known transports.
 */
export function lambdaTransport(name = process.env[TRANSPORT_VARIABLE] ?? 'lean'): LambdaTransport {
  return lambdaTransports.get(name);
}
