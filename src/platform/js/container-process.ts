import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ProxyAnswer } from './action-runtime.js';
import { MAX_ACTIVATION_LOG_LINES } from './activation-log.js';

/** The container's entry point, and the only folder it may read. */
const RUNTIME = fileURLToPath(new URL('./runtime-main.js', import.meta.url));
const RUNTIME_DIR = dirname(RUNTIME);

/** Clock ticks per second of /proc/<pid>/stat's CPU times (Linux's USER_HZ). */
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;
/** How often the resident size of a container is checked while it runs an activation, ms. */
const MEMORY_CHECK_MS = 50;
/** Bytes of stderr kept to tell why a container died. */
const STDERR_TAIL = 4096;

/** How a container is started. */
export interface ContainerOptions {
  /** V8 heap limit and resident size limit, MB. */
  memoryMb: number;
  /** Largest result, bytes of JSON. */
  outputLimit: number;
  /** Bytes of log lines an activation's answer carries (js-conf log-limit). */
  logLimit: number;
  /** Folder under which the container gets its own scratch folder (its only writable place). */
  scratchRoot: string;
  /** Receives each line the container prints (stdout and stderr) until {@link ContainerProcess.log} is set. */
  log: (line: string) => void;
}

/** Why an operation of a container failed; the container is dead afterwards. */
export class ContainerFailure extends Error {
  constructor(
    readonly kind: 'timeout' | 'memory' | 'exit',
    message: string,
  ) {
    super(message);
  }
}

let nextId = 0;

/** CPU seconds of a process from /proc (0 where there is none). */
function procCpu(pid: number): { user: number; system: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) / TICKS_PER_SECOND, system: Number(fields[12]) / TICKS_PER_SECOND };
  } catch {
    return undefined;
  }
}

/** Resident bytes of a process from /proc, or undefined where there is none. */
function procRss(pid: number): number | undefined {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
  } catch {
    return undefined;
  }
}

/**
 * One container: a Node process running the action proxy (runtime-main.ts) under Node's permission
 * model (reads only the runtime's folder, writes only its scratch folder, no child processes or worker
 * threads), with an empty environment and a heap limit. Operations (`/init`, `/run`) go over IPC with a
 * time limit; a container that overruns it, outgrows its memory or exits is dead, and the operation
 * fails with a {@link ContainerFailure} saying which, in OpenWhisk's words.
 */
export class ContainerProcess {
  readonly id = nextId++;
  /** The function it was initialized with, once `/init` succeeded. */
  action: string | undefined;
  /** Resolves once the process is ready for `/init` (rejects if it dies first). */
  readonly ready: Promise<void>;
  /** When it finished its last operation (performance.now() ms). */
  lastUsed = performance.now();
  private readonly child: ChildProcess;
  private readonly scratch: string;
  private readonly exitListeners: (() => void)[] = [];
  private current:
    { id: number; resolve: (a: ProxyAnswer) => void; fail: (f: ContainerFailure) => void } | undefined;
  private nextOp = 0;
  private dead = false;
  private killedFor: ContainerFailure | undefined;
  private stderrTail = '';
  private lastCpu = { user: 0, system: 0 };
  /** Bytes of output the action may still log in this activation. */
  logBudget = 0;
  /** Receives each line the action prints (stdout and stderr), while its budget lasts. */
  log: (line: string) => void;

