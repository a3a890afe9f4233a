import type { LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { logger } from '../../support/logger.js';
import { Semaphore } from '../../support/semaphore.js';
import { requestRejection } from '../request-rejection.js';
import { GenericApi, readFunctionsFile } from './generic-api.js';
import { OPENFAAS_TYPE, type HttpComputerConf } from './http-conf.js';
import type { FunctionResult, HttpFunctionApi } from './http-function-api.js';
import { HttpPoster } from './http-post.js';
import { OpenFaasApi } from './openfaas-api.js';

const log = logger('computer');

/** The function API a conf names (reading the generic type's functions file, if any). */
function functionApi(conf: HttpComputerConf): HttpFunctionApi {
  if (conf.type === OPENFAAS_TYPE) return new OpenFaasApi(conf.gatewayUrl);
  const functions =
    conf.functionsFile === '' ? new Map<string, URL>() : readFunctionsFile(conf.functionsFile);
  return new GenericApi(conf.urlTemplate, functions);
}

/**
 * An edge computer whose lambdas are functions of a FaaS platform called over HTTP (spec §5.8,
 * `--computer-type http`): OpenFaaS 0.8 as the original, or any endpoint per function (generic). At most
 * `numClients` calls are in flight; up to `maxQueued` more wait in arrival order, others are answered
 * `Too many requests waiting for an HTTP client (…)` at once. A transport failure is the retcode
 * `exception caught: <what>` (the original's prefix). Responses carry the wall time from arrival to the
 * end of the answer as `ptime` (ms) and loads 0; dry requests get `OK` and `ptime` 0, as the original.
 */
export class HttpComputer {
  readonly api: HttpFunctionApi;
  private readonly poster: HttpPoster;
  private readonly clients: Semaphore;

  constructor(readonly conf: HttpComputerConf) {
    this.api = functionApi(conf);
    this.poster = new HttpPoster(conf.numClients, conf);
    this.clients = new Semaphore(conf.numClients);
  }

  /** The function names this computer knows in advance (a generic functions file's), else none. */
  functionNames(): string[] {
    return this.api instanceof GenericApi ? this.api.names() : [];
  }

  /** Serves one request; `signal` aborts it when its client is gone. Never throws. */
  async process(req: LambdaRequest, signal?: AbortSignal): Promise<LambdaResponse> {
    const start = performance.now();
    const hops = req.hops + 1;
    const why = requestRejection(req);
    if (why !== undefined) return errorResponse(why, hops);
    if (req.dry) return errorResponse('OK', hops);
    const call = this.api.call(req.name, req.input);
    if (typeof call === 'string') return errorResponse(call, hops);
    const result = await this.invoke(
      () => this.poster.post(call.url, call.body, call.contentType, signal),
      signal,
    );
    const res = errorResponse(result.retcode, hops);
    res.output = result.output;
    res.ptime = Math.round(performance.now() - start);
    log.debug(2, () => `${req.name} (${req.input.length} B) -> ${res.retcode}, ptime ${res.ptime} ms`);
    return res;
  }

  /** Stops: closes the HTTP connections (calls in flight fail). */
  close(): void {
    this.poster.close();
  }

  private async invoke(
    post: () => Promise<{ status: number; body: string }>,
    signal: AbortSignal | undefined,
  ): Promise<FunctionResult> {
    if (this.clients.full && this.clients.waiting >= this.conf.maxQueued) {
      return {
        retcode: `Too many requests waiting for an HTTP client (${this.clients.waiting}, at most ${this.conf.maxQueued})`,
        output: '',
      };
    }
    try {
      const answer = await this.clients.with(post, signal && Semaphore.cancelledBy(signal));
      return this.api.result(answer.status, answer.body);
    } catch (err) {
      return { retcode: `exception caught: ${(err as Error).message}`, output: '' };
    }
  }
}
