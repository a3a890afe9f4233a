import {
  lambdaTransport,
  type LambdaCallOptions,
  type LambdaChannel,
  type LambdaTransport,
} from '../protocol/lambda-transports.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import type { LambdaClient } from './lambda-client.js';

/**
 * A {@link LambdaClient} to one endpoint over gRPC, on the chosen transport (by default the one
 * `SOE_LAMBDA_TRANSPORT` names, else `lean`: one HTTP/2 connection, calls multiplexed on it); leaves `hops`
 * and `responder` as they come.
 */
export class GrpcLambdaClient implements LambdaClient {
  private readonly channel: LambdaChannel;

  constructor(
    readonly endpoint: string,
    transport: LambdaTransport = lambdaTransport(),
  ) {
    this.channel = transport.connect(endpoint);
  }

  /** Runs a lambda (`dry`: ask for an estimate); `options.timeoutMs` bounds the call and travels with it. */
  runLambda(
    request: Partial<LambdaRequest>,
    dry = false,
    options?: LambdaCallOptions,
  ): Promise<LambdaResponse> {
    return this.channel.runLambda({ ...request, dry }, options);
  }

  /** Resolves once connected, so that a first latency sample does not include the connection set-up. */
  ready(timeoutMs: number): Promise<void> {
    return this.channel.ready(timeoutMs);
  }

  close(): void {
    this.channel.close();
  }
}
