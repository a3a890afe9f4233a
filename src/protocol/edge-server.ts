import type { LambdaRequest, LambdaResponse } from './messages.js';
import { errorResponse } from './responses.js';
import { service, type ServiceBinding } from './rpc-server.js';

/** The business logic behind an EdgeServer: a request in, a response out. */
export type LambdaProcessor = (request: LambdaRequest) => Promise<LambdaResponse> | LambdaResponse;

/**
 * The EdgeServer service (RunLambda) over a processor, with the original's error contract: if the
 * processor throws, the call still succeeds and the response's retcode is
 * `invalid '<name>' request: <what>` (hops = request hops + 1).
 */
export function edgeServerService(processor: LambdaProcessor): ServiceBinding {
  return service('uiiit.rpc.EdgeServer', {
    RunLambda: async (request) => {
      try {
        return await processor(request);
      } catch (err) {
        const what = err instanceof Error && err.message !== '' ? err.message : 'unknown reasons';
        return errorResponse(`invalid '${request.name}' request: ${what}`, request.hops + 1);
      }
    },
  });
}
