import type { LambdaRequest } from '../protocol/messages.js';

/**
 * Why a request cannot be served by a synchronous computer (simulated or not), or undefined if it can
 * (spec §5.3's validation, plus what this release does not support: async invocations, remote states).
 */
export function requestRejection(req: LambdaRequest): string | undefined {
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
  if (!req.dry && req.callback !== '') return 'Cannot handle an asynchronous function invocation';
  if (Object.values(req.states).some((s) => s.location !== '')) {
    return 'cannot handle remote states without a state server';
  }
  return undefined;
}
