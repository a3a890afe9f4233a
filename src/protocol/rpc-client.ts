import * as grpc from '@grpc/grpc-js';
import { whenCancelled, type CallCancellation } from './call-cancellation.js';
import { RpcError } from './rpc-error.js';
import {
  serviceDefinition,
  type MethodName,
  type RequestOf,
  type ResponseOf,
  type ServiceName,
} from './services.js';
import type { TlsCredentials } from './tls-credentials.js';

/** Options of one call. */
export interface CallOptions {
  /** Give up after this many milliseconds (the original system used no deadline: undefined). */
  timeoutMs?: number;
  /** Cancels the call once it fires: grpc-js resets its stream and the call fails CANCELLED. */
  signal?: CallCancellation;
}

/**
 * Channel options of every client: reconnect quickly after a peer restarts (grpc's defaults wait 1 s
 * and more, long at edge latencies).
 */
export const DEFAULT_CHANNEL_OPTIONS: grpc.ChannelOptions = {
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.min_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2000,
};

/** How an {@link RpcClient} connects. */
export interface RpcClientOptions {
  /** Connect over TLS with this material (presenting the client certificate when `mutual`); default: in clear. */
  tls?: TlsCredentials | undefined;
  /** grpc-js channel options, over {@link DEFAULT_CHANNEL_OPTIONS}. */
  channel?: grpc.ChannelOptions;
}

/** grpc-js channel credentials for `tls`: insecure without. */
function channelCredentials(tls: TlsCredentials | undefined): grpc.ChannelCredentials {
  if (tls === undefined) return grpc.credentials.createInsecure();
  const pair = tls.mutual ? tls.client : undefined;
  return grpc.credentials.createSsl(tls.ca, pair?.key ?? null, pair?.cert ?? null);
}

/** A gRPC client of one protocol service at one endpoint, with a promise API. */
export class RpcClient<S extends ServiceName> {
  readonly endpoint: string;
  private readonly client: grpc.Client;
  private readonly def: grpc.ServiceDefinition;

  constructor(service: S, endpoint: string, options: RpcClientOptions = {}) {
    this.endpoint = endpoint;
    this.def = serviceDefinition(service);
    this.client = new grpc.Client(endpoint, channelCredentials(options.tls), {
      ...DEFAULT_CHANNEL_OPTIONS,
      ...options.channel,
    });
  }

  /** Calls a unary method; a non-OK status rejects with an {@link RpcError}. */
  call<K extends MethodName<S>>(
    method: K,
    request: Partial<RequestOf<S, K>>,
    options: CallOptions = {},
  ): Promise<ResponseOf<S, K>> {
    const m = this.method(method);
    const callOptions: grpc.CallOptions = {};
    if (options.timeoutMs !== undefined) callOptions.deadline = Date.now() + options.timeoutMs;
    return new Promise((resolve, reject) => {
      let cancelled = false;
      let cancel = (): void => void (cancelled = true);
      const unregister =
        options.signal === undefined ? undefined : whenCancelled(options.signal, () => cancel());
      if (cancelled) {
        reject(new RpcError(grpc.status.CANCELLED, 'Cancelled on client'));
        return;
      }
      const call = this.client.makeUnaryRequest(
        m.path,
        m.requestSerialize,
        m.responseDeserialize,
        request,
        new grpc.Metadata(),
        callOptions,
        (err, value) => {
          unregister?.();
          if (err) reject(RpcError.from(err));
          else resolve(value as ResponseOf<S, K>);
        },
      );
      cancel = () => call.cancel();
    });
  }

  /** Calls a server-streaming method; iterate the result, which throws an {@link RpcError} if the stream fails. */
  async *stream<K extends MethodName<S>>(
    method: K,
    request: Partial<RequestOf<S, K>>,
  ): AsyncGenerator<ResponseOf<S, K>> {
    const m = this.method(method);
    const call = this.client.makeServerStreamRequest(
      m.path,
      m.requestSerialize,
      m.responseDeserialize,
      request,
    );
    try {
      for await (const message of call) yield message as ResponseOf<S, K>;
    } catch (err) {
      if (isServiceError(err)) {
        if (err.code === grpc.status.CANCELLED) return;
        throw RpcError.from(err);
      }
      throw err;
    } finally {
      call.cancel();
    }
  }

  /** Resolves once the channel is connected (or rejects after `timeoutMs`). */
  waitForReady(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.client.waitForReady(Date.now() + timeoutMs, (err) => (err ? reject(err) : resolve()));
    });
  }

  /** Closes the channel. */
  close(): void {
    this.client.close();
  }

  private method(name: string): grpc.MethodDefinition<unknown, unknown> {
    const m = this.def[name];
    if (m === undefined) throw new Error(`Unknown method ${name}`);
    return m;
  }
}

function isServiceError(err: unknown): err is grpc.ServiceError {
  return err instanceof Error && typeof (err as Partial<grpc.ServiceError>).code === 'number';
}
