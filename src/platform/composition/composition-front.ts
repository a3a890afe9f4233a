import { CallbackSender, type CallbackSenderOptions } from '../../protocol/callback/callback-sender.js';
import type { LambdaCall } from '../../protocol/lambda-transport.js';
import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { StateClients, type StateAccess } from '../../protocol/state/state-client.js';
import type { TlsCredentials } from '../../protocol/tls-credentials.js';
import { logger } from '../../support/logger.js';
import { compositionRejection } from '../request-rejection.js';
import { AsyncQueue, DEFAULT_MAX_PENDING_ASYNC, DEFAULT_MAX_PENDING_ASYNC_BYTES } from './async-queue.js';
import { ChainDagContinuation } from './chain-dag-continuation.js';
import type { Continuation, ContinuationContext } from './continuation.js';
import { RemoteStates, StateHandlingError } from './remote-states.js';

const log = logger('computer');

/** How a computer handles asynchronous invocations and states (the composition options). */
export interface CompositionOptions {
  /** Asynchronous workers (`--asynchronous` with `--num-threads`); 0: asynchronous invocations refused. */
  asyncWorkers?: number;
  /** Most asynchronous invocations waiting for a worker (default {@link DEFAULT_MAX_PENDING_ASYNC}). */
  maxPendingAsync?: number;
  /**
   * Most bytes (input, datain, embedded states) of the asynchronous invocations waiting for a worker
   * (default {@link DEFAULT_MAX_PENDING_ASYNC_BYTES}); one invocation is always let in when none waits.
   */
  maxPendingAsyncBytes?: number;
  /** `--companion-endpoint`: next hop of chains and DAGs; '' if none. */
  companion?: string;
  /** This computer's state server endpoint (`--state-endpoint`, real port if embedded); '' if none. */
  stateEndpoint?: string;
  /** Get/Put/Del on that state server (in process when embedded); undefined if none. */
  states?: StateAccess | undefined;
  /** What happens around async executions; default a {@link ChainDagContinuation} (callback at the last function). */
  continuation?: Continuation;
  /** Delivery of callbacks (attempts, timeouts). */
  callbacks?: CallbackSenderOptions;
  /** TLS material of the computer's own clients (callbacks, states, companion); undefined: in clear. */
  tls?: TlsCredentials | undefined;
}

/** What the front runs a request's single function on: a computer type's `process`. */
export type Executor = (request: LambdaRequest, call?: LambdaCall) => Promise<LambdaResponse>;

/** The retcode of an asynchronous invocation refused because the queue is full. */
export function asyncQueueFull(max: number): string {
  return `Too many asynchronous invocations pending (at most ${max})`;
}

/** The retcode of an asynchronous invocation refused because the waiting ones hold too many bytes. */
export function asyncBytesFull(max: number): string {
  return `Too many bytes of asynchronous invocations pending (at most ${max})`;
}

/** The bytes a waiting request holds: input, datain and embedded state contents. */
function requestBytes(req: LambdaRequest): number {
  let bytes = req.input.length + req.datain.length;
  for (const s of Object.values(req.states)) bytes += s.content.length;
  return bytes;
}

/**
 * The part of an edge computer common to every type (spec §5.3, §5.7, §11.3): validates compositions,
 * answers asynchronous invocations with an immediate ack and executes them on bounded workers, then
 * hands them to the {@link Continuation} (callback, or the next function); fetches and migrates remote
 * states around every execution. The type's executor only ever sees a single synchronous function
 * with embedded states.
 */
export class CompositionFront {
  private readonly queue: AsyncQueue<LambdaRequest> | undefined;
  private readonly remote: RemoteStates;
  private readonly stateClients: StateClients;
  private readonly callbacks: CallbackSender;
  private readonly continuation: Continuation;
  private context: ContinuationContext;

  constructor(
    private readonly execute: Executor,
    options: CompositionOptions = {},
    endpoint = '',
  ) {
    const workers = options.asyncWorkers ?? 0;
    this.stateClients = new StateClients({ tls: options.tls });
    this.callbacks = new CallbackSender({ tls: options.tls, ...options.callbacks });
    this.continuation = options.continuation ?? new ChainDagContinuation();
    const stateEndpoint = options.stateEndpoint ?? '';
    this.remote = new RemoteStates(stateEndpoint, options.states, this.stateClients);
    this.context = {
      endpoint,
      companion: options.companion ?? '',
      stateEndpoint,
      states: options.states,
      stateClients: this.stateClients,
      callbacks: this.callbacks,
      tls: options.tls,
    };
    this.queue =
      workers > 0
        ? new AsyncQueue(
            workers,
            options.maxPendingAsync ?? DEFAULT_MAX_PENDING_ASYNC,
            options.maxPendingAsyncBytes ?? DEFAULT_MAX_PENDING_ASYNC_BYTES,
            (req) => this.runAsync(req),
          )
        : undefined;
  }

