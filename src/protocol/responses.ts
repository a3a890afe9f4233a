import type { LambdaResponse } from './messages.js';

/** A response carrying only an error text (how every component reports a failure). */
export function errorResponse(retcode: string, hops: number): LambdaResponse {
  return {
    retcode,
    output: '',
    responder: '',
    ptime: 0,
    dataout: Buffer.alloc(0),
    load1: 0,
    load10: 0,
    load30: 0,
    hops,
    states: {},
    asynchronous: false,
  };
}
