import { Conf } from '../../support/conf.js';

/** What `--js-conf` sets: the defaults of every function and the bounds of the computer. */
export interface JsConf {
  /** Longest an activation may run, ms; then its container is killed and replaced. */
  timeoutMs: number;
  /** Memory of a container, MB: its V8 heap limit and the resident size it is killed above. */
  memoryMb: number;
  /** Containers (activations at once) per function. */
  containers: number;
  /** Pre-started containers kept ready for each memory size in use (cold starts skip the process start). */
  prewarm: number;
  /** A warm container unused this long, ms, is reclaimed. */
  idleMs: number;
  /** Largest result of an activation, bytes of JSON. */
  outputLimit: number;
  /** Bytes of a container's stdout/stderr copied to the computer's log per activation; the rest is dropped. */
  logLimit: number;
  /** Requests that may wait for a container of one function; more are answered at once. */
  queue: number;
}

/** The default `--js-conf`: OpenWhisk's default action limits (60 s, 256 MB, 1 MB results). */
export const DEFAULT_JS_CONF = 'timeout=60000,memory=256,containers=4';

/** The keys of `--js-conf`, with what each sets and its default. */
const KEYS: Record<string, [description: string, fallback: number, min: number]> = {
  timeout: ['longest activation, ms', 60_000, 1],
  memory: ['memory of a container, MB', 256, 64],
  containers: ['containers per function', 4, 1],
  prewarm: ['pre-started containers per memory size', 1, 0],
  idle: ['idle time before a container is reclaimed, ms', 600_000, 1],
  'output-limit': ['largest result, bytes', 1_048_576, 2],
  'log-limit': ['function log bytes kept per activation', 65_536, 0],
  queue: ['requests waiting per function', 1000, 0],
};

/** One line per key of `--js-conf`, for the help. */
export const JS_CONF_HELP = Object.entries(KEYS)
  .map(([key, [what, fallback]]) => `${key} (${what}, default ${fallback})`)
  .join(', ');

/** Parses `--js-conf`; an unknown key or a value below its minimum fails naming the key. */
export function parseJsConf(text: string): JsConf {
  const conf = Conf.parse(text);
  for (const key of conf.keys()) {
    if (!Object.hasOwn(KEYS, key))
      throw new Error(`Invalid --js-conf key: ${key} (known: ${Object.keys(KEYS).join(', ')})`);
  }
  const value = (key: string): number => {
    const [, fallback, min] = KEYS[key]!;
    if (!conf.has(key)) return fallback;
    const raw = conf.get(key);
    const n = /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min)
      throw new Error(`Invalid --js-conf value for ${key}: ${raw} (an integer >= ${min})`);
    return n;
  };
  return {
    timeoutMs: value('timeout'),
    memoryMb: value('memory'),
    containers: value('containers'),
    prewarm: value('prewarm'),
    idleMs: value('idle'),
    outputLimit: value('output-limit'),
    logLimit: value('log-limit'),
    queue: value('queue'),
  };
}
