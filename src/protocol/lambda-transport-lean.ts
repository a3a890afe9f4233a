import { status } from '@grpc/grpc-js';
import { GrpcUnaryChannel } from './http2/grpc-unary-client.js';
import { GrpcUnaryServer } from './http2/grpc-unary-server.js';
import {
  lambdaTransports,
  type LambdaCallOptions,
  type LambdaChannel,
  type LambdaTransport,
} from './lambda-transport.js';
import { lambdaCodecs, RUN_LAMBDA } from './lambda-wire.js';
import type { LambdaRequest, LambdaResponse } from './messages.js';
import { RpcError } from './rpc-error.js';
import type { TlsCredentials } from './tls-credentials.js';

/** RunLambda on a {@link GrpcUnaryChannel}. */
class LeanChannel implements LambdaChannel {
  private readonly channel: GrpcUnaryChannel;

  constructor(endpoint: string, tls?: TlsCredentials) {
    this.channel = new GrpcUnaryChannel(endpoint, tls);
  }

  async runLambda(request: Partial<LambdaRequest>, options?: LambdaCallOptions): Promise<LambdaResponse> {
    const bytes = lambdaCodecs.request.encode(request);
    const reply = await this.channel.call(RUN_LAMBDA, bytes, options?.timeoutMs, options?.signal);
    try {
      return lambdaCodecs.response.decode(reply);
    } catch (err) {
      throw new RpcError(status.INTERNAL, (err as Error).message);
    }
  }

  ready(timeoutMs: number): Promise<void> {
    return this.channel.ready(timeoutMs);
  }

  close(): void {
    this.channel.close();
  }
}

/**
 * The default transport: our own HTTP/2 and gRPC framing on node:net (src/protocol/http2), several times
 * cheaper per call than grpc-js; TLS on node:tls with ALPN `h2`. Bytes that are not a LambdaRequest get
 * status INTERNAL.
 */
export const leanTransport: LambdaTransport = {
  serve: (endpoint, handler, tls) =>
    GrpcUnaryServer.start(
      endpoint,
      {
        [RUN_LAMBDA]: async (bytes, call) =>
          lambdaCodecs.response.encode(await handler(lambdaCodecs.request.decode(bytes), call)),
      },
      {},
      tls,
    ),
  connect: (endpoint, tls) => new LeanChannel(endpoint, tls),
};

/** Registers this transport as `lean`. */
export function setup(): void {
  lambdaTransports.register('lean', leanTransport);
}
