import { setup as setupGrpcJs } from './lambda-transport-grpc-js.js';
import { setup as setupLean } from './lambda-transport-lean.js';
import { setup as setupNodeHttp2 } from './lambda-transport-node-http2.js';

/** The built-in lambda transports, registered: import this module, not lambda-transport.ts, to use them. */
setupLean();
setupGrpcJs();
setupNodeHttp2();

export { lambdaTransport, lambdaTransports, TRANSPORT_VARIABLE } from './lambda-transport.js';
export type {
  LambdaCall,
  LambdaCallOptions,
  LambdaChannel,
  LambdaServer,
  LambdaTransport,
} from './lambda-transport.js';
