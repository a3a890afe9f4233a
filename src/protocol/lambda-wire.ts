import { codec } from './codec.js';

/** Method path of EdgeServer.RunLambda, the one call of the lambda data path. */
export const RUN_LAMBDA = '/uiiit.rpc.EdgeServer/RunLambda';

/** Wire codecs of RunLambda's request and response. */
export const lambdaCodecs = {
  request: codec('uiiit.rpc.LambdaRequest'),
  response: codec('uiiit.rpc.LambdaResponse'),
};
