import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { ClientPool } from '../client/client-pool.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { BodyBudget } from '../support/body-budget.js';
import { logger } from '../support/logger.js';
import {
  activationResponse,
  ActivationStore,
  type ActivationRecord,
  type ActivationStatus,
} from './activation-record.js';
import type { ApiKeys } from './api-keys.js';
import { DEFAULT_NAMESPACE } from './api-keys.js';
import { ControllerJsComputers, FixedJsComputers, type JsComputerSource } from './js-computer-source.js';
import { JsDeployer } from './js-deployer.js';
import {
  actionFromPut,
  checkEntityName,
  componentPath,
  fullName,
  showAction,
  type ActionPath,
  type WskActionEntity,
} from './wsk-action.js';
import {
  checkSequenceLength,
  DEFAULT_MAX_SEQUENCE_LENGTH,
  MAX_SEQUENCE_DEPTH,
  SEQUENCE_TEXTS,
  SequenceBudget,
} from './sequence-limit.js';
import { nestsDeeperThan } from '../support/json-depth.js';
import { JsonText, jsonOf } from './json-text.js';
import { tooLargeText, WSK_TEXTS, WskHttpError, wskId } from './wsk-errors.js';

const log = logger('wskproxy');

/** The bounds of a wskproxy, all with safe defaults ({@link DEFAULT_WSK_PROXY_LIMITS}). */
export interface WskProxyLimits {
  /** Largest invocation body (the parameters), bytes: OpenWhisk's 1 MiB. */
  maxParamsBytes: number;
  /** Largest action body (its code), bytes. */
  maxActionBytes: number;
  /** Longest wait of a blocking invocation before it is answered 202, ms: OpenWhisk's 60 s. */
  blockingTimeoutMs: number;
  /** Activations kept. */
  maxActivations: number;
  /** How long an activation is kept, ms. */
  activationTtlMs: number;
  /** Bytes of results and logs the activations kept hold at most (the oldest dropped first). */
  activationBytes: number;
  /** Bytes of log lines kept of one activation (more are cut, a last line saying so). */
  maxLogBytes: number;
  /** Actions kept, over all namespaces. */
  maxActions: number;
  /** Invocations that may wait for a client towards the broker; more are refused. */
  maxWaiting: number;
  /**
   * Bytes of parameters (as JSON) of the invocations in flight, blocking or not, from their arrival to the
   * broker's answer; an invocation past it is refused with 429.
   */
  maxInFlightBytes: number;
  /** Bytes of request bodies read at once, over all connections (declared lengths); beyond, 429. */
  maxBodiesBytes: number;
  /** Actions one sequence runs, nested sequences included (OpenWhisk's `limits.actions.sequence.maxLength`). */
  maxSequenceLength: number;
  /** Bytes of code, parameters and annotations the actions kept hold at most, over all namespaces. */
  maxActionsBytes: number;
  /** With a controller: how often its js computers are listed to deploy actions to new ones, ms. */
  jsComputersPeriodMs: number;
  /**
   * Longest a stop waits for the invocations in flight, ms; then the calls towards the broker are
   * closed (they fail) and the stop completes.
   */
  stopGraceMs: number;
}

/** The defaults of {@link WskProxyLimits}. */
export const DEFAULT_WSK_PROXY_LIMITS: WskProxyLimits = {
  maxParamsBytes: 1024 * 1024,
  maxActionBytes: 48 * 1024 * 1024,
  blockingTimeoutMs: 60_000,
  maxActivations: 10_000,
  activationTtlMs: 3_600_000,
  activationBytes: 64 * 1024 * 1024,
  maxLogBytes: 64 * 1024,
  maxActions: 10_000,
  maxWaiting: 1000,
  maxInFlightBytes: 64 * 1024 * 1024,
  maxBodiesBytes: 128 * 1024 * 1024,
  maxSequenceLength: DEFAULT_MAX_SEQUENCE_LENGTH,
  maxActionsBytes: 256 * 1024 * 1024,
  jsComputersPeriodMs: 1000,
  stopGraceMs: 5000,
};

