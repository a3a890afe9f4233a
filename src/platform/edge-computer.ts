import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { errorResponse } from '../protocol/responses.js';
import { logger } from '../support/logger.js';
import type { Computer } from './computer.js';
import { requestRejection } from './request-rejection.js';

const log = logger('computer');

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
      const why = requestRejection(req);
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
