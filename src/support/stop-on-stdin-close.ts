/**
 * The environment variable with which a parent asks a child process to stop once the child's standard
 * input (a pipe from the parent) closes: the parent has gone, even if killed with SIGKILL, which no signal
 * handler sees. `soe up` sets it for every part it starts.
 */
export const STOP_ON_STDIN_CLOSE = 'SOE_STOP_ON_STDIN_CLOSE';

/** Seconds a process has to stop on its own once its parent is gone, before it exits with status 1. */
const GRACE_SECONDS = 10;

/**
 * If `env` has {@link STOP_ON_STDIN_CLOSE}=1, watches standard input (discarding what comes) and, when it
 * ends, sends this process SIGTERM: a command waiting for a stop signal stops cleanly, any other ends as
 * SIGTERM makes it. The variable is removed from `env`, so the process's own children do not inherit it.
 * The watch does not keep the process alive. Returns whether it watches.
 */
export function stopOnStdinClose(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env[STOP_ON_STDIN_CLOSE] !== '1') return false;
  delete env[STOP_ON_STDIN_CLOSE];
  const stdin = process.stdin;
  const stop = (): void => {
    setTimeout(() => process.exit(1), GRACE_SECONDS * 1000).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  stdin.once('end', stop);
  stdin.once('error', stop);
  stdin.resume();
  (stdin as { unref?: () => void }).unref?.();
  return true;
}