/** How a wskproxy forwards and whom it lets in. */
export interface WskProxyOptions {
  /** The broker (e-router, e-dispatcher) or computer invocations go to. */
  serverEndpoint: string;
  /** Calls in flight towards it at once (`--num-threads`). */
  numThreads: number;
  /** The API keys (`--auth-file`); undefined: no authentication (`--no-auth`). */
  keys: ApiKeys | undefined;
  /** Management end-points of the js computers Node.js actions are deployed to (`--management-endpoints`). */
  managementEndpoints?: readonly string[];
  /**
   * The e-controller whose js computers Node.js actions are deployed to (`--controller-endpoint`), instead
   * of {@link managementEndpoints}; a js computer appearing later gets the actions not pinned by annotation.
   */
  controllerEndpoint?: string;
  tls?: TlsCredentials | undefined;
  limits?: Partial<WskProxyLimits>;
}

/** An action this proxy created: its entity, its lambda, the js computers it is deployed to. */
interface KnownAction {
  entity: WskActionEntity;
  fn: string;
  targets: string[];
  /** Its targets come from its annotation (not extended to new js computers). */
  pinned: boolean;
  /** What it holds: the bytes of its code, parameters and annotations as JSON. */
  bytes: number;
}

/** What an invocation came to. */
interface Outcome {
  status: ActivationStatus;
  result: unknown;
  /** The action is unknown to this proxy and to the brokers. */
  notFound?: boolean;
  /** The broker's retcode or output, for the original's `{"payload"}`/`{"error"}` answers. */
  retcode?: string;
  output?: string;
  /** What the action printed (a js computer's answer carries it in dataout). */
  logs?: string[];
}

/** Retcodes of brokers and computers that mean "no such lambda". */
const NO_LAMBDA = ['No destinations found for the entry', 'No container for lambda '];

/**
 * Answers `body` as JSON with its Content-Length, so the answer leaves in one write and the client reads
 * no chunked framing.
 */
function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const bytes = Buffer.from(JSON.stringify(body));
  res
    .writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(bytes.length),
      ...headers,
    })
    .end(bytes);
}

/** The path segments of a request target (before any `?`), percent-decoded, and its query. */
function splitTarget(target: string): { parts: string[]; query: URLSearchParams } {
  const mark = target.indexOf('?');
  const path = mark < 0 ? target : target.slice(0, mark);
  const segments = path.split('/').slice(1);
  if (segments.at(-1) === '') segments.pop();
  let parts: string[];
  try {
    parts = path.includes('%') ? segments.map((s) => decodeURIComponent(s)) : segments;
  } catch {
    throw new WskHttpError(404, WSK_TEXTS.notFound);
  }
  return { parts, query: new URLSearchParams(mark < 0 ? '' : target.slice(mark + 1)) };
}

function intParam(q: URLSearchParams, name: string, fallback: number, max: number): number {
  const v = q.get(name);
  if (v === null || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0)
    throw new WskHttpError(400, `The parameter '${name}' must be a non-negative integer.`);
  return Math.min(n, max);
}

/**
 * OpenWhisk's REST API for actions and activations in front of the brokers (spec §8.1, issue 15): invoke
 * (blocking, `result=true`, non-blocking), activations, actions (PUT/GET/DELETE/list; Node.js actions are
 * deployed to js computers, sequences run their components through the broker), API keys.
 */
export class WskProxy {
  readonly limits: WskProxyLimits;
  private readonly pool: ClientPool;
  private readonly activations: ActivationStore;
  private readonly actions = new Map<string, KnownAction>();
  /** The bytes of the request bodies being read, bounded by `maxBodiesBytes`. */
  private readonly bodies: BodyBudget;
  /** The bytes of parameters of the invocations in flight, bounded by `maxInFlightBytes`. */
  private inFlightBytes = 0;
  /** The bytes the {@link actions} hold, bounded by `maxActionsBytes`. */
  private actionsBytes = 0;
  private readonly deployer: JsDeployer;
  private readonly pending = new Set<Promise<unknown>>();
  private watchTimer: ReturnType<typeof setTimeout> | undefined;
  /** The tail of the changes of {@link actions} and deployments, which run one at a time. */
  private changes: Promise<unknown> = Promise.resolve();
  private closed = false;
  private watchFailing = false;

