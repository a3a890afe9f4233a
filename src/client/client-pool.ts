import { GrpcLambdaClient } from './lambda-client-grpc.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { Semaphore, type Cancellation } from '../support/semaphore.js';
import type { LambdaCall } from '../protocol/lambda-transports.js';
import { RpcError } from '../protocol/rpc-error.js';
import { status } from '@grpc/grpc-js';

/** How long a new destination may take to connect before its first request is sent anyway, ms. */
const CONNECT_TIMEOUT_MS = 1000;

/** A forwarded request's outcome: the response and the seconds from asking for a client to the response. */
export interface PoolResult {
  response: LambdaResponse;
  seconds: number;
}

/** How one request goes through the pool; every bound is optional. */
export interface SendOptions {
  /**
   * The incoming call the request serves (a broker's): its abort ends the wait for a slot (the request
   * is then not sent) or cancels the forwarded call (the destination is told: RST_STREAM CANCEL), its
   * deadline bounds the wait and the call, and travels with the call.
   */
  call?: LambdaCall | undefined;
  /** The call, once it has a slot, may take at most this long (ms); sent downstream as its deadline. */
  callTimeoutMs?: number | undefined;
  /** Refuse at once when this many requests already wait for a slot of the destination (0: no bound). */
  maxWaiting?: number | undefined;
}

/**
 * Why the pool gave up on a request: too many waiting, the caller gave up while it waited, or the
 * caller's deadline passed (while it waited, or on a call bounded by that deadline rather than by
 * `callTimeoutMs`).
 */
export type RefusalReason = 'queue-full' | 'cancelled' | 'deadline';

/** A request the pool gave up on for the caller's sake (see {@link RefusalReason}): the destination is not to blame. */
export class PoolRefusal extends Error {
  override readonly name = 'PoolRefusal';

  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
  }
}

/**
 * What ends the wait for a slot: the caller's call aborting (cancelled) or its deadline passing; a timer
 * and a listener, not AbortSignals (AbortSignal.any and .timeout cost tens of microseconds in Node 20).
 */
function waitEnd(call: LambdaCall | undefined, destination: string): Cancellation | undefined {
  if (call === undefined) return undefined;
  return (cancel) => {
    const off = call.onAbort(() =>
      cancel(new PoolRefusal('cancelled', `Cancelled while waiting for ${destination}`)),
    );
    if (call.deadline === undefined) return off;
    const timer = setTimeout(
      () => cancel(deadlineRefusal(destination)),
      Math.max(0, Math.ceil(call.deadline - performance.now())),
    );
    return () => {
      off();
      clearTimeout(timer);
    };
  };
}

/** The refusal of a request whose caller's deadline passed before its destination answered. */
function deadlineRefusal(destination: string): PoolRefusal {
  return new PoolRefusal('deadline', `Deadline exceeded forwarding to ${destination}`);
}

/**
 * The call's timeout once it holds a slot, ms (undefined: none): the shorter of its own and what is left
 * of the caller's deadline; `callers` says that the caller's deadline is the shorter.
 */
function callBound({ call, callTimeoutMs }: SendOptions): {
  timeoutMs: number | undefined;
  callers: boolean;
} {
  // Whole milliseconds (a Node timer list per distinct duration), a little before the caller gives up.
  const left = call?.deadline === undefined ? Infinity : Math.floor(call.deadline - performance.now());
  const own = callTimeoutMs ?? Infinity;
  const timeoutMs = Math.min(left, own);
  return { timeoutMs: timeoutMs === Infinity ? undefined : timeoutMs, callers: left < own };
}

/**
 * Clients towards a broker's destinations (the original's EdgeClientPool): one long-lived gRPC channel
 * per destination, at most `maxPending` requests in flight per destination (0 = unlimited), the others
 * waiting in arrival order. The time reported includes the wait for a free slot. With `tls`, every
 * channel is over TLS.
 */
export class ClientPool {
  private readonly destinations = new Map<
    string,
    { client: GrpcLambdaClient; slots: Semaphore; connecting: Promise<void> }
  >();

  constructor(
    readonly maxPending: number,
    private readonly tls?: TlsCredentials,
  ) {}

  /**
   * Sends a request to a destination; rejects on a transport failure (an RpcError: DEADLINE_EXCEEDED if
   * the call outlived `callTimeoutMs`), or with a {@link PoolRefusal}: too many requests waiting for the
   * destination (`maxWaiting`), the caller gone or its deadline passed.
   */
  async send(
    destination: string,
    request: Partial<LambdaRequest>,
    options: SendOptions = {},
  ): Promise<PoolResult> {
    let d = this.destinations.get(destination);
    if (d === undefined) {
      const client = new GrpcLambdaClient(destination, { tls: this.tls });
      // Connect before timing the first request: its time must not include the connection set-up, or a
      // broker learning from it would take a fast new destination for a slow one. A failure to connect
      // surfaces as the call's own error below.
      const connecting = client.ready(CONNECT_TIMEOUT_MS).catch(() => undefined);
      d = { client, slots: new Semaphore(this.maxPending), connecting };
      this.destinations.set(destination, d);
    }
    await d.connecting;
    const { client, slots } = d;
    const maxWaiting = options.maxWaiting ?? 0;
    if (maxWaiting > 0 && slots.full && slots.waiting >= maxWaiting) {
      throw new PoolRefusal(
        'queue-full',
        `Too many requests waiting for ${destination} (${slots.waiting}, at most ${maxWaiting})`,
      );
    }
    const start = performance.now();
    await slots.acquire(slots.full ? waitEnd(options.call, destination) : undefined);
    try {
      const { timeoutMs, callers } = callBound(options);
      if (timeoutMs !== undefined && timeoutMs <= 0) throw deadlineRefusal(destination);
      let response: LambdaResponse;
      try {
        response = await client.runLambda(request, request.dry ?? false, { timeoutMs, signal: options.call });
      } catch (err) {
        if (callers && err instanceof RpcError && err.code === status.DEADLINE_EXCEEDED) {
          throw deadlineRefusal(destination);
        }
        if (err instanceof RpcError && err.code === status.CANCELLED && options.call?.signal.aborted) {
          throw new PoolRefusal('cancelled', `Cancelled while forwarding to ${destination}`);
        }
        throw err;
      }
      return { response, seconds: (performance.now() - start) / 1000 };
    } finally {
      slots.release();
    }
  }

  /** Drops the channel to a destination (e.g. after it failed). */
  forget(destination: string): void {
    this.destinations.get(destination)?.client.close();
    this.destinations.delete(destination);
  }

  /** Closes every channel. */
  close(): void {
    for (const d of this.destinations.values()) d.client.close();
    this.destinations.clear();
  }
}
