import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { errorResponse } from '../protocol/responses.js';
import { logger } from '../support/logger.js';
import type { Computer } from './computer.js';

const log = logger('computer');

/** Why a request cannot be served by a synchronous simulated computer, or undefined if it can. */
function rejection(req: LambdaRequest): string | undefined {
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

/**
 * The request logic of a simulated edge computer (spec §5.3): validates a LambdaRequest, answers
 * dry requests with the simulated estimate, runs the others on the {@link Computer} and waits for
 * completion. Every failure becomes a response whose `retcode` says why; this never throws.
 */
export class EdgeComputer {
  constructor(readonly computer: Computer) {}

  /** Serves one request. */
  async process(req: LambdaRequest): Promise<LambdaResponse> {
    const res = await this.serve(req);
    log.debug(
      2,
      () =>
        `${req.dry ? 'dry ' : ''}${req.name} (${req.input.length} B) -> ${res.retcode}, ptime ${res.ptime} ms`,
    );
    return res;
  }

  private async serve(req: LambdaRequest): Promise<LambdaResponse> {
    const hops = req.hops + 1;
    try {
      const why = rejection(req);
      if (why !== undefined) return errorResponse(why, hops);
      if (req.dry) {
        const { seconds, loads } = this.computer.simulate(req);
        const res = errorResponse('OK', hops);
        res.ptime = Math.trunc(seconds * 1000);
        res.load1 = Math.round(loads.load1 * 100);
        res.load10 = Math.round(loads.load10 * 100);
        res.load30 = Math.round(loads.load30 * 100);
        return res;
      }
      const { response } = await this.computer.submit(req).done;
      response.hops = hops;
      return response;
    } catch (err) {
      return errorResponse(err instanceof Error ? err.message : String(err), hops);
    }
  }
}
