import type { ContainerInfo, LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { Listeners } from '../../support/listeners.js';
import { logger } from '../../support/logger.js';
import { realScheduler, type Cancel } from '../../support/scheduler.js';
import type { RunningComputer } from '../computer-type.js';
import { requestRejection } from '../request-rejection.js';
import { wskAction } from './wsk-action-name.js';
import { HttpClient } from '../http/http-client.js';

const log = logger('computer');

/** The container name and processor of every action edgecomputerwsk announces. */
export const WSK_CONTAINER = 'wsk';

/** How an edgecomputerwsk reaches its OpenWhisk API. */
export interface WskComputerOptions {
  /** The API root, e.g. `https://127.0.0.1:80` (a trailing `/` is fine). */
  apiRoot: string;
  /** The token sent verbatim after `Authorization: Basic ` (base64 of `UUID:KEY`). */
  auth: string;
  /** List the actions every `listPeriod` seconds (only with a controller, as the original). */
  list: boolean;
  /** Seconds between two listings (default 1). */
  listPeriod?: number;
  /** HTTP calls in flight at once (default 5). */
  maxSockets?: number;
  /** Longest call, ms (default 60 000: OpenWhisk's longest blocking wait). */
  timeoutMs?: number;
  /** Largest response body, bytes (default 4 MiB, the gRPC message bound). */
  maxResponseBytes?: number;
}

function isObject(x: unknown): x is Record<string, unknown> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/**
 * The `/<namespace>/<name>` keys of an action list (spec §8.2): a JSON array of objects with string
 * `name`, string `namespace`, number `updated` and string `version`; anything else throws.
 */
export function actionKeys(body: string): string[] {
  const list: unknown = JSON.parse(body);
  if (!Array.isArray(list)) throw new Error('invalid action list: not a JSON array');
  return list
    .map((a: unknown, i) => {
      if (
        !isObject(a) ||
        typeof a.name !== 'string' ||
        typeof a.namespace !== 'string' ||
        typeof a.updated !== 'number' ||
        typeof a.version !== 'string'
      )
        throw new Error(`invalid action list: entry ${i} lacks name, namespace, updated or version`);
      return `/${a.namespace}/${a.name}`;
    })
    .sort();
}

/**
 * An edge computer whose lambdas are the actions of an OpenWhisk API (spec §8.2, `edgecomputerwsk`): a
 * lambda `action` or `namespace/action` is invoked with `POST …/actions/<action>?blocking=true&result=true`,
 * its input (JSON) as the body; the string `payload` of a 200 answer is the output, anything else a
 * retcode (`unexpected HTTP response: <code>`, `unexpected body: payload field missing`,
 * `error encountered: <what>`). `responder` is the API root; dry requests are answered OK without a
 * call; no ptime nor loads. When listing, the containers are the actions listed, one `wsk` container
 * each, `/<namespace>/<action>`, and a change in that set is signalled to the listeners.
 */
export class WskComputer implements RunningComputer {
  private readonly rest: HttpClient;
  private readonly apiRoot: string;
  private keys: string[] = [];
  private readonly changeListeners = new Listeners<[]>();
  private readonly stopListing: Cancel;
  private listing = false;

  constructor(
    readonly name: string,
    private readonly options: WskComputerOptions,
  ) {
    if (options.auth === '') throw new Error('Invalid empty OpenWhisk auth token');
    this.apiRoot = options.apiRoot.replace(/\/+$/, '');
    let root: URL;
    try {
      root = new URL(`${this.apiRoot}/api/v1`);
    } catch {
      throw new Error(`Invalid OpenWhisk API root '${options.apiRoot}': not an absolute URL`);
    }
    if (root.protocol !== 'http:' && root.protocol !== 'https:')
      throw new Error(`Invalid OpenWhisk API root '${options.apiRoot}': only http and https are supported`);
    // HTTPS certificates are not verified, as by the original's OpenWhisk client: an OpenWhisk deployment
    // usually has a self-signed one.
    this.rest = new HttpClient(
      options.maxSockets ?? 5,
      {
        timeoutMs: options.timeoutMs ?? 60_000,
        maxResponseBytes: options.maxResponseBytes ?? 4 * 1024 * 1024,
      },
      { verifyCertificates: false },
    );
    this.stopListing = options.list
      ? realScheduler.every(options.listPeriod ?? 1, () => void this.list(), { keepAlive: false })
      : () => undefined;
  }

  /** Lists the actions once (the periodic listing calls it); resolves when the set is known. */
  async list(): Promise<void> {
    if (this.listing) return;
    this.listing = true;
    try {
      const url = new URL(`${this.apiRoot}/api/v1/namespaces/_/actions/?limit=0&skip=0`);
      const answer = await this.rest.request(url, { method: 'GET', headers: this.headers() });
      if (answer.status !== 200) throw new Error(`unexpected HTTP response: ${answer.status}`);
      const keys = actionKeys(answer.body);
      if (keys.join('\n') !== this.keys.join('\n')) {
        log.info(`OpenWhisk actions: ${keys.join(' ') || '(none)'}`);
        this.keys = keys;
        this.changeListeners.emit();
      }
    } catch (err) {
      log.warn(`cannot list the OpenWhisk actions: ${(err as Error).message}`);
    } finally {
      this.listing = false;
    }
  }

  async process(req: LambdaRequest): Promise<LambdaResponse> {
    const res = await this.serve(req);
    res.hops = req.hops + 1;
    res.responder = this.options.apiRoot;
    return res;
  }

  containers(): ContainerInfo[] {
    return this.keys.map((lambda) => ({
      name: WSK_CONTAINER,
      processor: WSK_CONTAINER,
      lambda,
      numWorkers: 1,
    }));
  }

  onUtilization(): () => void {
    return () => undefined;
  }

  onContainersChanged(listener: () => void): () => void {
    return this.changeListeners.add(listener);
  }

  describe(): string[] {
    return [
      `OpenWhisk API ${this.options.apiRoot}` +
        (this.options.list ? ', actions listed every second' : ', actions not listed (no controller)'),
    ];
  }

  stop(): Promise<void> {
    this.stopListing();
    this.changeListeners.clear();
    this.rest.close();
    return Promise.resolve();
  }

  private headers(): Record<string, string> {
    return { authorization: `Basic ${this.options.auth}`, accept: 'application/json' };
  }

  private async serve(req: LambdaRequest): Promise<LambdaResponse> {
    const why = requestRejection(req);
    if (why !== undefined) return errorResponse(why, 0);
    if (req.dry) return errorResponse('OK', 0);
    const action = wskAction(req.name);
    if (typeof action === 'string') return errorResponse(action, 0);
    let body: string;
    try {
      body = JSON.stringify(JSON.parse(req.input));
    } catch (err) {
      return errorResponse(`error encountered: input is not JSON: ${(err as Error).message}`, 0);
    }
    const url = new URL(
      `${this.apiRoot}/api/v1/namespaces/${encodeURIComponent(action.namespace)}/actions/` +
        `${encodeURIComponent(action.action)}?blocking=true&result=true`,
    );
    let answer;
    try {
      answer = await this.rest.request(url, {
        method: 'POST',
        headers: { ...this.headers(), 'content-type': 'application/json' },
        body,
      });
    } catch (err) {
      return errorResponse(`error encountered: ${(err as Error).message}`, 0);
    }
    if (answer.status !== 200) return errorResponse(`unexpected HTTP response: ${answer.status}`, 0);
    let result: unknown;
    try {
      result = JSON.parse(answer.body);
    } catch {
      result = undefined;
    }
    if (!isObject(result) || typeof result.payload !== 'string')
      return errorResponse('unexpected body: payload field missing', 0);
    const res = errorResponse('OK', 0);
    res.output = result.payload;
    return res;
  }
}
