import type { LambdaRequest } from '../protocol/messages.js';

/** A lambda request as a client sends it: `lambda` with an input of `size` bytes, other fields at their defaults. */
export function labRequest(lambda: string, size: number): LambdaRequest {
  return {
    name: lambda,
    input: 'x'.repeat(size),
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
  };
}
