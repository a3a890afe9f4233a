import { status } from '@grpc/grpc-js';
import { lambdaCodecs, RUN_LAMBDA } from '../protocol/edge-server.js';
import { GrpcUnaryChannel } from '../protocol/http2/grpc-unary-client.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { RpcError } from '../protocol/rpc-error.js';
import type { LambdaClient } from './lambda-client.js';

/**
 * A {@link LambdaClient} to one endpoint over gRPC (the lean transport: one HTTP/2 connection, calls
 * multiplexed on it); leaves `hops` and `responder` as they come.
 */
export class GrpcLambdaClient implements LambdaClient {
  private readonly channel: GrpcUnaryChannel;

  constructor(readonly endpoint: string) {
    this.channel = new GrpcUnaryChannel(endpoint);
  }

  async runLambda(request: Partial<LambdaRequest>, dry = false): Promise<LambdaResponse> {
    const reply = await this.channel.call(RUN_LAMBDA, lambdaCodecs.request.encode({ ...request, dry }));
    try {
      return lambdaCodecs.response.decode(reply);
    } catch (err) {
      throw new RpcError(status.INTERNAL, (err as Error).message);
    }
  }

  /** Resolves once connected, so that a first latency sample does not include the connection set-up. */
  ready(timeoutMs: number): Promise<void> {
    return this.channel.ready(timeoutMs);
  }

  close(): void {
    this.channel.close();
  }
}