  constructor(readonly options: WskProxyOptions) {
    this.limits = { ...DEFAULT_WSK_PROXY_LIMITS, ...options.limits };
    this.bodies = new BodyBudget(this.limits.maxBodiesBytes);
    this.pool = new ClientPool(options.numThreads, options.tls);
    this.activations = new ActivationStore({
      maxRecords: this.limits.maxActivations,
      maxAgeMs: this.limits.activationTtlMs,
      maxBytes: this.limits.activationBytes,
    });
    const source: JsComputerSource =
      options.controllerEndpoint === undefined || options.controllerEndpoint === ''
        ? new FixedJsComputers(options.managementEndpoints ?? [])
        : new ControllerJsComputers(options.controllerEndpoint, options.tls);
    this.deployer = new JsDeployer(source);
    if (source.changes) this.scheduleWatch();
  }

  private scheduleWatch(): void {
    if (this.closed) return;
    this.watchTimer = setTimeout(() => {
      const round = this.exclusive(() => this.deployToNewComputers()).then(
        () => (this.watchFailing = false),
        (err: Error) => {
          if (!this.watchFailing) log.warn(`js computers not updated (retrying): ${err.message}`);
          this.watchFailing = true;
        },
      );
      this.track(round);
      void round.then(() => this.scheduleWatch());
    }, this.limits.jsComputersPeriodMs);
  }

  /**
   * Deploys the Node.js actions not pinned by annotation to the js computers that appeared since they
   * were deployed; computers gone are forgotten. One round; a failed deployment is retried next round.
   */
  async deployToNewComputers(): Promise<void> {
    const known = await this.deployer.source.endpoints();
    for (const [key, a] of [...this.actions]) {
      if (a.pinned || 'components' in a.entity.exec) continue;
      const fresh = known.filter((e) => !a.targets.includes(e));
      const kept = a.targets.filter((e) => known.includes(e));
      if (fresh.length === 0 && kept.length === a.targets.length) continue;
      const deployed: string[] = [];
      for (const ep of fresh) {
        try {
          await this.deployer.deploy(a.fn, a.entity, [ep]);
          deployed.push(ep);
          log.info(`action ${key} deployed to the new js computer ${ep}`);
        } catch (err) {
          log.warn(`action ${key} not deployed to ${ep}: ${(err as Error).message}`);
        }
      }
      a.targets = [...kept, ...deployed];
    }
  }

  /** Runs `change` once the changes before it are done. */
  private exclusive<T>(change: () => Promise<T>): Promise<T> {
    const run = this.changes.then(change);
    this.changes = run.catch(() => undefined);
    return run;
  }

