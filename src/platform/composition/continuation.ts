import type { CallbackSender } from '../../protocol/callback/callback-sender.js';
import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import type { StateAccess, StateClients } from '../../protocol/state/state-client.js';
import type { TlsCredentials } from '../../protocol/tls-credentials.js';

/** What a {@link Continuation} may use of the computer that executed. */
export interface ContinuationContext {
  /** This computer's lambda endpoint (`--server-endpoint`, real port): the responder of callbacks. */
  endpoint: string;
  /** `--companion-endpoint`: where the next functions of a chain/DAG go; '' if none. */
  companion: string;
  /** This computer's state server endpoint (`--state-endpoint`); '' if none. */
  stateEndpoint: string;
  /** Get/Put/Del on this computer's state server; undefined if none. */
  states: StateAccess | undefined;
  /** Clients of other state servers. */
  stateClients: StateClients;
  /** Sends callbacks with bounded attempts. */
  callbacks: CallbackSender;
  /** TLS material of the computer's clients (`--secure`); undefined: in clear. */
  tls: TlsCredentials | undefined;
}

/** An asynchronous invocation whose function was executed (its remote states already migrated). */
export interface CompletedInvocation {
  /** The request as received (callback, chain/DAG, index, uuid and states as sent). */
  request: LambdaRequest;
  /** The execution's response: retcode, output, dataout, states (rewritten locations), hops = request hops + 1. */
  response: LambdaResponse;
}

/**
 * What an asynchronous computer does around its executions (spec §5.7, §11.1, §11.2): the one hook
 * the chain/DAG continuation replaces or wraps.
 */
export interface Continuation {
  /**
   * Called when an asynchronous invocation arrives, before it is queued: false acknowledges it but does
   * not execute it (a DAG join node waiting for more predecessors). Default: true.
   */
  admit(request: LambdaRequest, context: ContinuationContext): Promise<boolean> | boolean;
  /**
   * Called by the worker before an admitted asynchronous invocation executes: the request to execute (a
   * DAG join node with its predecessors' state locations merged). A rejection fails the execution with
   * `could not handle all the remote states: <why>`. Default: the request as it came.
   */
  prepare?(request: LambdaRequest, context: ContinuationContext): Promise<LambdaRequest>;
  /**
   * Called after the execution of an asynchronous invocation: by default it sends the callback
   * ({@link sendCallback}); a chain/DAG continuation instead forwards the regenerated request(s) to the
   * companion for a non-last function. A rejection is logged and the invocation dropped.
   */
  complete(done: CompletedInvocation, context: ContinuationContext): Promise<void>;
  /** Releases what it holds (channels, timers) when the computer stops. */
  close?(): void;
}

/** Whether the request's function is the last of its application: no chain/DAG, or the last index. */
export function isLastFunction(req: LambdaRequest): boolean {
  const dagSize = req.dag?.names.length ?? 0;
  if (dagSize > 0) return req.nextFunctionIndex >= dagSize - 1;
  if (req.chain.length > 0) return req.nextFunctionIndex >= req.chain.length - 1;
  return true;
}

/**
 * The callback of a completed invocation (spec §5.7): the execution's retcode, output, dataout and
 * states; responder = this computer's endpoint; hops = request hops + 1; ptime and loads zeroed;
 * asynchronous false. Unlike the original (quirk Q14), a failed execution's retcode is kept, not
 * replaced by `OK`.
 */
export function callbackResponse(done: CompletedInvocation, endpoint: string): LambdaResponse {
  const res = done.response;
  return {
    retcode: res.retcode,
    output: res.output,
    responder: endpoint,
    ptime: 0,
    dataout: res.dataout,
    load1: 0,
    load10: 0,
    load30: 0,
    hops: done.request.hops + 1,
    states: res.states,
    asynchronous: false,
  };
}

/** Sends the callback of `done` to `done.request.callback`; rejects if it cannot be delivered. */
export function sendCallback(done: CompletedInvocation, context: ContinuationContext): Promise<void> {
  return context.callbacks.send(done.request.callback, callbackResponse(done, context.endpoint));
}

/**
 * The continuation of a computer without chain/DAG support: admits everything and calls back when
 * the function is the last one; a non-last function of a chain/DAG fails (logged, dropped).
 */
export const callbackContinuation: Continuation = {
  admit: () => true,
  complete(done, context) {
    if (isLastFunction(done.request)) return sendCallback(done, context);
    return Promise.reject(
      new Error(`cannot continue ${done.request.name}: chains and DAGs are not supported by this computer`),
    );
  },
};
