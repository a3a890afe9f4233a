import type { ServerUnaryCall } from '@grpc/grpc-js';
import { lambdaTransports, type LambdaCall, type LambdaTransport } from './lambda-transport.js';
import { RpcClient } from './rpc-client.js';
import { RpcServer, service } from './rpc-server.js';

/**
 * A grpc-js call as a {@link LambdaCall}: its deadline on the monotonic clock, aborted when grpc-js
 * cancels it (the client went away, or the deadline passed); the signal is made on first use.
 */
class GrpcJsLambdaCall implements LambdaCall {
  readonly deadline: number | undefined;
  private controller: AbortController | undefined;

  constructor(private readonly call: ServerUnaryCall<unknown, unknown>) {
    const at = call.getDeadline();
    const ms = at instanceof Date ? at.getTime() : at;
    this.deadline = Number.isFinite(ms) ? performance.now() + (ms - Date.now()) : undefined;
  }

  get signal(): AbortSignal {
    if (this.controller === undefined) {
      const controller = new AbortController();
      this.controller = controller;
      if (this.call.cancelled) controller.abort(new Error('Call cancelled'));
      else this.onAbort((reason) => controller.abort(reason));
    }
    return this.controller.signal;
  }

  onAbort(listener: (reason: Error) => void): () => void {
    if (this.call.cancelled) {
      listener(new Error('Call cancelled'));
      return () => undefined;
    }
    const onCancelled = (): void => listener(new Error('Call cancelled'));
    this.call.once('cancelled', onCancelled);
    return () => this.call.off('cancelled', onCancelled);
  }
}

/** RunLambda on grpc-js, as the control plane: the fallback, and the baseline of `npm run bench:router`. */
export const grpcJsTransport: LambdaTransport = {
  serve: (endpoint, handler, tls) =>
    RpcServer.start(
      endpoint,
      [
        service('uiiit.rpc.EdgeServer', {
          RunLambda: (request, call) => handler(request, new GrpcJsLambdaCall(call)),
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