  /** Serves one HTTP request; never rejects. */
  async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      await this.route(req, res);
    } catch (err) {
      if (res.headersSent) return void res.destroy();
      if (err instanceof WskHttpError) return send(res, err.status, err.body());
      log.warn(`${req.method} ${req.url}: ${(err as Error).message}`);
      send(res, 500, new WskHttpError(500, (err as Error).message).body());
    }
  }

  /**
   * Waits for the invocations in flight (at most `stopGraceMs`: a broker that does not answer cannot hold
   * a stop for the calls' own 5-minute timeout), then closes the connections.
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.watchTimer);
    let grace: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([
      Promise.allSettled([...this.pending]),
      new Promise((resolve) => (grace = setTimeout(resolve, this.limits.stopGraceMs))),
    ]);
    clearTimeout(grace);
    this.pool.close();
    this.deployer.close();
  }

  private async route(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { parts, query: q } = splitTarget(req.url ?? '/');
    if (parts[0] !== 'api' || parts[1] !== 'v1' || parts[2] !== 'namespaces')
      throw new WskHttpError(404, WSK_TEXTS.notFound);
    const method = req.method ?? 'GET';
    if (parts.length === 3) {
      if (method !== 'GET') throw new WskHttpError(405, WSK_TEXTS.methodNotAllowed);
      return send(res, 200, [this.namespaceOf(req, '_')]);
    }
    const namespace = this.namespaceOf(req, parts[3]!);
    const [collection, ...rest] = parts.slice(4);
    if (collection === 'actions') {
      if (rest.length === 0) {
        if (method !== 'GET') throw new WskHttpError(405, WSK_TEXTS.methodNotAllowed);
        return send(res, 200, this.listActions(namespace, q));
      }
      if (rest.length > 2) throw new WskHttpError(404, WSK_TEXTS.notFound);
      const path: ActionPath =
        rest.length === 1
          ? { namespace, pkg: undefined, name: rest[0]! }
          : { namespace, pkg: rest[0], name: rest[1]! };
      const explicit = parts[3] !== '_';
      if (method === 'POST') return this.invoke(req, res, path, explicit, q);
      if (method === 'GET')
        return send(res, 200, showAction(this.action(path).entity, q.get('code') !== 'false'));
      if (method === 'PUT') return this.putAction(req, res, path, q.get('overwrite') === 'true');
      if (method === 'DELETE') return this.deleteAction(res, path);
      throw new WskHttpError(405, WSK_TEXTS.methodNotAllowed);
    }
    if (collection === 'activations') {
      if (method !== 'GET') throw new WskHttpError(405, WSK_TEXTS.methodNotAllowed);
      if (rest.length === 0) {
        const name = q.get('name') ?? undefined;
        return send(
          res,
          200,
          this.activations.list(
            namespace,
            intParam(q, 'skip', 0, 1e9),
            intParam(q, 'limit', 30, 200) || 200,
            name,
          ),
        );
      }
      const record = this.activations.get(namespace, rest[0]!);
      if (record === undefined || rest.length > 2) throw new WskHttpError(404, WSK_TEXTS.notFound);
      if (rest.length === 1) return send(res, 200, record);
      if (rest[1] === 'result') return send(res, 200, record.response);
      if (rest[1] === 'logs') return send(res, 200, { logs: record.logs });
    }
    throw new WskHttpError(404, WSK_TEXTS.notFound);
  }

  /** The caller's namespace: the key's (a path naming another is a 403), or with no auth the path's. */
  private namespaceOf(req: IncomingMessage, pathNamespace: string): string {
    if (this.options.keys === undefined) return pathNamespace === '_' ? DEFAULT_NAMESPACE : pathNamespace;
    const own = this.options.keys.namespaceOf(req.headers.authorization);
    if (pathNamespace !== '_' && pathNamespace !== own) throw new WskHttpError(403, WSK_TEXTS.forbidden);
    return own;
  }

  private action(path: ActionPath) {
    const a = this.actions.get(fullName(path));
    if (a === undefined) throw new WskHttpError(404, WSK_TEXTS.notFound);
    return a;
  }

  private listActions(namespace: string, q: URLSearchParams): unknown {
    const all = [...this.actions.values()]
      .map((a) => a.entity)
      .filter((e) => e.namespace.split('/')[0] === namespace)
      .sort((a, b) => b.updated - a.updated);
    if (q.get('count') === 'true') return { actions: all.length };
    const skip = intParam(q, 'skip', 0, 1e9);
    const limit = intParam(q, 'limit', 30, 200) || 200;
    return all.slice(skip, skip + limit).map((e) => showAction(e, false));
  }

  private async putAction(
    req: IncomingMessage,
    res: ServerResponse,
    path: ActionPath,
    overwrite: boolean,
  ): Promise<void> {
    checkEntityName(path.name, 'action');
    if (path.pkg !== undefined) checkEntityName(path.pkg, 'package');
    const body = await readJson(req, this.limits.maxActionBytes, this.bodies);
    const entity = await this.exclusive(() => this.createAction(path, body, overwrite));
    send(res, 200, showAction(entity));
  }

  /** Creates or replaces an action and deploys it; the action. */
  private async createAction(path: ActionPath, body: unknown, overwrite: boolean): Promise<WskActionEntity> {
    const key = fullName(path);
    const old = this.actions.get(key);
    if (old !== undefined && !overwrite) throw new WskHttpError(409, WSK_TEXTS.exists);
    if (old === undefined && this.actions.size >= this.limits.maxActions)
      throw new WskHttpError(403, `Too many actions (at most ${this.limits.maxActions}).`);
    const entity = actionFromPut(body, path, old?.entity);
    const bytes = this.checkActionBytes(entity, old);
    if ('components' in entity.exec) {
      const execOf = (name: string) => this.actions.get(name)?.entity.exec;
      checkSequenceLength(path, entity.exec.components, execOf, this.limits.maxSequenceLength);
    }
    const fn = key.replaceAll('/', '.');
    const { targets, pinned } =
      'components' in entity.exec ? { targets: [], pinned: true } : await this.deployer.targets(entity);
    await this.deployer.deploy(fn, entity, targets);
    const dropped = (old?.targets ?? []).filter((t) => !targets.includes(t));
    if (dropped.length > 0) await this.deployer.remove(fn, dropped);
    this.actions.set(key, { entity, fn, targets, pinned, bytes });
    this.actionsBytes += bytes - (old?.bytes ?? 0);
    log.info(`action ${key} ${old === undefined ? 'created' : 'updated'} (${entity.exec.kind})`);
    return entity;
  }

  /**
   * The bytes `entity` holds (replacing `old`); a 413 when its parameters and annotations take more than
   * `maxParamsBytes`, a 403 when the actions kept would hold more than `maxActionsBytes`.
   */
  private checkActionBytes(entity: WskActionEntity, old: KnownAction | undefined): number {
    const extra = Buffer.byteLength(JSON.stringify([entity.parameters, entity.annotations]));
    if (extra > this.limits.maxParamsBytes)
      throw new WskHttpError(413, tooLargeText(extra, this.limits.maxParamsBytes));
    const code = 'code' in entity.exec ? Buffer.byteLength(entity.exec.code) : 0;
    const bytes = code + extra;
    if (this.actionsBytes - (old?.bytes ?? 0) + bytes > this.limits.maxActionsBytes)
      throw new WskHttpError(
        403,
        `Too much action code (the actions kept may hold at most ${this.limits.maxActionsBytes} bytes).`,
      );
    return bytes;
  }

  private async deleteAction(res: ServerResponse, path: ActionPath): Promise<void> {
    const entity = await this.exclusive(async () => {
      const a = this.action(path);
      await this.deployer.remove(a.fn, a.targets);
      this.actions.delete(fullName(path));
      this.actionsBytes -= a.bytes;
      log.info(`action ${fullName(path)} deleted`);
      return a.entity;
    });
    send(res, 200, showAction(entity));
  }

  private async invoke(
    req: IncomingMessage,
    res: ServerResponse,
    path: ActionPath,
    explicitNamespace: boolean,
    q: URLSearchParams,
  ): Promise<void> {
    const blocking = q.get('blocking') === 'true';
    const resultOnly = q.get('result') === 'true';
    const input = await readParams(req, this.limits.maxParamsBytes, this.bodies);
    const inFlight = this.inFlightBytes + input.length;
    if (inFlight > this.limits.maxInFlightBytes)
      throw new WskHttpError(429, tooManyInFlightText(inFlight, this.limits.maxInFlightBytes));
    this.inFlightBytes = inFlight;
    const known = this.actions.get(fullName(path));
    const activationId = wskId();
    const start = Date.now();
    const budget = new SequenceBudget(this.limits.maxSequenceLength);
    const ran = this.run(path, explicitNamespace, input, 0, budget).finally(() => {
      this.inFlightBytes -= input.length;
    });
    const run = ran.then((outcome) => {
      if (outcome.notFound) return { outcome, record: undefined };
      const end = Date.now();
      const entity = known?.entity;
      const record: ActivationRecord = {
        namespace: path.pkg === undefined ? path.namespace : `${path.namespace}/${path.pkg}`,
        name: path.name,
        version: entity?.version ?? '0.0.1',
        subject: path.namespace,
        activationId,
        publish: false,
        start,
        end,
        duration: end - start,
        logs: outcome.logs ?? [],
        annotations: [
          { key: 'path', value: fullName(path) },
          { key: 'kind', value: entity?.exec.kind ?? 'edge' },
          ...(entity === undefined ? [] : [{ key: 'limits', value: entity.limits }]),
        ],
        response: activationResponse(outcome.status, outcome.result),
      };
      const logBytes = record.logs.reduce((a, l) => a + l.length, 0);
      // The name counts too: an action this proxy does not know may be named by up to 16 KiB of path.
      const nameBytes = record.namespace.length + record.name.length;
      this.activations.add(record, (outcome.output?.length ?? 0) + logBytes + nameBytes);
      return { outcome, record };
    });
    this.track(run);
    const idHeader = { 'x-openwhisk-activation-id': activationId };
    if (!blocking) return send(res, 202, { activationId }, idHeader);
    const timeoutMs = Math.min(
      intParam(q, 'timeout', this.limits.blockingTimeoutMs, this.limits.blockingTimeoutMs),
      this.limits.blockingTimeoutMs,
    );
    const late: { timer?: ReturnType<typeof setTimeout> } = {};
    const waited = new Promise<undefined>((resolve) => {
      late.timer = setTimeout(() => resolve(undefined), timeoutMs);
    });
    const done = await Promise.race([run, waited]);
    clearTimeout(late.timer);
    if (done === undefined) return send(res, 202, { activationId }, idHeader);
    const { outcome, record } = done;
    if (resultOnly && known === undefined) {
      // The original's one call (spec §8.1), its answers JSON-escaped (quirk Q13 fixed).
      return outcome.retcode === 'OK'
        ? send(res, 200, { payload: outcome.output }, idHeader)
        : send(res, 404, { error: outcome.retcode ?? String(outcome.result) });
    }
    if (record === undefined) throw new WskHttpError(404, WSK_TEXTS.notFound);
    const unreachable = NO_LAMBDA.some((p) => outcome.retcode?.startsWith(p) === true);
    const status =
      outcome.status === 'success'
        ? 200
        : outcome.status !== 'whisk internal error'
          ? 502
          : unreachable
            ? 503
            : 500;
    send(res, status, resultOnly ? record.response.result : record, idHeader);
  }

  private track(p: Promise<unknown>): void {
    const own = p.catch(() => undefined);
    this.pending.add(own);
    void own.then(() => this.pending.delete(own));
  }

  /**
   * Runs an action: a known one (its js function, or its sequence's components in order, each one's
   * result the next one's parameters), else the original's lambda name (`name` for namespace `_`,
   * `/ns/name` otherwise) through the broker. A sequence runs at most `maxSequenceLength` actions in all
   * (`budget`), then fails with OpenWhisk's application error. `input` is the parameters as JSON.
   */
  private async run(
    path: ActionPath,
    explicitNamespace: boolean,
    input: string,
    depth: number,
    budget: SequenceBudget,
  ): Promise<Outcome> {
    const known = this.actions.get(fullName(path));
    const exec = known?.entity.exec;
    if (exec !== undefined && 'components' in exec) {
      if (depth > MAX_SEQUENCE_DEPTH)
        return { status: 'action developer error', result: { error: SEQUENCE_TEXTS.tooDeep } };
      let current = input;
      let last: Outcome | undefined;
      for (const c of exec.components) {
        const p = componentPath(c, path.namespace);
        if (!this.actions.has(fullName(p)))
          return {
            status: 'application error',
            result: { error: `Sequence component does not exist: ${c}` },
          };
        last = await this.run(p, true, current, depth + 1, budget);
        if (last.status !== 'success') return { ...last, logs: undefined };
        current = jsonOf(last.result);
      }
      return last === undefined
        ? { status: 'success', result: JSON.parse(input) as unknown }
        : { ...last, logs: undefined };
    }
    if (!budget.take()) return { status: 'application error', result: { error: SEQUENCE_TEXTS.tooLong } };
    const lambda =
      known?.fn ??
      (explicitNamespace ? `/${path.namespace}/` : '') +
        (path.pkg === undefined ? '' : `${path.pkg}/`) +
        path.name;
    let retcode: string;
    let output: string;
    let logs: string[] | undefined;
    try {
      const { response } = await this.pool.send(
        this.options.serverEndpoint,
        { name: lambda, input, hops: 1 },
        { callTimeoutMs: this.limits.blockingTimeoutMs * 5, maxWaiting: this.limits.maxWaiting },
      );
      ({ retcode, output } = response);
      if (known !== undefined) logs = logLines(response.dataout, this.limits.maxLogBytes);
    } catch (err) {
      const message = (err as Error).message;
      return { status: 'whisk internal error', result: { error: message }, retcode: message };
    }
    if (known === undefined) {
      if (retcode === 'OK') return { status: 'success', result: { payload: output }, retcode, output };
      if (NO_LAMBDA.some((p) => retcode.startsWith(p)))
        return { status: 'success', result: undefined, notFound: true, retcode };
      return { status: 'action developer error', result: { error: retcode }, retcode };
    }
    if (retcode === 'OK') {
      let parsed: unknown;
      try {
        parsed = JSON.parse(output);
      } catch {
        const result = { payload: output };
        return { status: 'success', result, retcode, output, logs };
      }
      const isError = typeof parsed === 'object' && parsed !== null && Object.hasOwn(parsed, 'error');
      // Kept as its text: the activation keeps it an hour, parsed it could take twenty times as much.
      const result = new JsonText(output);
      return { status: isError ? 'application error' : 'success', result, retcode, output, logs };
    }
    const prefixed = (p: string): string | undefined =>
      retcode.startsWith(p) ? retcode.slice(p.length) : undefined;
    const app = prefixed('application error: ');
    if (app !== undefined) return { status: 'application error', result: { error: app }, retcode, logs };
    const dev = prefixed('developer error: ');
    if (dev !== undefined) return { status: 'action developer error', result: { error: dev }, retcode, logs };
    return { status: 'whisk internal error', result: { error: retcode }, retcode };
  }
}

