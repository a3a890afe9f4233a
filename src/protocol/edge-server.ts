import {
  lambdaTransport,
  type LambdaCall,
  type LambdaServer,
  type LambdaTransport,
} from './lambda-transports.js';
import type { LambdaRequest, LambdaResponse } from './messages.js';
import { errorResponse } from './responses.js';
import type { TlsCredentials } from './tls-credentials.js';

export type { LambdaServer };

/**
 * The business logic behind an EdgeServer: a request in, a response out; `call` tells when the client
 * stops waiting (a broker bounds and propagates it) and aborts when it is gone.
 */
export type LambdaProcessor = (
  request: LambdaRequest,
  call: LambdaCall,
) => Promise<LambdaResponse> | LambdaResponse;

/**
 * Runs a processor with the original's error contract: if it throws, the response's retcode is
 * `invalid '<name>' request: <what>` (hops = request hops + 1), still a successful call.
 */
async function serve(
  processor: LambdaProcessor,
  request: LambdaRequest,
  call: LambdaCall,
): Promise<LambdaResponse> {
  try {
    return await processor(request, call);
  } catch (err) {
    const what = err instanceof Error && err.message !== '' ? err.message : 'unknown reasons';
    return errorResponse(`invalid '${request.name}' request: ${what}`, request.hops + 1);
  }
}

/** How a lambda server serves. */
export interface LambdaServerOptions {
  /** Serve over TLS with this material; default: in clear. */
  tls?: TlsCredentials | undefined;
  /** The transport; default: the one `SOE_LAMBDA_TRANSPORT` names, else `lean`. */
  transport?: LambdaTransport;
}

/**
 * Serves the EdgeServer service (RunLambda) over a processor on `endpoint` (port 0 picks a free port), on
 * the chosen transport, in clear or over TLS.
 */
export function startLambdaServer(
  endpoint: string,
  processor: LambdaProcessor,
  options: LambdaServerOptions = {},
): Promise<LambdaServer> {
  const transport = options.transport ?? lambdaTransport();
  return transport.serve(endpoint, (request, call) => serve(processor, request, call), options.tls);
}
