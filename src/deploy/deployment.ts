import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, type WriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Component, Topology } from './topology.js';

/** The `soe` executable run for every component. */
const SOE = fileURLToPath(new URL('../../../bin/soe.js', import.meta.url));

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
}

/** Options of a deployment. */
export interface DeploymentOptions {
  /** Folder for the components' logs (default: a new temporary folder). */
  logDir?: string;
  /** Seconds a component may take to become ready (default 15). */
  readyTimeout?: number;
}

/** What each role logs once it is up; with a controller, computers and routers are up once announced. */
function readyPattern(c: Component, withController: boolean): RegExp {
  if (c.role === 'timeseries') return /timeseries service listening on (http:\/\/[^\s,]+)/;
  if (c.role === 'controller') return /controller listening on (\S+)/;
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

/**
 * A whole deployment on this machine: the timeseries service (then, in the background, its COVID
 * producer), the controller, then computers, routers and dispatchers (told where the controller is), each
 * a child process logging to a file, started in that order and each waited for until ready; clients run
 * on demand. {@link stop} stops everything in reverse order with SIGINT.
 */
export class Deployment {
  private readonly running: RunningComponent[] = [];
  private producerChild: ChildProcess | undefined;
  readonly logDir: string;
  /** The COVID producer's exit status and standard output once it is done (both in `timeseries-covid.log`). */
  producer: Promise<{ code: number; stdout: string }> | undefined;

  private constructor(
    private readonly topology: Topology,
    private readonly options: DeploymentOptions,
  ) {
    this.logDir = options.logDir ?? mkdtempSync(join(tmpdir(), 'soe-up-'));
  }

  /** Starts every server component of a topology; on any failure stops those started and rejects. */
  static async start(topology: Topology, options: DeploymentOptions = {}): Promise<Deployment> {
    const d = new Deployment(topology, options);
    try {
      const servers = topology.components.filter((c) => c.role !== 'clients');
      const first = (c: Component): boolean => c.role === 'timeseries' || c.role === 'controller';
      for (const c of servers.filter(first)) {
        const running = await d.launch(c);
        d.running.push(running);
        if (c.role === 'timeseries' && topology.covid !== undefined && running.url !== undefined)
          d.startProducer(topology.covid, running.url);
      }
      // Every launch settles (ready, failed or timed out) before the outcome is known, so that a failure
      // of one still leaves the others in `running`, to be stopped below.
      const rest = await Promise.allSettled(servers.filter((c) => !first(c)).map((c) => d.launch(c)));
      for (const r of rest) if (r.status === 'fulfilled') d.running.push(r.value);
      const failed = rest.find((r) => r.status === 'rejected');
      if (failed !== undefined) throw failed.reason;
    } catch (err) {
      await d.stop();
      throw err;
    }
    return d;
  }

  /** The running server components, in start order. */
  get components(): readonly RunningComponent[] {
    return this.running;
  }

  /** Runs the topology's clients concurrently, their output on this process's; resolves to their exit codes. */
  async runClients(): Promise<number[]> {
    const clients = this.topology.components.filter((c) => c.role === 'clients');
    return Promise.all(
      clients.map(
        (c) =>
          new Promise<number>((resolve) => {
            const child = spawn(process.execPath, [SOE, c.command.name, ...c.args], {
              stdio: ['ignore', 'inherit', 'inherit'],
            });
            child.on('close', (code) => resolve(code ?? 1));
          }),
      ),
    );
  }

  /** Stops the producer, then every component, last started first (SIGINT, then SIGKILL after 5 s). */
  async stop(): Promise<void> {
    const children = [...this.running].reverse().map((r) => r.child);
    if (this.producerChild !== undefined) children.unshift(this.producerChild);
    for (const child of children) {
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    this.running.length = 0;
  }

  /** Runs `soe covid produce` against the timeseries service at `url`, logging to `timeseries-covid.log`. */
  private startProducer(c: Component, url: string): void {
    const log = createWriteStream(join(this.logDir, 'timeseries-covid.log'));
    const child = spawn(process.execPath, [SOE, c.command.name, 'produce', '--endpoint', url, ...c.args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      log.write(chunk);
    });
    child.stderr.pipe(log, { end: false });
    this.producerChild = child;
    this.producer = new Promise((resolve) =>
      child.on('close', (code) => {
        log.end();
        resolve({ code: code ?? 1, stdout });
      }),
    );
  }

  private launch(c: Component): Promise<RunningComponent> {
    const args = [c.command.name, ...c.args];
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
    const logFile = join(this.logDir, `${c.name.replace(/[[\]]/g, '-').replace(/-$/, '')}.log`);
    const log: WriteStream = createWriteStream(logFile);
    const child = spawn(process.execPath, [SOE, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    const pattern = readyPattern(c, withController);
    const timeout = (this.options.readyTimeout ?? 15) * 1000;
    return new Promise((resolve, reject) => {
      let text = '';
      let done = false;
      const finish = (err?: Error, listening = '', url?: string): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve({ component: c, child, logFile, listening, ...(url !== undefined ? { url } : {}) });
      };
      const timer = setTimeout(() => {
        finish(
          new Error(`${c.name} did not become ready in ${timeout / 1000} s; its log (${logFile}):\n${text}`),
        );
        child.kill('SIGKILL');
      }, timeout);
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        log.write(chunk);
        if (done) return;
        text += chunk;
        const ready = pattern.exec(text);
        if (ready !== null && c.role === 'timeseries') {
          const url = ready[1]!;
          finish(undefined, `${url}/ (GUI: ${url}/ui/)`, url);
        } else if (ready !== null) {
          const where = /listening on (.*)/.exec(text)?.[1] ?? '';
          finish(undefined, where);
        }
      });
      child.on('close', (code) => {
        log.end();
        finish(
          new Error(
            `${c.name} (soe ${args.join(' ')}) exited with status ${code}:\n${text || tail(logFile)}`,
          ),
        );
      });
    });
  }
}