/**
 * The log lines a js computer's answer carries in `dataout` (a JSON array of strings; anything else is no
 * log), at most `maxBytes` of them, then a line saying they were cut.
 */
function logLines(dataout: Buffer, maxBytes: number): string[] | undefined {
  if (dataout.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(dataout.toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed)) return undefined;
  const lines: string[] = [];
  let bytes = 0;
  for (const line of parsed) {
    if (typeof line !== 'string') continue;
    bytes += Buffer.byteLength(line);
    if (bytes > maxBytes) {
      lines.push(`${new Date().toISOString()} stderr: ${LOG_CUT_TEXT}`);
      break;
    }
    lines.push(line);
  }
  return lines;
}

/** The last line of a log cut at its bounds (OpenWhisk's words). */
const LOG_CUT_TEXT = 'Logs were truncated because the total bytes size exceeds the limit.';

/**
 * The parameters of an invocation as JSON text (a 400 unless a JSON object; none is `{}`): the parsed object
 * is dropped at once, since one of many small objects takes some twenty times its text's bytes.
 */
async function readParams(req: IncomingMessage, maxBytes: number, bodies: BodyBudget): Promise<string> {
  const params = await readJson(req, maxBytes, bodies, {});
  if (typeof params !== 'object' || params === null || Array.isArray(params))
    throw new WskHttpError(400, `${WSK_TEXTS.malformed}\nthe parameters must be a JSON object`);
  return JSON.stringify(params);
}

