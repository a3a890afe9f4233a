import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { RpcClient } from '../protocol/rpc-client.js';
import type { LambdaClient } from './lambda-client.js';

/** A {@link LambdaClient} to one endpoint over gRPC; leaves `hops` and `responder` as they come. */
export class GrpcLambdaClient implements LambdaClient {
  private readonly rpc: RpcClient<'uiiit.rpc.EdgeServer'>;

  constructor(readonly endpoint: string) {
    this.rpc = new RpcClient('uiiit.rpc.EdgeServer', endpoint);
  }

  runLambda(request: Partial<LambdaRequest>, dry = false): Promise<LambdaResponse> {
    return this.rpc.call('RunLambda', { ...request, dry });
  }

  /** Resolves once connected, so that a first latency sample does not include the connection set-up. */
  ready(timeoutMs: number): Promise<void> {
    return this.rpc.waitForReady(timeoutMs);
  }

  close(): void {
    this.rpc.close();
  }
}
