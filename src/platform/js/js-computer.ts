import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaCall } from '../../protocol/lambda-transport.js';
import type { ContainerInfo, LambdaRequest, LambdaResponse } from '../../protocol/messages.js';
import { errorResponse } from '../../protocol/responses.js';
import { logger } from '../../support/logger.js';
import type { RunningComputer, UtilizationListener } from '../computer-type.js';
import { requestRejection } from '../request-rejection.js';
import { STATES_PARAMETER, stateContents, writtenStates } from './function-states.js';
import { ContainerFailure } from './container-process.js';
import { CpuMeter } from './cpu-meter.js';
import { FunctionPool, type PoolStats } from './function-pool.js';
import type { JsFunction } from './function-spec.js';
import type { JsConf } from './js-conf.js';
import { StemCells } from './stem-cells.js';

const log = logger('computer');

/** The processor name of every js container in the announce. */
export const JS_PROCESSOR = 'node';

/** A deployed function as the management API and the logs show it. */
export interface FunctionStatus extends PoolStats {
  name: string;
  main: string;
  limits: { timeout: number; memory: number };
  /** Most containers at once. */
  maxContainers: number;
}

/** Events of a {@link JsComputer}. */
interface JsComputerEvents {
  utilization: [values: Record<string, number>];
  containers: [];
}

