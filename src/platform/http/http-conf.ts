import { MAX_MESSAGE_BYTES } from '../../protocol/http2/grpc-message.js';
import { Conf } from '../../support/conf.js';

/** The `--http-conf` of the original (spec §5.8): an OpenFaaS 0.8 gateway with 5 HTTP clients. */
export const DEFAULT_HTTP_CONF = 'gateway-url=http://localhost:8080/,num-clients=5,type=OpenFaaS(0.8)';

/** The gateway type of the original: `POST <gateway-url>function/<name>`, text in, text out. */
export const OPENFAAS_TYPE = 'OpenFaaS(0.8)';

/** One URL per function (Knative-style), JSON in and JSON out. */
export const GENERIC_TYPE = 'generic';

/** The keys `--http-conf` takes, with what each sets. */
const KEYS: Record<string, string> = {
  type: `${OPENFAAS_TYPE} (default) or ${GENERIC_TYPE}`,
  'gateway-url': `base URL of the OpenFaaS gateway (${OPENFAAS_TYPE})`,
  'url-template': `URL of every function, {name} standing for its name (${GENERIC_TYPE})`,
  functions: `JSON file mapping function names to URLs (${GENERIC_TYPE})`,
  'num-clients': 'HTTP calls in flight at once',
  timeout: 'longest an HTTP call may take, s',
  'max-response-size': 'largest response body accepted, bytes',
  'max-queued': 'requests that may wait for an HTTP client',
};

/** The keys of `--http-conf`, for help texts. */
export const HTTP_CONF_KEYS: readonly string[] = Object.keys(KEYS);

/** What an http computer calls and how far it lets its functions go. */
export interface HttpComputerConf {
  /** {@link OPENFAAS_TYPE} or {@link GENERIC_TYPE}. */
  type: typeof OPENFAAS_TYPE | typeof GENERIC_TYPE;
  /** OpenFaaS: the gateway's base URL, always ending with `/`. */
  gatewayUrl: string;
  /** generic: the URL of any function, `{name}` standing for its (URL-encoded) name; '' if none. */
  urlTemplate: string;
  /** generic: path of a JSON object `{"<name>": "<url>", …}`; '' if none. */
  functionsFile: string;
  /** HTTP calls in flight at once (> 0). */
  numClients: number;
  /** Longest an HTTP call may take, ms, from sending it to the end of its response body. */
  timeoutMs: number;
  /** Largest response body accepted, bytes (a larger one fails the call). */
  maxResponseBytes: number;
  /** Requests that may wait for one of the `numClients`; more are answered at once. */
  maxQueued: number;
}

/** The defaults of the keys the original did not have: the brokers' bounds (forwarding-limits.ts). */
export const HTTP_CONF_DEFAULTS = {
  timeoutSeconds: 30,
  maxResponseBytes: MAX_MESSAGE_BYTES,
  maxQueued: 1000,
} as const;

/** Fails unless `text` is an absolute http(s) URL; `what` names the key or file entry, `shown` the value. */
export function checkHttpUrl(text: string, what: string, shown = text): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(`Invalid ${what} '${shown}': not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`Invalid ${what} '${shown}': only http and https are supported`);
  }
  return url;
}

function positive(conf: Conf, key: string, fallback: number, read: (k: string) => number): number {
  if (!conf.has(key)) return fallback;
  const n = read(key);
  if (!(n > 0)) throw new Error(`Invalid ${key} in --http-conf: ${conf.get(key)} (must be > 0)`);
  return n;
}

/**
 * Parses `--http-conf` (spec §5.8, plus the generic type and the bounds). A missing key takes its default
 * ({@link DEFAULT_HTTP_CONF}, {@link HTTP_CONF_DEFAULTS}); errors: `unknown EdgeComputerHttp type: <t>`
 * and `invalid vanishing number of HTTP clients` as in the original, an unknown key, a bad URL or number
 * (each naming the key), a generic type without `url-template` or `functions`.
 */
export function parseHttpConf(text: string): HttpComputerConf {
  const conf = Conf.parse(text);
  for (const key of conf.keys()) {
    if (!(key in KEYS))
      throw new Error(`Invalid key '${key}' in --http-conf; known keys: ${HTTP_CONF_KEYS.join(', ')}`);
  }
  const type = conf.getOr('type', OPENFAAS_TYPE);
  if (type !== OPENFAAS_TYPE && type !== GENERIC_TYPE)
    throw new Error(`unknown EdgeComputerHttp type: ${type}`);
  const numClients = conf.has('num-clients') ? conf.getUint('num-clients') : 5;
  if (numClients === 0) throw new Error('invalid vanishing number of HTTP clients');
  let gatewayUrl = '';
  let urlTemplate = '';
  let functionsFile = '';
  if (type === OPENFAAS_TYPE) {
    for (const key of ['url-template', 'functions'])
      if (conf.has(key)) throw new Error(`Key '${key}' of --http-conf is for type=${GENERIC_TYPE} only`);
    const url = checkHttpUrl(conf.getOr('gateway-url', 'http://localhost:8080/'), 'gateway-url');
    gatewayUrl = url.href.endsWith('/') ? url.href : `${url.href}/`;
  } else {
    if (conf.has('gateway-url'))
      throw new Error(`Key 'gateway-url' of --http-conf is for type=${OPENFAAS_TYPE} only`);
    urlTemplate = conf.getOr('url-template', '');
    functionsFile = conf.getOr('functions', '');
    if (urlTemplate === '' && functionsFile === '') {
      throw new Error(
        `type=${GENERIC_TYPE} needs url-template=<URL with {name}> or functions=<file.json> in --http-conf`,
      );
    }
    if (urlTemplate !== '') {
      if (!urlTemplate.includes('{name}'))
        throw new Error(`Invalid url-template '${urlTemplate}': it must contain {name}`);
      checkHttpUrl(urlTemplate.replaceAll('{name}', 'name'), 'url-template', urlTemplate);
    }
  }
  return {
    type,
    gatewayUrl,
    urlTemplate,
    functionsFile,
    numClients,
    timeoutMs: positive(conf, 'timeout', HTTP_CONF_DEFAULTS.timeoutSeconds, (k) => conf.getDouble(k)) * 1000,
    maxResponseBytes: positive(conf, 'max-response-size', HTTP_CONF_DEFAULTS.maxResponseBytes, (k) =>
      conf.getUint(k),
    ),
    maxQueued: positive(conf, 'max-queued', HTTP_CONF_DEFAULTS.maxQueued, (k) => conf.getUint(k)),
  };
}

/** What each key of `--http-conf` sets, one `key: meaning` per item (for help texts and docs). */
export function describeHttpConfKeys(): string[] {
  return Object.entries(KEYS).map(([k, v]) => `${k}: ${v}`);
}
