import {
  lambdaTransport,
  type LambdaCallOptions,
  type LambdaChannel,
  type LambdaTransport,
} from '../protocol/lambda-transports.js';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import type { LambdaClient } from './lambda-client.js';

/** How a {@link GrpcLambdaClient} connects. */
export interface GrpcLambdaClientOptions {
  /** Connect over TLS with this material; default: in clear. */
  tls?: TlsCredentials | undefined;
  /** The transport; default: the one `SOE_LAMBDA_TRANSPORT` names, else `lean`. */
  transport?: LambdaTransport;
}

/**
 * A {@link LambdaClient} to one endpoint over gRPC, on the chosen transport (`lean` by default: one
 * HTTP/2 connection, calls multiplexed on it), in clear or over TLS; leaves `hops` and `responder` as
 * they come.
 */
export class GrpcLambdaClient implements LambdaClient {
  private readonly channel: LambdaChannel;

  constructor(
    readonly endpoint: string,
    options: GrpcLambdaClientOptions = {},
  ) {
    this.channel = (options.transport ?? lambdaTransport()).connect(endpoint, options.tls);
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