/** OpenWhisk's 429 text, counting bytes of parameters in flight instead of requests. */
function tooManyInFlightText(bytes: number, allowed: number): string {
  return `Too many concurrent requests in flight (bytes: ${bytes}, allowed: ${allowed}).`;
}

/**
 * Most levels of arrays and objects in a body: deeper, writing it out again overflowed the stack (a 500
 * `Maximum call stack size exceeded` for parameters 5,000 levels deep).
 */
const MAX_JSON_NESTING = 100;

/**
 * The JSON body of a request, at most `maxBytes` (else a 413 with OpenWhisk's text, the body not read
 * further); an empty body is `empty`, or a 400 if none is given; malformed JSON, or JSON nested more than
 * {@link MAX_JSON_NESTING} levels, is a 400.
 */
function readJson(
  req: IncomingMessage,
  maxBytes: number,
  bodies: BodyBudget,
  empty?: unknown,
): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > maxBytes) {
    req.resume();
    return Promise.reject(new WskHttpError(413, tooLargeText(declared, maxBytes)));
  }
  const busy = (bytes: number): WskHttpError =>
    new WskHttpError(429, tooManyInFlightText(bodies.reserved + bytes, bodies.maxBytes));
  if (!bodies.reserve(declared)) {
    req.resume();
    return Promise.reject(busy(declared));
  }
  let reserved = declared;
  const release = (): void => {
    bodies.release(reserved);
    reserved = 0;
  };
  return new Promise<unknown>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const stop = (err: Error): void => {
      if (done) return;
      done = true;
      req.removeAllListeners('data');
      req.resume();
      release();
      reject(err);
    };
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > maxBytes) return stop(new WskHttpError(413, tooLargeText(size, maxBytes)));
      // A chunked body (or one longer than declared) reserves what arrives beyond its declared length.
      if (size > reserved) {
        if (!bodies.reserve(size - reserved)) return stop(busy(size - reserved));
        reserved = size;
      }
      chunks.push(c);
    });
    req.on('close', release);
    req.on('end', () => {
      if (done) return;
      done = true;
      const text = Buffer.concat(chunks).toString('utf8');
      chunks.length = 0;
      release();
      if (text.trim() === '') {
        if (empty !== undefined) return resolve(empty);
        return reject(new WskHttpError(400, `${WSK_TEXTS.malformed}\nthe body is empty`));
      }
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (err) {
        return reject(new WskHttpError(400, `${WSK_TEXTS.malformed}\n${(err as Error).message}`));
      }
      if (nestsDeeperThan(value, MAX_JSON_NESTING))
        return reject(
          new WskHttpError(400, `${WSK_TEXTS.malformed}\nnested more than ${MAX_JSON_NESTING} levels`),
        );
      resolve(value);
    });
    req.on('error', stop);
  });
}