/** The parameters of a request: its input as a JSON object (empty input: no parameters). */
function parameters(input: string): Record<string, unknown> {
  if (input.trim() === '') return {};
  let value: unknown;
  try {
    value = JSON.parse(input);
  } catch (err) {
    throw new Error(`invalid input: the parameters must be a JSON object: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw new Error(
      `invalid input: the parameters must be a JSON object, not ${Array.isArray(value) ? 'an array' : JSON.stringify(value)}`,
    );
  return value as Record<string, unknown>;
}

/**
 * The retcode of an activation whose result has an `error`: the text, its message, or else its JSON, cut
 * after 2,000 characters (the whole result is the output).
 */
function applicationError(error: unknown): string {
  const message = typeof error === 'string' ? error : (error as { message?: unknown } | null)?.message;
  const text = typeof message === 'string' ? message : JSON.stringify(error);
  return `application error: ${text.length > 2000 ? `${text.slice(0, 2000)}...` : text}`;
}

/**
 * An edge computer whose lambdas are JavaScript functions run as OpenWhisk runs actions: each function
 * has a pool of container processes (action proxies with `/init` and `/run`), started from pre-started
 * stem cells; the request's input is the JSON parameters and the result object the output. A container
 * that times out, outgrows its memory or exits is killed and replaced; the request gets a retcode saying
 * so. Loads are the real CPU of the computer and its containers. Functions are deployed, replaced and
 * removed at run time.
 */
export class JsComputer implements RunningComputer {
  private readonly pools = new Map<string, FunctionPool>();
  /** Pools replaced or removed, finishing their activations. */
  private readonly draining = new Set<FunctionPool>();
  private readonly cells: StemCells;
  private readonly meter: CpuMeter;
  private readonly events = new EventEmitter<JsComputerEvents>();
  private readonly scratchRoot: string;
  private readonly timers: NodeJS.Timeout[] = [];
  private stopped = false;

  constructor(
    readonly name: string,
    readonly conf: JsConf,
    functions: readonly JsFunction[],
    samplePeriod = 1,
  ) {
    this.scratchRoot = mkdtempSync(join(tmpdir(), 'soe-js-'));
    this.cells = new StemCells(conf.prewarm, {
      outputLimit: conf.outputLimit,
      logLimit: conf.logLimit,
      scratchRoot: this.scratchRoot,
      log: (line) => log.info(`[stem cell] ${line}`),
    });
    this.meter = new CpuMeter(() => this.containerProcesses());
    for (const fn of functions) this.install(fn);
    if (samplePeriod > 0) {
      this.timers.push(
        setInterval(() => {
          const { usr, sys } = this.meter.sample();
          this.events.emit('utilization', { 'cpu-usr': usr, 'cpu-sys': sys });
        }, samplePeriod * 1000).unref(),
      );
    }
    this.timers.push(
      setInterval(
        () => {
          for (const pool of this.pools.values()) pool.reclaim(conf.idleMs);
        },
        Math.min(1000, conf.idleMs),
      ).unref(),
    );
  }

  /** Deploys a function, replacing one of the same name (whose activations in progress finish). */
  deploy(fn: JsFunction): void {
    if (this.stopped) throw new Error(`computer ${this.name} is shut down`);
    const replaced = this.install(fn);
    log.info(
      `${replaced ? 'replaced' : 'deployed'} function ${fn.name}: ${fn.containers} containers, ` +
        `timeout ${fn.timeoutMs} ms, memory ${fn.memoryMb} MB`,
    );
    this.events.emit('containers');
  }

  /** Removes a function; false if there is none of that name. Its activations in progress finish. */
  remove(name: string): boolean {
    const pool = this.pools.get(name);
    if (pool === undefined) return false;
    this.pools.delete(name);
    this.retire(pool);
    log.info(`removed function ${name}`);
    this.events.emit('containers');
    return true;
  }

  /** The deployed functions, sorted by name. */
  functions(): FunctionStatus[] {
    return [...this.pools.keys()].sort().map((name) => this.status(name)!);
  }

  /** A deployed function, or undefined. */
  status(name: string): FunctionStatus | undefined {
    const pool = this.pools.get(name);
    if (pool === undefined) return undefined;
    const { fn } = pool;
    return {
      name,
      main: fn.main,
      limits: { timeout: fn.timeoutMs, memory: fn.memoryMb },
      maxContainers: fn.containers,
      ...pool.stats(),
    };
  }

  async process(request: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse> {
    const t0 = performance.now();
    const res = await this.serve(request, call);
    log.debug(
      2,
      () =>
        `${request.dry ? 'dry ' : ''}${request.name} (${request.input.length} B) -> ${res.retcode}, ptime ${res.ptime} ms`,
    );
    if (!request.dry) res.ptime = Math.round(performance.now() - t0);
    return res;
  }

  containers(): ContainerInfo[] {
    return [...this.pools.values()]
      .map((p) => ({
        name: `js-${p.fn.name}`,
        processor: JS_PROCESSOR,
        lambda: p.fn.name,
        numWorkers: p.fn.containers,
      }))
      .sort((a, b) => (a.lambda < b.lambda ? -1 : 1));
  }

  onUtilization(listener: UtilizationListener): () => void {
    this.events.on('utilization', listener);
    return () => {
      this.events.off('utilization', listener);
    };
  }

  onContainersChanged(listener: () => void): () => void {
    this.events.on('containers', listener);
    return () => {
      this.events.off('containers', listener);
    };
  }

  describe(): string[] {
    const fns = this.functions();
    if (fns.length === 0) return ['no function deployed'];
    return fns.map(
      (f) =>
        `function ${f.name}: ${f.maxContainers} containers, timeout ${f.limits.timeout} ms, memory ${f.limits.memory} MB`,
    );
  }

  stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearInterval(t);
    const gone: Promise<void>[] = [];
    for (const pool of [...this.pools.values(), ...this.draining]) {
      for (const c of pool.all()) gone.push(new Promise((resolve) => c.onExit(resolve)));
      pool.close(true);
    }
    for (const c of this.cells.all()) gone.push(new Promise((resolve) => c.onExit(resolve)));
    this.cells.close();
    this.pools.clear();
    return Promise.all(gone).then(() => rmSync(this.scratchRoot, { recursive: true, force: true }));
  }

  /** Installs a function's pool; true if it replaced one. */
  private install(fn: JsFunction): boolean {
    const old = this.pools.get(fn.name);
    const pool = new FunctionPool(
      fn,
      this.cells,
      this.conf.queue,
      (line) => log.info(`[${fn.name}] ${line}`),
      this.conf.logLimit,
    );
    this.pools.set(fn.name, pool);
    this.cells.keep(fn.memoryMb);
    if (old !== undefined) this.retire(old);
    return old !== undefined;
  }

  private retire(pool: FunctionPool): void {
    pool.close();
    const left = pool.all();
    if (left.length === 0) return;
    this.draining.add(pool);
    let n = left.length;
    for (const c of left) c.onExit(() => --n === 0 && this.draining.delete(pool));
  }

  private containerProcesses(): { pid: number | undefined; cpu(): { user: number; system: number } }[] {
    return [...this.pools.values(), ...this.draining].flatMap((p) => p.all()).concat(this.cells.all());
  }

  private withLoads(res: LambdaResponse): LambdaResponse {
    const loads = this.meter.loads();
    res.load1 = Math.round(loads.load1 * 100);
    res.load10 = Math.round(loads.load10 * 100);
    res.load30 = Math.round(loads.load30 * 100);
    return res;
  }

  private async serve(req: LambdaRequest, call?: LambdaCall): Promise<LambdaResponse> {
    const hops = req.hops + 1;
    const fail = (retcode: string): LambdaResponse => this.withLoads(errorResponse(retcode, hops));
    const why = requestRejection(req);
    if (why !== undefined) return fail(why);
    if (this.stopped) return fail(`computer ${this.name} is shut down`);
    const pool = this.pools.get(req.name);
    if (pool === undefined) return fail(`No container for lambda ${req.name} found in computer ${this.name}`);
    if (req.dry) {
      const res = fail('OK');
      res.ptime = Math.trunc(pool.estimate());
      return res;
    }
    let params: Record<string, unknown>;
    try {
      params = { ...pool.fn.parameters, ...parameters(req.input) };
      if (Object.keys(req.states).length > 0) params[STATES_PARAMETER] = stateContents(req.states);
    } catch (err) {
      return fail((err as Error).message);
    }
    const now = Date.now();
    const deadline =
      call?.deadline === undefined
        ? now + pool.fn.timeoutMs
        : Math.min(now + pool.fn.timeoutMs, now + Math.max(0, call.deadline - performance.now()));
    const body = {
      value: params,
      namespace: 'guest',
      action_name: `/guest/${req.name}`,
      activation_id: randomBytes(16).toString('hex'),
      deadline: String(Math.round(deadline)),
    };
    let activation;
    try {
      activation = await pool.invoke(body, call?.signal);
    } catch (err) {
      return fail((err as Error).message);
    }
    const { answer, cold } = activation;
    log.debug(2, () => `${req.name} activation ${body.activation_id}: ${cold ? 'cold' : 'warm'}`);
    if (answer instanceof ContainerFailure) {
      log.info(`${req.name} activation ${body.activation_id}: container killed: ${answer.message}`);
      return fail(`developer error: ${answer.message}`);
    }
    const logs = answer.logs !== undefined && answer.logs.length > 0 ? answer.logs : undefined;
    if (answer.status !== 200) {
      const error = (JSON.parse(answer.body) as { error?: unknown }).error;
      const res = fail(`developer error: ${typeof error === 'string' ? error : JSON.stringify(error)}`);
      if (logs !== undefined) res.dataout = Buffer.from(JSON.stringify(logs));
      return res;
    }
    const res = this.withLoads(errorResponse('OK', hops));
    res.output = answer.body;
    if (logs !== undefined) res.dataout = Buffer.from(JSON.stringify(logs));
    res.states = req.states;
    if (answer.body.includes(`"${STATES_PARAMETER}"`)) {
      const written = writtenStates(answer.body, req.states);
      if (typeof written === 'string') return fail(written);
      res.output = written.output;
      res.states = written.states;
    }
    if (answer.body.includes('"error"')) {
      const result = JSON.parse(answer.body) as Record<string, unknown>;
      if (!Array.isArray(result) && Object.hasOwn(result, 'error'))
        res.retcode = applicationError(result.error);
    }
    return res;
  }
}
