import * as grpc from '@grpc/grpc-js';
import { bindError } from '../support/socket-errors.js';
import { formatEndpoint, parseBindEndpoint } from './endpoint.js';
import { DEFAULT_H2_LIMITS } from './http2/limits.js';
import { statusOf } from './rpc-error.js';
import { serviceDefinition, type ServiceImpl, type ServiceName } from './services.js';
import type { TlsCredentials } from './tls-credentials.js';

/** A service with its implementation, ready to be served. */
export interface ServiceBinding {
  name: ServiceName;
  impl: Record<string, (...args: never[]) => unknown>;
}

/** Pairs a service name with its typed implementation. */
export function service<S extends ServiceName>(name: S, impl: ServiceImpl<S>): ServiceBinding {
  return { name, impl };
}

/** Wraps a unary handler so that a thrown error or rejected promise becomes a gRPC status, never a crash. */
function wrapUnary(
  handler: (req: unknown, call: unknown) => unknown,
): grpc.handleUnaryCall<unknown, unknown> {
  return (call, callback) => {
    let reply: unknown;
    try {
      reply = handler(call.request, call);
    } catch (err) {
      callback(statusOf(err));
      return;
    }
    Promise.resolve(reply).then(
      (value) => callback(null, value),
      (err: unknown) => callback(statusOf(err)),
    );
  };
}

/** How an {@link RpcServer} serves. */
export interface RpcServerOptions {
  /** Serve over TLS with this material (requiring client certificates when `mutual`); default: in clear. */
  tls?: TlsCredentials | undefined;
  /**
   * Largest request message, bytes (default {@link DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH}); a larger one is
   * refused RESOURCE_EXHAUSTED from its length prefix, before it is read.
   */
  maxReceiveMessageLength?: number;
}

/** The default largest request message of an {@link RpcServer}: 4 MiB, gRPC's own default. */
export const DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH = 4 * 1024 * 1024;

/** grpc-js server credentials for `tls`: insecure without. */
function serverCredentials(tls: TlsCredentials | undefined): grpc.ServerCredentials {
  if (tls === undefined) return grpc.ServerCredentials.createInsecure();
  if (tls.server === undefined)
    throw new Error('Cannot serve TLS without a server certificate and key (SERVER_CRT, SERVER_KEY)');
  return grpc.ServerCredentials.createSsl(
    tls.ca,
    [{ private_key: tls.server.key, cert_chain: tls.server.cert }],
    tls.mutual,
  );
}

/** A gRPC server on one endpoint serving one or more protocol services. */
export class RpcServer {
  /** The endpoint actually bound (with the real port when asked for port 0). */
  readonly endpoint: string;
  readonly port: number;
  private readonly server: grpc.Server;

  private constructor(server: grpc.Server, endpoint: string, port: number) {
    this.server = server;
    this.endpoint = endpoint;
    this.port = port;
  }

  /**
   * Binds `endpoint` (`host:port`, port 0 for any free port) and starts serving. Fails with
   * `Could not bind to: <endpoint>: <reason>` if the address cannot be bound (`address already in use`,
   * `permission denied`, `address not available`: see {@link bindError}).
   */
  static async start(
    endpoint: string,
    services: ServiceBinding[],
    options: RpcServerOptions = {},
  ): Promise<RpcServer> {
    const ep = parseBindEndpoint(endpoint);
    const credentials = serverCredentials(options.tls);
    // grpc-js advertises no limit of concurrent streams unless told (nghttp2: 2^32 - 1): the lean
    // server's. It has no bound of connections or of the bytes they hold together.
    const server = new grpc.Server({
      'grpc.max_receive_message_length':
        options.maxReceiveMessageLength ?? DEFAULT_MAX_RECEIVE_MESSAGE_LENGTH,
      'grpc.max_concurrent_streams': DEFAULT_H2_LIMITS.maxConcurrentStreams,
    });
    for (const { name, impl } of services) {
      const def = serviceDefinition(name);
      const wrapped: grpc.UntypedServiceImplementation = {};
      for (const [method, handler] of Object.entries(impl)) {
        const m = def[method];
        if (m === undefined) throw new Error(`Unknown method ${method} of ${name}`);
        wrapped[method] = m.responseStream
          ? (handler as grpc.UntypedHandleCall)
          : wrapUnary(handler as (req: unknown, call: unknown) => unknown);
      }
      server.addService(def, wrapped);
    }
    const port = await new Promise<number>((resolve, reject) => {
      server.bindAsync(endpoint, credentials, (err, p) =>
        err ? reject(bindError(endpoint, err)) : resolve(p),
      );
    });
    return new RpcServer(server, formatEndpoint({ host: ep.host, port }), port);
  }

  /** Stops accepting calls and waits up to `graceMs` for calls in progress, then cancels them. */
  async stop(graceMs = 1000): Promise<void> {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, graceMs);
      this.server.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
  }
}