  /** Sets this computer's endpoint (known once its lambda server listens): the callbacks' responder. */
  setEndpoint(endpoint: string): void {
    this.context = { ...this.context, endpoint };
  }

  /** Asynchronous invocations waiting for a worker and being run. */
  get asyncLoad(): { pending: number; active: number } {
    return { pending: this.queue?.pending ?? 0, active: this.queue?.active ?? 0 };
  }

  /** Resolves once no asynchronous invocation waits or runs (callbacks included). */
  whenIdle(): Promise<void> {
    return this.queue?.whenIdle() ?? Promise.resolve();
  }

  /** Serves one RunLambda request; never throws. */
  async process(req: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse> {
    const hops = req.hops + 1;
    const why = compositionRejection(req);
    if (why !== undefined) return errorResponse(why, hops);
    if (req.dry) return this.execute(single(req, req.states), call);
    if (req.callback === '') return this.run(req, call);
    if (this.queue === undefined) {
      return errorResponse('Cannot handle an asynchronous function invocation', hops);
    }
    let admitted: boolean;
    try {
      admitted = await this.continuation.admit(req, this.context);
    } catch (err) {
      return errorResponse(messageOf(err), hops);
    }
    if (admitted) {
      const queued = this.queue.offer(req, requestBytes(req));
      if (queued === 'full') return errorResponse(asyncQueueFull(this.queue.maxPending), hops);
      if (queued === 'bytes') {
        return errorResponse(asyncBytesFull(this.queue.maxPendingBytes), hops);
      }
      if (queued === 'stopped') return errorResponse('computer is stopping', hops);
    }
    const ack = errorResponse('OK', hops);
    ack.asynchronous = true;
    return ack;
  }

  /**
   * Stops: waiting asynchronous invocations are dropped, the callbacks and forwards in progress cancelled,
   * and the running ones awaited; channels are closed.
   */
  async stop(): Promise<void> {
    const dropped = this.queue?.close() ?? 0;
    if (dropped > 0) log.warn(`${dropped} asynchronous invocation(s) dropped at stop`);
    // Cancels the callbacks and forwards in progress, so the running invocations end now.
    this.continuation.close?.();
    this.callbacks.close();
    await this.queue?.whenIdle();
    this.stateClients.close();
  }

  /** Executes one function synchronously with its remote states handled (spec §11.3). */
  private async run(req: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse> {
    const hops = req.hops + 1;
    let prepared;
    try {
      prepared = await this.remote.prepare(req);
    } catch (err) {
      return errorResponse(stateError(err), hops);
    }
    const res = await this.execute(single(req, prepared.embedded), call);
    if (res.retcode !== 'OK') return res;
    try {
      // A type that returns no states (http, wsk) passes them on; one that writes some (js) overrides them.
      res.states = await this.remote.finish(prepared, { ...prepared.embedded, ...res.states });
    } catch (err) {
      return errorResponse(stateError(err), hops);
    }
    return res;
  }

  private async runAsync(received: LambdaRequest): Promise<void> {
    let req = received;
    let response: LambdaResponse | undefined;
    try {
      req = (await this.continuation.prepare?.(received, this.context)) ?? received;
    } catch (err) {
      response = errorResponse(stateError(err), received.hops + 1);
    }
    response ??= await this.run(req);
    try {
      await this.continuation.complete({ request: req, response }, this.context);
    } catch (err) {
      log.warn(
        `asynchronous ${req.name} (uuid ${req.uuid || 'none'}, callback ${req.callback}) dropped: ${messageOf(err)}`,
      );
    }
  }
}

/** The request as a computer type sees it: one function, synchronous, with these (embedded) states. */
function single(req: LambdaRequest, states: LambdaRequest['states']): LambdaRequest {
  return { ...req, states, callback: '', chain: [], dag: null, nextFunctionIndex: 0 };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function stateError(err: unknown): string {
  if (err instanceof StateHandlingError) return err.message;
  return `could not handle all the remote states: ${messageOf(err)}`;
}
