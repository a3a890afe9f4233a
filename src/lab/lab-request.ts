import type { LambdaRequest } from '../protocol/messages.js';
import { lambdaRequest } from '../protocol/requests.js';

/** A lambda request as a client sends it: `lambda` with an input of `size` bytes, other fields at their defaults. */
export function labRequest(lambda: string, size: number): LambdaRequest {
  return lambdaRequest({ name: lambda, input: 'x'.repeat(size) });
}

/** A request to a lab lambda run as a real function (`lambda.js`): its parameters `{size}`. */
export function jsRequest(lambda: string, size: number): LambdaRequest {
  return lambdaRequest({ name: lambda, input: JSON.stringify({ size }) });
}
