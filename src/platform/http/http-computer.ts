import type { LambdaCall } from '../../protocol/lambda-transport.js';
import type { ContainerInfo, LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { Listeners } from '../../support/listeners.js';
import { logger } from '../../support/logger.js';
import { realScheduler, type Cancel } from '../../support/scheduler.js';
import { Semaphore } from '../../support/semaphore.js';
import type { RunningComputer, UtilizationListener } from '../computer-type.js';
import { LoadMeter } from '../load-meter.js';
import { requestRejection } from '../request-rejection.js';
import { GenericApi, readFunctionsFile } from './generic-api.js';
import { OPENFAAS_TYPE, type HttpComputerConf } from './http-conf.js';
import type { FunctionResult, HttpFunctionApi } from './http-function-api.js';
import { HttpClient, type HttpAnswer } from './http-client.js';
import { OpenFaasApi } from './openfaas-api.js';

const log = logger('computer');

/** The processor name of an http computer's containers and utilization samples. */
export const HTTP_PROCESSOR = 'http';

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
 * end of the answer as `ptime` (ms) and loads 0, as the original; dry requests get `OK` and `ptime` 0 (or
 * the retcode of an unknown function). The utilization stream carries the busy fraction of the HTTP
 * clients (processor `http`). Announced containers: the functions of a generic functions file (the
 * OpenFaaS gateway is not asked for its functions, as the original did not announce any).
 */
export class HttpComputer implements RunningComputer {
  readonly api: HttpFunctionApi;
  private readonly http: HttpClient;
  private readonly clients: Semaphore;
  private readonly meter: LoadMeter;
  private readonly listeners = new Listeners<Parameters<UtilizationListener>>();
  private readonly stopSampling: Cancel;
  private stopped = false;

  /** `samplePeriod` seconds between utilization samples (0: none). */
  constructor(
    readonly name: string,
    readonly conf: HttpComputerConf,
    samplePeriod = 1,
  ) {
    this.api = functionApi(conf);
    this.http = new HttpClient(conf.numClients, conf);
    this.clients = new Semaphore(conf.numClients);
    this.meter = new LoadMeter(conf.numClients, realScheduler.now());
    this.stopSampling =
      samplePeriod > 0
        ? realScheduler.every(samplePeriod, () => this.sample(), { keepAlive: false })
        : () => undefined;
  }

  /** Serves one request; aborts its HTTP call when the client is gone. Never throws. */
  async process(req: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse> {
    const start = performance.now();
    const hops = req.hops + 1;
    const why = requestRejection(req);
    if (why !== undefined) return errorResponse(why, hops);
    const url = this.api.target(req.name);
    if (typeof url === 'string') return errorResponse(url, hops);
    if (req.dry) return errorResponse('OK', hops);
    const body = this.api.body(req.input);
    if (typeof body === 'string') return errorResponse(body, hops);
    const signal = call?.signal;
    const result = await this.invoke(
      () =>
        this.http.request(url, {
          method: 'POST',
          headers: { 'content-type': body.contentType },
          body: body.body,
          signal,
        }),
      signal,
    );
    const res = errorResponse(result.retcode, hops);
    res.output = result.output;
    res.ptime = Math.round(performance.now() - start);
    log.debug(2, () => `${req.name} (${req.input.length} B) -> ${res.retcode}, ptime ${res.ptime} ms`);
    return res;
  }

  /** One container per function known in advance (a generic functions file), sorted by name. */
  containers(): ContainerInfo[] {
    const names = this.api instanceof GenericApi ? this.api.names() : [];
    return names.sort().map((lambda) => ({
      name: lambda,
      processor: HTTP_PROCESSOR,
      lambda,
      numWorkers: this.conf.numClients,
    }));
  }

  onUtilization(listener: UtilizationListener): () => void {
    return this.listeners.add(listener);
  }

  onContainersChanged(): () => void {
    return () => undefined;
  }

  describe(): string[] {
    const c = this.conf;
    const bounds =
      `${c.numClients} HTTP clients, up to ${c.maxQueued} requests waiting, timeout ${c.timeoutMs / 1000} s, ` +
      `responses up to ${c.maxResponseBytes} bytes`;
    if (c.type === OPENFAAS_TYPE) {
      return [`${OPENFAAS_TYPE} gateway ${c.gatewayUrl}: POST ${c.gatewayUrl}function/<name>, ${bounds}`];
    }
    const lines = [
      `generic HTTP functions` +
        (c.urlTemplate === '' ? '' : `, URL template ${c.urlTemplate}`) +
        (c.functionsFile === '' ? '' : `, functions file ${c.functionsFile}`) +
        `: ${bounds}`,
    ];
    for (const { lambda } of this.containers())
      lines.push(`function ${lambda}: ${String(this.api.target(lambda))}`);
    return lines;
  }

  /** Stops sampling and closes the HTTP connections (calls in flight fail). */
  stop(): Promise<void> {
    this.stopped = true;
    this.stopSampling();
    this.listeners.clear();
    this.http.close();
    return Promise.resolve();
  }

  private sample(): void {
    if (this.stopped) return;
    const now = realScheduler.now();
    this.meter.accumulate(now, this.clients.active);
    const values = { [HTTP_PROCESSOR]: this.meter.sample(now) };
    this.listeners.emit(values);
  }

  private async invoke(
    post: () => Promise<HttpAnswer>,
    signal: AbortSignal | undefined,
  ): Promise<FunctionResult> {
    if (this.clients.full && this.clients.waiting >= this.conf.maxQueued) {
      return {
        retcode: `Too many requests waiting for an HTTP client (${this.clients.waiting}, at most ${this.conf.maxQueued})`,
        output: '',
      };
    }
    try {
      const answer = await this.clients.with(
        async () => {
          this.meter.accumulate(realScheduler.now(), this.clients.active - 1);
          try {
            return await post();
          } finally {
            this.meter.accumulate(realScheduler.now(), this.clients.active);
          }
        },
        signal && Semaphore.cancelledBy(signal),
      );
      return this.api.result(answer.status, answer.body);
    } catch (err) {
      return { retcode: `exception caught: ${(err as Error).message}`, output: '' };
    }
  }
}
