import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STOP_ON_STDIN_CLOSE } from '../support/stop-on-stdin-close.js';
import type { Component, Topology } from './topology.js';
import { withRouterDefaults } from './router-defaults.js';

/** The `soe` executable run for every component. */
const SOE = fileURLToPath(new URL('../../../bin/soe.js', import.meta.url));

/**
 * Environment variable naming the `soe` script the parts run instead of bin/soe.js (which runs dist/):
 * tests of a parallel build (test/support/soe-of-this-build.ts) set it so that `soe up` starts parts of
 * the same build.
 */
export const SOE_EXECUTABLE_VARIABLE = 'SOE_EXECUTABLE';

/** A component running as a child process. */
export interface RunningComponent {
  component: Component;
  child: ChildProcess;
  /** File receiving its standard error (its log). */
  logFile: string;
  /** Where it listens, as it logged it. */
  listening: string;
  /** The timeseries service's base URL (`http://host:port`). */
  url?: string;
  /** The controller's REST view URL (`http://host:port`), when it serves one (`rest-endpoint`). */
  restUrl?: string;
}

/** Options of a deployment. */
export interface DeploymentOptions {
  /** Folder for the components' logs, kept after the stop (default: a new temporary folder, see `keepLogs`). */
  logDir?: string;
  /**
   * Keep the temporary log folder after a clean stop too. Without it the folder (and the timeseries data in
   * it) is removed once everything has stopped, unless a part failed.
   */
  keepLogs?: boolean;
  /** Seconds a component may take to become ready (default 15). */
  readyTimeout?: number;
  /** Seconds the whole stop may take before the parts still running are killed with SIGKILL (default 4). */
  stopTimeout?: number;
  /** Aborting it while starting stops what has started; the start then rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Told, once the deployment is up, of each part that fails (exits unasked, or the producer fails). */
  onFailure?: (message: string) => void;
  /**
   * The `soe` script every part runs (default: `$SOE_EXECUTABLE` if set, else this package's bin/soe.js,
   * which runs dist/).
   */
  executable?: string;
}

/** A child process of the deployment, with the promise of its end. */
interface Part {
  child: ChildProcess;
  closed: Promise<void>;
  /** When it starts (and, backwards, stops): {@link stageOf}. */
  stage: number;
}

/**
 * The start stage of a part: the timeseries service, then the controller, then computers, routers and
 * dispatchers together, then the producer and the clients. The stop goes through the stages backwards,
 * the parts of a stage together, so that each part stops while those it talks to still run.
 */
function stageOf(role: Component['role']): number {
  if (role === 'timeseries') return 0;
  if (role === 'controller' || role === 'mec') return 1;
  if (role === 'covid' || role === 'clients') return 3;
  return 2;
}

