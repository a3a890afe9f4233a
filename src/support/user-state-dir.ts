import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The folder where this package keeps a user's state (XDG Base Directory): `$XDG_STATE_HOME/soe` when
 * that variable holds an absolute path (the specification ignores a relative one), else
 * `~/.local/state/soe`. Nothing is created here: writers create it on demand.
 */
export function userStateDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  const xdg = env.XDG_STATE_HOME;
  return xdg !== undefined && isAbsolute(xdg) ? join(xdg, 'soe') : join(home, '.local', 'state', 'soe');
}
