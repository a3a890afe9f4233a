import * as grpc from '@grpc/grpc-js';

/** A failed gRPC call, with the original system's message text `RPC failed: <status details>`. */
export class RpcError extends Error {
  /** The gRPC status code of the failure. */
  readonly code: grpc.status;

  constructor(code: grpc.status, details: string) {
    super(`RPC failed: ${details}`);
    this.name = 'RpcError';
    this.code = code;
  }

  /** Wraps a grpc-js call error. */
  static from(err: grpc.ServiceError): RpcError {
    return new RpcError(err.code, err.details || err.message);
  }
}

/** An error a server handler throws to answer with a specific gRPC status instead of INTERNAL. */
export class StatusError extends Error {
  readonly code: grpc.status;

  constructor(code: grpc.status, message: string) {
    super(message);
    this.name = 'StatusError';
    this.code = code;
  }
}

/** The status a server answers for a handler's error: a {@link StatusError}'s own, any other INTERNAL. */
export function statusOf(err: unknown): { code: grpc.status; details: string } {
  if (err instanceof StatusError) return { code: err.code, details: err.message };
  return { code: grpc.status.INTERNAL, details: err instanceof Error ? err.message : String(err) };
}
