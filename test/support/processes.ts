import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Folder of the executable wrappers (`bin/soe.js`, `bin/edgecomputer.js`, ...). */
export const BIN_DIR = fileURLToPath(new URL('../../../bin/', import.meta.url));

/** A finished process: exit code and everything it printed. */
export interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** A started CLI process whose output is collected as it comes. */
export interface Running {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /**
   * Waits until stderr or stdout matches, returning the match, re-checked whenever the process prints;
   * fails if it exits first, or after `timeoutMs` (a hang guard, default 60 s: starting a process takes
   * seconds on a busy machine).
   */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Sends a signal and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
  /** Waits for the exit. */
  exited(): Promise<Finished>;
}

/** Starts one of the project's executables (`edgecomputer`, `soe`, ...) with arguments. */
export function start(executable: string, args: string[], env: NodeJS.ProcessEnv = {}): Running {
  const child = spawn(process.execPath, [`${BIN_DIR}${executable}.js`, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  let closed = false;
  const waiters = new Set<() => void>();
  const wake = (): void => waiters.forEach((w) => w());
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    out += d;
    wake();
  });
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    err += d;
    wake();
  });
  const exit = new Promise<Finished>((resolve) => {
    child.on('close', (code) => {
      closed = true;
      wake();
      resolve({ code, stdout: out, stderr: err });
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    waitFor(pattern, timeoutMs = 60_000) {
      return new Promise<RegExpMatchArray>((resolve, reject) => {
        let expired = false;
        const check = (): void => {
          const m = pattern.exec(err) ?? pattern.exec(out);
          if (m === null && !closed && !expired) return;
          waiters.delete(check);
          clearTimeout(timer);
          if (m !== null) resolve(m);
          else {
            const why = closed ? 'it exited' : `${timeoutMs / 1000} s`;
            reject(
              new Error(
                `no ${String(pattern)} from ${executable} (${why}); stdout:\n${out}\nstderr:\n${err}`,
              ),
            );
          }
        };
        const timer = setTimeout(() => {
          expired = true;
          check();
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    async stop(signal = 'SIGINT') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exit;
    },
    exited: () => exit,
  };
}

/** Runs an executable to completion. */
export async function run(
  executable: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<Finished> {
  return start(executable, args, env).exited();
}

/**
 * Starts `edgecomputer` on loopback with free ports and waits until it listens; resolves with the
 * process and its bound lambda and utilization endpoints.
 */
export async function startComputer(
  args: string[] = [],
  host = '127.0.0.1',
): Promise<{ proc: Running; endpoint: string; utilization: string }> {
  const proc = start('edgecomputer', [
    '--server-endpoint',
    `${host}:0`,
    '--utilization-endpoint',
    `${host}:0`,
    ...args,
  ]);
  const m = await proc.waitFor(/listening on (\S+), utilization stream on (\S+)/);
  return { proc, endpoint: m[1]!, utilization: m[2]! };
}

/** Starts `edgecontroller` on a free loopback port with the given state file; resolves once it listens. */
export async function startController(stateFile: string): Promise<{ proc: Running; endpoint: string }> {
  const proc = start('edgecontroller', ['--server-endpoint', '127.0.0.1:0', '--state-file', stateFile]);
  const m = await proc.waitFor(/controller listening on (\S+)/);
  return { proc, endpoint: m[1]! };
}

/** Starts `edgerouter` on free loopback ports; resolves once it listens (and announced, with a controller). */
export async function startRouter(
  args: string[] = [],
): Promise<{ proc: Running; endpoint: string; configuration: string }> {
  const proc = start('edgerouter', [
    '--server-endpoint',
    '127.0.0.1:0',
    '--configuration-endpoint',
    '127.0.0.1:0',
    ...args,
  ]);
  const m = await proc.waitFor(/router listening on (\S+), configuration on (\S+)/);
  if (args.some((a) => a.startsWith('--controller'))) await proc.waitFor(/announced/);
  return { proc, endpoint: m[1]!, configuration: m[2]! };
}