/** A running wskproxy HTTP server. */
export interface WskProxyServer {
  readonly proxy: WskProxy;
  /** The API root it serves, with the bound port: `http://host:port`. */
  readonly apiRoot: string;
  stop(): Promise<void>;
}

/** Serves a {@link WskProxy} on `apiRoot` (`http://host:port`; port 0 picks a free one). */
export function startWskProxy(apiRoot: string, options: WskProxyOptions): Promise<WskProxyServer> {
  let url: URL;
  try {
    url = new URL(apiRoot);
  } catch {
    return Promise.reject(new Error(`Invalid --wsk-api-root '${apiRoot}': not an absolute URL`));
  }
  if (url.protocol !== 'http:')
    return Promise.reject(new Error(`Invalid --wsk-api-root '${apiRoot}': wskproxy serves http only`));
  const proxy = new WskProxy(options);
  // Node looks for connections past their header or request time every second, not every 30 s.
  const server: Server = createServer(
    { connectionsCheckingInterval: 1000 },
    (req, res) => void proxy.handle(req, res),
  );
  server.requestTimeout = 60_000;
  server.headersTimeout = 20_000;
  server.maxConnections = 4096;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port === '' ? 80 : Number(url.port);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      const addr = server.address();
      const bound = typeof addr === 'object' && addr !== null ? addr.port : port;
      resolve({
        proxy,
        apiRoot: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
        async stop() {
          await new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          });
          await proxy.close();
        },
      });
    });
  });
}
