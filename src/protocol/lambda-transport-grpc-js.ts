import { lambdaTransports, type LambdaTransport } from './lambda-transport.js';
import { RpcClient } from './rpc-client.js';
import { RpcServer, service } from './rpc-server.js';

/** RunLambda on grpc-js, as the control plane: the fallback, and the baseline of `npm run bench:router`. */
export const grpcJsTransport: LambdaTransport = {
  serve: (endpoint, handler) =>
    RpcServer.start(endpoint, [
      service('uiiit.rpc.EdgeServer', { RunLambda: (request) => handler(request) }),
    ]),
  connect: (endpoint) => {
    const rpc = new RpcClient('uiiit.rpc.EdgeServer', endpoint);
    return {
      runLambda: (request) => rpc.call('RunLambda', request),
      ready: (timeoutMs) => rpc.waitForReady(timeoutMs),
      close: () => rpc.close(),
    };
  },
};

/** Registers this transport as `grpc-js`. */
export function setup(): void {
  lambdaTransports.register('grpc-js', grpcJsTransport);
}
