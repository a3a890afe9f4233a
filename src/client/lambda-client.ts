import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';

/** Sends lambda requests to one or more edge servers (computers, routers, dispatchers). */
export interface LambdaClient {
  /**
   * Runs a lambda (`dry`: ask for an estimate instead). Resolves with the response whatever its retcode;
   * a single-destination client rejects on a transport failure.
   */
  runLambda(request: Partial<LambdaRequest>, dry?: boolean): Promise<LambdaResponse>;
  /** Releases connections. */
  close(): void;
}