/** What each role logs once it is up; with a controller, computers and routers are up once announced. */
function readyPattern(c: Component, withController: boolean): RegExp {
  if (c.role === 'timeseries') return /timeseries service listening on (http:\/\/[^\s,]+)/;
  if (c.role === 'controller') return /controller listening on (\S+)/;
  if (c.role === 'mec') return /ueapplcmproxy listening on (\S+)/;
  if (withController) return /(announced) /;
  return /listening on (\S+(?:, \S+ \S+ on \S+)?)/;
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function running(child: ChildProcess): boolean {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * A whole deployment on this machine: the timeseries service (then, in the background, its COVID
 * producer), the controller, then computers, routers and dispatchers (told where the controller is), each
 * a child process logging to a file, started in that order and each waited for until ready; clients run
 * on demand. {@link stop} stops everything in the start order backwards, with SIGINT. Every part runs in its own
 * process group, so a Ctrl-C in the terminal reaches only the process owning the deployment, which stops
 * the parts in order; and every part stops by itself if that process dies (its standard input, a pipe
 * from this process, closes).
 */
export class Deployment {
  private readonly running: RunningComponent[] = [];
  /** Every child started, in start order (components, producer, clients). */
  private readonly parts: Part[] = [];
  private readonly logs: WriteStream[] = [];
  private stopping: Promise<void> | undefined;
  /** Whether the log folder is the deployment's own temporary one. */
  private readonly temporaryLogDir: boolean;
  readonly logDir: string;
  /** What failed: parts that could not start, exited unasked, or a producer that failed; empty if none. */
  readonly failures: string[] = [];
  /** The COVID producer's exit status and standard output once it is done (both in `timeseries-covid.log`). */
  producer: Promise<{ code: number; stdout: string }> | undefined;

  private constructor(
    private readonly topology: Topology,
    private readonly options: DeploymentOptions,
  ) {
    this.temporaryLogDir = options.logDir === undefined;
    this.logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'soe-up-'));
  }

  /**
   * Starts every server component of a topology; on any failure, or if `options.signal` aborts, stops those
   * started and rejects (with the signal's reason if aborted).
   */
  static async start(topology: Topology, options: DeploymentOptions = {}): Promise<Deployment> {
    const d = new Deployment(topology, options);
    const { signal } = options;
    const onAbort = (): void => void d.stop();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      signal?.throwIfAborted();
      const servers = topology.components.filter((c) => c.role !== 'clients');
      const first = (c: Component): boolean =>
        c.role === 'timeseries' || c.role === 'mec' || c.role === 'controller';
      for (const c of servers.filter(first)) {
        const running = await d.launch(c);
        signal?.throwIfAborted();
        d.running.push(running);
        if (c.role === 'timeseries' && topology.covid !== undefined && running.url !== undefined)
          d.startProducer(topology.covid, running.url);
      }
      // Every launch settles (ready, failed or timed out) before the outcome is known, so that a failure
      // of one still leaves the others in `running`, to be stopped below.
      const rest = await Promise.allSettled(servers.filter((c) => !first(c)).map((c) => d.launch(c)));
      for (const r of rest) if (r.status === 'fulfilled') d.running.push(r.value);
      signal?.throwIfAborted();
      const failed = rest.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    } catch (err) {
      await d.stop();
      signal?.throwIfAborted();
      const message = err instanceof Error ? err.message : String(err);
      throw new Error(`${message}\n(logs kept in ${d.logDir})`, { cause: err });
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
    return d;
  }

  /** The running server components, in start order. */
  get components(): readonly RunningComponent[] {
    return this.running;
  }

  /**
   * The Edge dashboard's URL when the deployment has both a timeseries service (serving the GUI) and a
   * controller serving its REST view: `<timeseries>/ui/#/edge?controller=<REST view URL>`.
   */
  get dashboardUrl(): string | undefined {
    const timeseries = this.running.find((r) => r.component.role === 'timeseries')?.url;
    const rest = this.running.find((r) => r.component.role === 'controller')?.restUrl;
    return timeseries === undefined || rest === undefined
      ? undefined
      : `${timeseries}/ui/#/edge?controller=${rest}`;
  }

  /** Whether the log folder is kept after the stop: given by the caller, asked for, or a part failed. */
  get logsKept(): boolean {
    return !this.temporaryLogDir || this.options.keepLogs === true || this.failures.length > 0;
  }

  /** Runs the topology's clients concurrently, their output on this process's; resolves to their exit codes. */
  async runClients(): Promise<number[]> {
    const clients = this.topology.components.filter((c) => c.role === 'clients');
    return Promise.all(
      clients.map(
        (c) =>
          new Promise<number>((resolve) => {
            if (this.stopping !== undefined) return resolve(1);
            const args = [c.command.name, ...c.args, ...this.telemetryArgs(c)];
            const child = this.spawnPart(c.role, args, ['pipe', 'inherit', 'inherit']);
            child.on('close', (code) => resolve(code ?? 1));
          }),
      ),
    );
  }

  /**
   * Stops the producer and the clients, then the computers, routers and dispatchers, then the controller,
   * then the timeseries service (the start order backwards), each with SIGINT, and waits for each stage to
   * end; whatever still runs `stopTimeout` seconds after the stop began is killed with SIGKILL.
   * Then removes the temporary log folder unless {@link logsKept}. Calling it again gives the same promise.
   */
  stop(): Promise<void> {
    this.stopping ??= this.stopAll();
    return this.stopping;
  }

  private async stopAll(): Promise<void> {
    const kill = setTimeout(
      () => {
        for (const p of this.parts) if (running(p.child)) p.child.kill('SIGKILL');
      },
      (this.options.stopTimeout ?? 4) * 1000,
    );
    for (let stage = 3; stage >= 0; stage--) {
      const parts = this.parts.filter((p) => p.stage === stage);
      for (const p of parts) if (running(p.child)) p.child.kill('SIGINT');
      await Promise.all(parts.map((p) => p.closed));
    }
    clearTimeout(kill);
    this.running.length = 0;
    await Promise.all(
      this.logs.map((log) => new Promise<void>((resolve) => (log.closed ? resolve() : log.end(resolve)))),
    );
    if (!this.logsKept) rmSync(this.logDir, { recursive: true, force: true });
  }

  /** Records a failure; once the deployment is up, tells `onFailure` too. */
  private fail(message: string, up: boolean): void {
    if (this.stopping !== undefined) return;
    this.failures.push(message);
    if (up) this.options.onFailure?.(message);
  }

  /**
   * Starts `soe <args>` in its own process group, its standard input a pipe from this process (closed if
   * this process dies, which stops it: {@link STOP_ON_STDIN_CLOSE}).
   */
  private spawnPart(role: Component['role'], args: string[], stdio: StdioOptions): ChildProcess {
    const child = spawn(
      process.execPath,
      [this.options.executable ?? (process.env[SOE_EXECUTABLE_VARIABLE] || SOE), ...args],
      {
        stdio,
        detached: true,
        env: { ...process.env, [STOP_ON_STDIN_CLOSE]: '1' },
      },
    );
    child.stdin?.on('error', () => {});
    const closed = new Promise<void>((resolve) => {
      child.once('close', () => resolve());
      child.once('error', () => resolve());
    });
    this.parts.push({ child, closed, stage: stageOf(role) });
    return child;
  }

  /** A log file in the log folder; a write error is reported once on this process's standard error. */
  private logStream(file: string): WriteStream {
    const log = createWriteStream(file);
    log.once('error', (err) => process.stderr.write(`soe up: cannot write ${file}: ${err.message}\n`));
    this.logs.push(log);
    return log;
  }

  /** Runs `soe covid produce` against the timeseries service at `url`, logging to `timeseries-covid.log`. */
  private startProducer(c: Component, url: string): void {
    const logFile = join(this.logDir, 'timeseries-covid.log');
    const log = this.logStream(logFile);
    const child = this.spawnPart(c.role, [c.command.name, 'produce', '--endpoint', url, ...c.args], 'pipe');
    let stdout = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      log.write(chunk);
    });
    child.stderr!.pipe(log, { end: false });
    this.producer = new Promise((resolve) =>
      child.on('close', (code) => {
        log.end();
        if (code !== 0) this.fail(`the COVID producer exited with status ${code}; its log: ${logFile}`, true);
        resolve({ code: code ?? 1, stdout });
      }),
    );
  }

  /**
   * `--telemetry URL[,conf]` for a controller, computer, router, dispatcher or client when the topology has
   * a `telemetry:` section and the part does not set its own; the URL defaults to the deployment's
   * timeseries service (started first).
   */
  private telemetryArgs(c: Component): string[] {
    const section = this.topology.telemetry;
    const reports = c.command.options.some((o) => o.name === 'telemetry');
    if (section === undefined || !reports || c.role === 'timeseries' || c.args.includes('--telemetry'))
      return [];
    const url = section.endpoint ?? this.running.find((r) => r.component.role === 'timeseries')?.url;
    if (url === undefined) return [];
    return ['--telemetry', section.conf === '' ? url : `${url},${section.conf}`];
  }

  private launch(c: Component): Promise<RunningComponent> {
    const args = [c.command.name, ...(c.role === 'routers' ? withRouterDefaults(c.args) : c.args)];
    if (c.role === 'timeseries') {
      args.splice(1, 0, 'serve');
      if (!c.args.includes('--data-dir') && !c.args.includes('--storage'))
        args.push('--data-dir', join(this.logDir, 'timeseries-data'));
    }
    const controller = this.topology.controllerEndpoint;
    const announces = c.role === 'computers' || c.role === 'routers' || c.role === 'dispatchers';
    const withController = announces && (controller !== '' || c.options['controller-endpoint'] !== '');
    if (announces && controller !== '' && c.options['controller-endpoint'] === '') {
      args.push('--controller-endpoint', controller);
    }
    args.push(...this.telemetryArgs(c));
    const logFile = join(this.logDir, `${c.name.replace(/[[\]]/g, '-').replace(/-$/, '')}.log`);
    const log = this.logStream(logFile);
    const child = this.spawnPart(c.role, args, ['pipe', 'ignore', 'pipe']);
    const pattern = readyPattern(c, withController);
    const timeout = (this.options.readyTimeout ?? 15) * 1000;
    return new Promise((resolve, reject) => {
      let text = '';
      let done = false;
      let ready = false;
      const finish = (err?: Error, listening = '', url?: string, restUrl?: string): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) {
          this.fail(err.message, false);
          reject(err);
          return;
        }
        ready = true;
        resolve({
          component: c,
          child,
          logFile,
          listening,
          ...(url !== undefined ? { url } : {}),
          ...(restUrl !== undefined ? { restUrl } : {}),
        });
      };
      const timer = setTimeout(() => {
        finish(
          new Error(`${c.name} did not become ready in ${timeout / 1000} s; its log (${logFile}):\n${text}`),
        );
        child.kill('SIGKILL');
      }, timeout);
      child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        log.write(chunk);
        if (done) return;
        text += chunk;
        const ready = pattern.exec(text);
        if (ready !== null && c.role === 'timeseries') {
          const url = ready[1]!;
          finish(undefined, `${url}/ (GUI: ${url}/ui/)`, url);
        } else if (ready !== null && c.role === 'controller') {
          // The controller logs its REST view (if any) before it says it listens.
          const where = /listening on (.*)/.exec(text)?.[1] ?? '';
          const rest = /controller REST view on (http:\/\/\S+)\/v1\/topology/.exec(text)?.[1];
          finish(undefined, rest === undefined ? where : `${where}, REST view on ${rest}`, undefined, rest);
        } else if (ready !== null) {
          const where = /listening on (.*)/.exec(text)?.[1] ?? '';
          finish(undefined, where);
        }
      });
      child.on('error', (err) => finish(new Error(`${c.name} (soe ${args.join(' ')}): ${err.message}`)));
      child.on('close', (code, signal) => {
        log.end();
        const status = code ?? signal;
        if (ready) this.fail(`${c.name} exited with status ${status}; its log: ${logFile}`, true);
        finish(
          new Error(
            `${c.name} (soe ${args.join(' ')}) exited with status ${status}:\n${text || tail(logFile)}`,
          ),
        );
      });
    });
  }
}
