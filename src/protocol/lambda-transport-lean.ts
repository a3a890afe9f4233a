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

/** RunLambda on a {@link GrpcUnaryChannel}. */
class LeanChannel implements LambdaChannel {
  private readonly channel: GrpcUnaryChannel;

  constructor(endpoint: string) {
    this.channel = new GrpcUnaryChannel(endpoint);
  }

  async runLambda(request: Partial<LambdaRequest>, options?: LambdaCallOptions): Promise<LambdaResponse> {
    const bytes = lambdaCodecs.request.encode(request);
    const reply = await this.channel.call(RUN_LAMBDA, bytes, options?.timeoutMs);
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
 * cheaper per call than grpc-js. Bytes that are not a LambdaRequest get status INTERNAL.
 */
export const leanTransport: LambdaTransport = {
  serve: (endpoint, handler) =>
    GrpcUnaryServer.start(endpoint, {
      [RUN_LAMBDA]: async (bytes, call) =>
        lambdaCodecs.response.encode(await handler(lambdaCodecs.request.decode(bytes), call)),
    }),
  connect: (endpoint) => new LeanChannel(endpoint),
};

/** Registers this transport as `lean`. */
export function setup(): void {
  lambdaTransports.register('lean', leanTransport);
}
