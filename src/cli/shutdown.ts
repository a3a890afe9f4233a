/**
 * The signals that ask a command to stop: Ctrl-C (SIGINT), `kill`'s default (SIGTERM) and a closed
 * terminal (SIGHUP; Node resets every disposition at start, so even under `nohup` it would end the process).
 */
export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** How {@link untilSignal} listens. */
export interface UntilSignalOptions {
  /**
   * Keep catching the stop signals once the first came, and ignore them, so that the same stop delivered
   * twice (npm forwards to its script the Ctrl-C that the script also got from the terminal) does not end
   * the process mid-stop. Without it a second signal has its default effect, which ends the process at once.
   */
  ignoreRepeats?: boolean;
}

/** Resolves on the first of the {@link STOP_SIGNALS}, so a command can clean up and exit 0. */
export function untilSignal(options: UntilSignalOptions = {}): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    let received = false;
    const handler = (signal: NodeJS.Signals): void => {
      if (received) return;
      received = true;
      if (options.ignoreRepeats !== true) for (const s of STOP_SIGNALS) process.off(s, handler);
      resolve(signal);
    };
    for (const s of STOP_SIGNALS) process.on(s, handler);
  });
}
