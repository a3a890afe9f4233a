import type { ServerUnaryCall } from '@grpc/grpc-js';
import { lambdaTransports, type LambdaCall, type LambdaTransport } from './lambda-transport.js';
import { RpcClient } from './rpc-client.js';
import { RpcServer, service } from './rpc-server.js';

/** A grpc-js call as a {@link LambdaCall}: its deadline on the monotonic clock, a signal aborted when it is cancelled. */
function lambdaCallOf(call: ServerUnaryCall<unknown, unknown>): LambdaCall {
  const controller = new AbortController();
  call.once('cancelled', (reason: string) => controller.abort(new Error(`Call cancelled: ${reason}`)));
  const at = call.getDeadline();
  const ms = at instanceof Date ? at.getTime() : at;
  return {
    signal: controller.signal,
    deadline: Number.isFinite(ms) ? performance.now() + (ms - Date.now()) : undefined,
  };
}

/** RunLambda on grpc-js, as the control plane: the fallback, and the baseline of `npm run bench:router`. */
export const grpcJsTransport: LambdaTransport = {
  serve: (endpoint, handler, tls) =>
    RpcServer.start(
      endpoint,
      [
        service('uiiit.rpc.EdgeServer', {
          RunLambda: (request, call) => handler(request, lambdaCallOf(call)),
        }),
      ],
      { tls },
    ),
  connect: (endpoint, tls) => {
    const rpc = new RpcClient('uiiit.rpc.EdgeServer', endpoint, { tls });
    return {
      runLambda: (request, options) => rpc.call('RunLambda', request, options),
      ready: (timeoutMs) => rpc.waitForReady(timeoutMs),
      close: () => rpc.close(),
    };
  },
};

/** Registers this transport as `grpc-js`. */
export function setup(): void {
  lambdaTransports.register('grpc-js', grpcJsTransport);
}
