import type { LambdaRequest } from '../protocol/messages.js';

/**
 * Why a request is malformed as a function composition (spec §5.3's validation: chain and DAG together,
 * several functions without a callback, chain index out of range, DAG without uuid), or undefined.
 */
export function compositionRejection(req: LambdaRequest): string | undefined {
  const dagSize = req.dag?.names.length ?? 0;
  if (req.chain.length > 0 && dagSize > 0)
    return 'Cannot specify both a function chain and a DAG in the request';
  if ((req.chain.length > 1 || dagSize > 1) && req.callback === '') {
    return 'Cannot handle multiple functions without a callback in the request';
  }
  if (req.chain.length > 0 && req.nextFunctionIndex >= req.chain.length) {
    return 'Out-of-range function execution requested in a chain';
  }
  if (dagSize > 1 && req.uuid === '') return 'Cannot execute a DAG without a UUID in the request';
  return undefined;
}

/**
 * Why a request cannot be served by a computer type on its own, or undefined if it can: the
 * {@link compositionRejection}, an asynchronous invocation or a remote state (which the composition
 * front of computer-server.ts handles before the type sees the request).
 */
export function requestRejection(req: LambdaRequest): string | undefined {
  const why = compositionRejection(req);
  if (why !== undefined) return why;
  if (!req.dry && req.callback !== '') return 'Cannot handle an asynchronous function invocation';
  if (Object.values(req.states).some((s) => s.location !== '')) {
    return 'cannot handle remote states without a state server';
  }
  return undefined;
}