  constructor(readonly options: ContainerOptions) {
    this.log = options.log;
    this.scratch = join(options.scratchRoot, `c${this.id}`);
    mkdirSync(this.scratch, { recursive: true });
    const limits = ['--output-limit', String(options.outputLimit), '--log-limit', String(options.logLimit)];
    this.child = fork(RUNTIME, limits, {
      cwd: this.scratch,
      env: {},
      execArgv: [
        '--experimental-permission',
        `--allow-fs-read=${RUNTIME_DIR}/*`,
        `--allow-fs-read=${this.scratch}/*`,
        `--allow-fs-write=${this.scratch}/*`,
        `--max-old-space-size=${options.memoryMb}`,
        '--disable-warning=ExperimentalWarning',
      ],
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.print(d));
    this.child.stderr!.setEncoding('utf8').on('data', (d: string) => {
      this.stderrTail = (this.stderrTail + d).slice(-STDERR_TAIL);
      this.print(d);
    });
    this.ready = new Promise((resolve, reject) => {
      this.child.once('message', () => resolve());
      this.onExit(() => reject(new ContainerFailure('exit', `container ${this.id} exited at start`)));
    });
    this.ready.catch(() => undefined);
    this.child.on('message', (m: { id?: number } & ProxyAnswer) => {
      if (this.current !== undefined && m.id === this.current.id) {
        const { resolve } = this.current;
        this.current = undefined;
        resolve({ status: m.status, body: m.body, ...logsOf(m.logs, this.options.logLimit) });
      }
    });
    this.child.on('exit', (code, signal) => this.exited(code, signal));
  }

  /** The process id. */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** True once the process is gone (or being killed). */
  get isDead(): boolean {
    return this.dead;
  }

  /** Calls `listener` once the process is gone. */
  onExit(listener: () => void): void {
    if (this.dead) listener();
    else this.exitListeners.push(listener);
  }

  /** Runs `/init` or `/run` with `body`, failing with a ContainerFailure after `timeoutMs`. */
  operate(op: 'init' | 'run', body: unknown, timeoutMs: number): Promise<ProxyAnswer> {
    if (this.dead) return Promise.reject(new ContainerFailure('exit', this.exitMessage(null, null)));
    if (this.current !== undefined) throw new Error(`container ${this.id} is busy`);
    const id = this.nextOp++;
    return new Promise<ProxyAnswer>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          this.kill(
            new ContainerFailure(
              'timeout',
              `The action exceeded its time limits of ${timeoutMs} milliseconds.`,
            ),
          ),
        timeoutMs,
      );
      const memory = setInterval(() => {
        const rss = this.pid === undefined ? undefined : procRss(this.pid);
        if (rss !== undefined && rss > this.options.memoryMb * 1024 * 1024) this.kill(memoryFailure());
      }, MEMORY_CHECK_MS);
      const done = (): void => {
        clearTimeout(timer);
        clearInterval(memory);
        this.lastUsed = performance.now();
      };
      this.current = {
        id,
        resolve: (a) => {
          done();
          resolve(a);
        },
        fail: (f) => {
          done();
          reject(f);
        },
      };
      this.child.send({ id, op, body }, (err) => {
        if (err !== null && this.current?.id === id)
          this.kill(new ContainerFailure('exit', this.exitMessage(null, null)));
      });
    });
  }

  /** CPU seconds used so far (the last figure read once the process is gone). */
  cpu(): { user: number; system: number } {
    if (!this.dead && this.pid !== undefined) this.lastCpu = procCpu(this.pid) ?? this.lastCpu;
    return this.lastCpu;
  }

  /** Resident bytes, or undefined if unknown. */
  rss(): number | undefined {
    return this.dead || this.pid === undefined ? undefined : procRss(this.pid);
  }

  /** Kills the process; an operation in progress fails with `why` (default: the container was stopped). */
  kill(why?: ContainerFailure): void {
    if (this.dead) return;
    this.cpu();
    this.killedFor = why;
    this.dead = true;
    this.child.kill('SIGKILL');
  }

  private print(text: string): void {
    for (const line of text.split('\n')) {
      if (line === '' || this.logBudget <= 0) continue;
      this.logBudget -= Buffer.byteLength(line) + 1;
      this.log(this.logBudget >= 0 ? line : `${line.slice(0, 80)}... (log limit reached)`);
    }
  }

  private exitMessage(code: number | null, signal: NodeJS.Signals | null): string {
    const how = signal !== null ? `signal ${signal}` : `exit code ${code}`;
    return `The action did not produce a valid response and exited unexpectedly (${how}).`;
  }

  private exited(code: number | null, signal: NodeJS.Signals | null): void {
    this.dead = true;
    const oom = /heap out of memory|Reached heap limit/.test(this.stderrTail);
    const failure =
      this.killedFor ??
      (oom ? memoryFailure() : new ContainerFailure('exit', this.exitMessage(code, signal)));
    const current = this.current;
    this.current = undefined;
    current?.fail(failure);
    rmSync(this.scratch, { recursive: true, force: true });
    for (const listener of this.exitListeners.splice(0)) listener();
  }
}

/**
 * The log lines of an answer, bounded again here (the container's own bound could be undone by the action):
 * strings only, at most {@link MAX_ACTIVATION_LOG_LINES} + 1 lines of at most `maxBytes` characters each.
 */
function logsOf(logs: unknown, maxBytes: number): { logs?: string[] } {
  if (!Array.isArray(logs)) return {};
  return {
    logs: logs
      .slice(0, MAX_ACTIVATION_LOG_LINES + 1)
      .filter((l): l is string => typeof l === 'string')
      .map((l) => l.slice(0, maxBytes + 40)),
  };
}

function memoryFailure(): ContainerFailure {
  return new ContainerFailure('memory', 'The action exhausted its memory and was aborted.');
}
