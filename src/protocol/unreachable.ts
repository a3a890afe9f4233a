/**
 * A gRPC call that never reached its server, said plainly. grpc-js reports it as UNAVAILABLE with details
 * such as `No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:6474. Resolution
 * note: ` (an empty note included); a client's user wants `cannot connect to 127.0.0.1:6474: connection
 * refused`.
 */
import { status } from '@grpc/grpc-js';
import { socketErrorReason } from '../support/socket-errors.js';
import { RpcError } from './rpc-error.js';

/**
 * Why a call could not reach its server (`connection refused`, `host not found`, …): only for an
 * UNAVAILABLE {@link RpcError} that names a socket failure; undefined for any other error, an answer of
 * the server included.
 */
export function unreachableReason(err: unknown): string | undefined {
  if (!(err instanceof RpcError) || err.code !== status.UNAVAILABLE) return undefined;
  return socketErrorReason(err);
}

/**
 * `err` told for a client of `endpoint`: `cannot connect to <endpoint>: <reason>` when the call could not
 * reach the server ({@link unreachableReason}); any other error unchanged.
 */
export function unreachableError(endpoint: string, err: unknown): unknown {
  const reason = unreachableReason(err);
  return reason === undefined ? err : new Error(`cannot connect to ${endpoint}: ${reason}`, { cause: err });
}
