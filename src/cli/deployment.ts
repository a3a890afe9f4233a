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
 * A whole deployment on this machine: the controller, then computers, routers and dispatchers (told
 * where the controller is), each a child process logging to a file, started in that order and each
 * waited for until ready; clients run on demand. {@link stop} stops everything in reverse order with
 * SIGINT.
 */
export class Deployment {
  private readonly running: RunningComponent[] = [];
  readonly logDir: string;

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
      const controller = servers.filter((c) => c.role === 'controller');
      for (const c of controller) d.running.push(await d.launch(c));
      const rest = await Promise.all(servers.filter((c) => c.role !== 'controller').map((c) => d.launch(c)));
      d.running.push(...rest);
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

  /** Stops every component, last started first (SIGINT, then SIGKILL after 5 s). */
  async stop(): Promise<void> {
    for (const r of [...this.running].reverse()) {
      const { child } = r;
      if (child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('close', resolve));
      child.kill('SIGINT');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    this.running.length = 0;
  }

  private launch(c: Component): Promise<RunningComponent> {
    const args = [c.command.name, ...c.args];
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
      const finish = (err?: Error, listening = ''): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        if (err) reject(err);
        else resolve({ component: c, child, logFile, listening });
      };
      const timer = setTimeout(
        () =>
          finish(
            new Error(
              `${c.name} did not become ready in ${timeout / 1000} s; its log (${logFile}):\n${text}`,
            ),
          ),
        timeout,
      );
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
        log.write(chunk);
        if (done) return;
        text += chunk;
        if (pattern.test(text)) {
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
