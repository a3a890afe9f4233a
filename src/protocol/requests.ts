import type { LambdaRequest } from './messages.js';

/** A complete LambdaRequest: the given fields, every other one at its protobuf default (as a client sends it). */
export function lambdaRequest(fields: Partial<LambdaRequest>): LambdaRequest {
  return {
    name: '',
    input: '',
    datain: Buffer.alloc(0),
    dry: false,
    forward: false,
    hops: 0,
    states: {},
    callback: '',
    chain: [],
    dag: null,
    dependencies: {},
    nextFunctionIndex: 0,
    uuid: '',
    ...fields,
  };
}
