import { codec } from './codec.js';
import { GrpcUnaryServer } from './http2/grpc-unary-server.js';
import type { LambdaRequest, LambdaResponse } from './messages.js';
import { errorResponse } from './responses.js';

/** The business logic behind an EdgeServer: a request in, a response out. */
export type LambdaProcessor = (request: LambdaRequest) => Promise<LambdaResponse> | LambdaResponse;

/** Method path of EdgeServer.RunLambda, the one call of the lambda data path. */
export const RUN_LAMBDA = '/uiiit.rpc.EdgeServer/RunLambda';

/** Wire codecs of RunLambda's request and response. */
export const lambdaCodecs = {
  request: codec('uiiit.rpc.LambdaRequest'),
  response: codec('uiiit.rpc.LambdaResponse'),
};

/**
 * Runs a processor with the original's error contract: if it throws, the response's retcode is
 * `invalid '<name>' request: <what>` (hops = request hops + 1), still a successful call.
 */
async function serve(processor: LambdaProcessor, request: LambdaRequest): Promise<LambdaResponse> {
  try {
    return await processor(request);
  } catch (err) {
    const what = err instanceof Error && err.message !== '' ? err.message : 'unknown reasons';
    return errorResponse(`invalid '${request.name}' request: ${what}`, request.hops + 1);
  }
}

/**
 * Serves the EdgeServer service (RunLambda) over a processor on `endpoint`, on the lean gRPC transport
 * (bytes that are not a LambdaRequest get status INTERNAL). Port 0 picks a free port.
 */
export function startLambdaServer(endpoint: string, processor: LambdaProcessor): Promise<GrpcUnaryServer> {
  const { request, response } = lambdaCodecs;
  return GrpcUnaryServer.start(endpoint, {
    [RUN_LAMBDA]: async (bytes) => response.encode(await serve(processor, request.decode(bytes))),
  });
}

/** A running lambda server. */
export type LambdaServer = GrpcUnaryServer;
