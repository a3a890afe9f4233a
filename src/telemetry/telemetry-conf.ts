import { Conf } from '../support/conf.js';

/** Where and how a component writes its telemetry (`--telemetry`). */
export interface TelemetryConf {
  /** The timeseries service's base URL, e.g. `http://127.0.0.1:8041` (no trailing slash). */
  url: string;
  /** Basic-auth user (default `admin`), with `password` (default empty); unused with a `token`. */
  user: string;
  password: string;
  /** A bearer token, sent instead of Basic. */
  token?: string;
  /** Seconds between samples, each sent as one batch (default 1). */
  interval: number;
  /** Measures waiting to be sent at most (default 10,000); more are dropped. */
  queue: number;
  /** Seconds a request to the service may take (default 5); then its measures are dropped. */
  timeout: number;
  /** The resource's name instead of the component's endpoint (clients: `<host>:<pid>`). */
  name?: string;
}

/** The keys `--telemetry` takes after the URL. */
export const TELEMETRY_KEYS = ['user', 'interval', 'queue', 'timeout', 'name'] as const;

/** What `--telemetry` means, for option descriptions. */
export const TELEMETRY_DESCRIPTION =
  'write figures to a timeseries service: http://HOST:PORT[,user=NAME,interval=S,queue=N,timeout=S,name=NAME] ' +
  '(token from SOE_TIMESERIES_TOKEN, password from SOE_TIMESERIES_PASSWORD; docs/telemetry.md); empty: none';

function positive(name: string, text: string, max: number, integer: boolean): number {
  const value = Number(text);
  if (!/^[0-9.eE+-]+$/.test(text) || !(value > 0) || value > max || (integer && !Number.isInteger(value)))
    throw new Error(
      `--telemetry: ${name} must be ${integer ? 'an integer' : 'a number'} in ]0, ${max}], got '${text}'`,
    );
  return value;
}

/**
 * Parses `--telemetry`: an http(s) URL, then optional comma-separated `key=value` pairs
 * ({@link TELEMETRY_KEYS}); the secrets come from `env` (`SOE_TIMESERIES_TOKEN`, `SOE_TIMESERIES_PASSWORD`),
 * never from the command line. Empty text: undefined (no telemetry). Fails with a message naming the option.
 */
export function parseTelemetryConf(
  text: string,
  env: Readonly<Record<string, string | undefined>> = {},
): TelemetryConf | undefined {
  if (text.trim() === '') return undefined;
  const comma = text.indexOf(',');
  const urlText = (comma < 0 ? text : text.slice(0, comma)).trim();
  let url: URL | undefined;
  try {
    url = new URL(urlText);
  } catch {
    url = undefined;
  }
  if (
    url === undefined ||
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username !== '' ||
    url.password !== '' ||
    url.search !== '' ||
    url.hash !== ''
  )
    throw new Error(
      `--telemetry: expected an http:// or https:// URL such as http://127.0.0.1:8041 first, got '${urlText}'`,
    );
  const conf = Conf.parse(comma < 0 ? '' : text.slice(comma + 1));
  for (const key of conf.keys()) {
    if (!(TELEMETRY_KEYS as readonly string[]).includes(key))
      throw new Error(`--telemetry: unknown key '${key}' (keys: ${TELEMETRY_KEYS.join(', ')})`);
  }
  const get = (key: string): string | undefined => (conf.has(key) ? conf.get(key) : undefined);
  const out: TelemetryConf = {
    url: url.href.replace(/\/+$/, ''),
    user: get('user') ?? 'admin',
    password: env.SOE_TIMESERIES_PASSWORD ?? '',
    interval: positive('interval', get('interval') ?? '1', 3600, false),
    queue: positive('queue', get('queue') ?? '10000', 1_000_000, true),
    timeout: positive('timeout', get('timeout') ?? '5', 3600, false),
  };
  const token = env.SOE_TIMESERIES_TOKEN;
  if (token !== undefined && token !== '') out.token = token;
  const name = get('name');
  if (name !== undefined) out.name = name;
  return out;
}
