/**
 * The edge telemetry data contract on the timeseries service (what every edge component writes and the
 * dashboard reads); this module uses no Node API, so a browser bundle may import it. docs/telemetry.md
 * explains it with examples.
 *
 * - Archive policy {@link EDGE_POLICY_NAME} (`edge-live`): 1 s for 1 hour (3600 points), then 1 min for a
 *   week (10,080 points); methods `mean, sum, min, max, last, count`; back_window 0.
 * - Resource types {@link EDGE_RESOURCE_TYPES}: `edge-computer`, `edge-router`, `edge-dispatcher`,
 *   `edge-client`, `edge-controller`, each with the attributes of {@link EdgeResourceAttributes}.
 * - One resource per component (`started_at`: when its process started), original_resource_id
 *   `<type>:<name>` ({@link edgeResourceId}), where the name is the component's endpoint (computers,
 *   routers and dispatchers: their lambda endpoint, e.g. `127.0.0.1:10000`; the controller: its server
 *   endpoint; clients: `<host>:<pid>` unless given one), with `/` and `%` percent-encoded (a resource id may hold no `/`). The API stores its UUID5 as `id`; find a
 *   resource by `original_resource_id` or by its `endpoint` attribute (the UUID5 depends on the creating
 *   user, so do not compute it).
 * - Metric names ({@link edgeMetricName}): a figure alone (`load1`), or a figure and its keys joined by
 *   `@`, each key percent-encoded outside `[A-Za-z0-9._:-]` (so `@`, `/` and blanks never appear in a
 *   key): `ptime@clambda0`, `weight@clambda0@127.0.0.1:10000`. Names longer than 255 characters are not
 *   written (counted as dropped). {@link parseEdgeMetricName} reverses it.
 * - Measures: one per figure per flush interval (default 1 s), at the sampling time. Gauges (`load1`,
 *   `weight@…`, `computers`…) are the value then: read with `mean` or `last`. Counts (`requests…`,
 *   `errors…`, `calls@…`) are how many in the interval ending then: read with `sum` (per second:
 *   `sum` at granularity 1 divided by 1; per minute: `sum` at 60). Latencies and ptimes are the mean over
 *   the interval's responses, seconds (no measure if none in the interval). `dropped` is cumulative.
 */

/** Name of the archive policy of every edge metric. */
export const EDGE_POLICY_NAME = 'edge-live';

/** The archive policy, as POSTed to `/v1/archive_policy`. */
export const EDGE_POLICY = {
  name: EDGE_POLICY_NAME,
  back_window: 0,
  aggregation_methods: ['mean', 'sum', 'min', 'max', 'last', 'count'],
  definition: [
    { granularity: '1 second', points: 3600 },
    { granularity: '1 minute', points: 10080 },
  ],
} as const;

/** The live granularity (seconds) of every edge series: what the dashboard asks for. */
export const EDGE_LIVE_GRANULARITY = 1;

/** The long-term granularity (seconds). */
export const EDGE_HISTORY_GRANULARITY = 60;

/** The edge component kinds, each its own resource type. */
export const EDGE_RESOURCE_TYPE_NAMES = [
  'edge-computer',
  'edge-router',
  'edge-dispatcher',
  'edge-client',
  'edge-controller',
] as const;

/** One of {@link EDGE_RESOURCE_TYPE_NAMES}. */
export type EdgeResourceType = (typeof EDGE_RESOURCE_TYPE_NAMES)[number];

/** A resource type attribute as POSTed to `/v1/resource_type`. */
interface AttributeSpec {
  readonly type: 'string' | 'number';
  readonly required: boolean;
}

const str = (required: boolean): AttributeSpec => ({ type: 'string', required });
const num = (required: boolean): AttributeSpec => ({ type: 'number', required });

/** Attributes every edge resource has. */
const COMMON_ATTRIBUTES = {
  /** The component's endpoint (lambda endpoint, the controller's server endpoint, a client's name). */
  endpoint: str(true),
  /** The machine's host name (`os.hostname()`). */
  host: str(false),
  /** The process id. */
  pid: num(false),
} as const;

/** Each resource type, as POSTed to `/v1/resource_type` (attributes: see {@link EdgeResourceAttributes}). */
export const EDGE_RESOURCE_TYPES: Readonly<
  Record<EdgeResourceType, { name: EdgeResourceType; attributes: Readonly<Record<string, AttributeSpec>> }>
> = {
  'edge-computer': {
    name: 'edge-computer',
    attributes: {
      ...COMMON_ATTRIBUTES,
      /** `--computer-type` (`sim`, `http`, `js`, `wsk`, `facerec`...). */
      computer_type: str(false),
      /** The utilization stream's endpoint (empty if none). */
      utilization_endpoint: str(false),
      /** The controller it announces itself to (empty if none). */
      controller_endpoint: str(false),
    },
  },
  'edge-router': {
    name: 'edge-router',
    attributes: {
      ...COMMON_ATTRIBUTES,
      /** The forwarding-table configuration endpoint. */
      configuration_endpoint: str(false),
      /** The controller it announces itself to (empty if none). */
      controller_endpoint: str(false),
    },
  },
  'edge-dispatcher': {
    name: 'edge-dispatcher',
    attributes: {
      ...COMMON_ATTRIBUTES,
      configuration_endpoint: str(false),
      controller_endpoint: str(false),
    },
  },
  'edge-client': {
    name: 'edge-client',
    attributes: {
      ...COMMON_ATTRIBUTES,
      /** The server endpoints it sends to, comma-separated. */
      targets: str(false),
      /** The lambda it calls. */
      lambda: str(false),
    },
  },
  'edge-controller': {
    name: 'edge-controller',
    attributes: {
      ...COMMON_ATTRIBUTES,
      /** The router installer (`flat`, `hier`). */
      installer: str(false),
    },
  },
};

/** Attribute values of a resource of each type, as POSTed to `/v1/resource/<type>` (besides `id`). */
export interface EdgeResourceAttributes {
  endpoint: string;
  host?: string;
  pid?: number;
  computer_type?: string;
  utilization_endpoint?: string;
  controller_endpoint?: string;
  configuration_endpoint?: string;
  targets?: string;
  lambda?: string;
  installer?: string;
}

/** How a figure's measures read: a value now, a count or a mean over the interval, a total since start. */
export type FigureKind = 'gauge' | 'count' | 'mean' | 'total';

/** A figure: the keys of its names (each list one form: `[]` the figure alone), unit, kind. */
export interface FigureSpec {
  readonly forms: readonly (readonly string[])[];
  readonly unit: '' | 's';
  readonly kind: FigureKind;
}

const PER_DESTINATION = [['lambda', 'destination'], []] as const;

/**
 * The figures (metric name stems) of each type, with the keys that follow them (`@`-joined) and units:
 *
 * edge-computer
 * - `load1`, `load10`, `load30`: the computer's load averages (what its replies carry), 0..1+.
 * - `utilization@<processor>`: the processor's utilization over the last sample, 0..1.
 * - `ptime@<lambda>`: mean processing time of the calls of `<lambda>` completed in the interval, s.
 * - `calls@<lambda>`: calls of `<lambda>` completed in the interval (count); `requests`: all lambdas.
 * - `errors@<lambda>`, `errors`: calls that failed or were refused in the interval (count).
 *
 * edge-router (`weight`: table #0's weight of the destination) and edge-dispatcher (`estimate`: the
 * destination's predicted delay, s)
 * - `weight@<lambda>@<destination>` (router) / `estimate@<lambda>@<destination>` (dispatcher).
 * - `latency@<lambda>@<destination>`: mean latency of the destination's responses in the interval, s;
 *   `latency`: every lambda and destination.
 * - `requests@<lambda>@<destination>`, `errors@<lambda>@<destination>`: forwarded / failed in the
 *   interval (count); `requests`, `errors`: every lambda and destination.
 *
 * edge-client
 * - `latency`: mean latency of the responses in the interval, s; `requests`, `errors`: per interval.
 *
 * edge-controller
 * - `computers`, `routers`, `lambdas`: how many the controller knows now.
 *
 * every type
 * - `dropped`: measures this component dropped since it started (queue full, server slow or down).
 */
export const EDGE_FIGURES: Readonly<Record<EdgeResourceType, Readonly<Record<string, FigureSpec>>>> = {
  'edge-computer': {
    load1: { forms: [[]], unit: '', kind: 'gauge' },
    load10: { forms: [[]], unit: '', kind: 'gauge' },
    load30: { forms: [[]], unit: '', kind: 'gauge' },
    utilization: { forms: [['processor']], unit: '', kind: 'gauge' },
    ptime: { forms: [['lambda']], unit: 's', kind: 'mean' },
    calls: { forms: [['lambda']], unit: '', kind: 'count' },
    requests: { forms: [[]], unit: '', kind: 'count' },
    errors: { forms: [['lambda'], []], unit: '', kind: 'count' },
    dropped: { forms: [[]], unit: '', kind: 'total' },
  },
  'edge-router': {
    weight: { forms: [['lambda', 'destination']], unit: '', kind: 'gauge' },
    latency: { forms: PER_DESTINATION, unit: 's', kind: 'mean' },
    requests: { forms: PER_DESTINATION, unit: '', kind: 'count' },
    errors: { forms: PER_DESTINATION, unit: '', kind: 'count' },
    dropped: { forms: [[]], unit: '', kind: 'total' },
  },
  'edge-dispatcher': {
    estimate: { forms: [['lambda', 'destination']], unit: 's', kind: 'gauge' },
    latency: { forms: PER_DESTINATION, unit: 's', kind: 'mean' },
    requests: { forms: PER_DESTINATION, unit: '', kind: 'count' },
    errors: { forms: PER_DESTINATION, unit: '', kind: 'count' },
    dropped: { forms: [[]], unit: '', kind: 'total' },
  },
  'edge-client': {
    latency: { forms: [[]], unit: 's', kind: 'mean' },
    requests: { forms: [[]], unit: '', kind: 'count' },
    errors: { forms: [[]], unit: '', kind: 'count' },
    dropped: { forms: [[]], unit: '', kind: 'total' },
  },
  'edge-controller': {
    computers: { forms: [[]], unit: '', kind: 'gauge' },
    routers: { forms: [[]], unit: '', kind: 'gauge' },
    lambdas: { forms: [[]], unit: '', kind: 'gauge' },
    dropped: { forms: [[]], unit: '', kind: 'total' },
  },
};

/** Longest metric name written (Gnocchi's `String(255)`). */
export const MAX_METRIC_NAME_LENGTH = 255;

const KEY_SAFE = /^[A-Za-z0-9._:-]*$/;

/** A metric name key percent-encoded: UTF-8 bytes outside `[A-Za-z0-9._:-]` as `%XX` (upper-case hex). */
export function encodeKey(key: string): string {
  if (KEY_SAFE.test(key)) return key;
  let out = '';
  for (const ch of key) {
    if (KEY_SAFE.test(ch)) {
      out += ch;
      continue;
    }
    for (const byte of new TextEncoder().encode(ch))
      out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Reverses {@link encodeKey}. */
export function decodeKey(encoded: string): string {
  return decodeURIComponent(encoded);
}

/** The metric name of a figure and its keys: `figure` alone or `figure@key1@key2`, keys encoded. */
export function edgeMetricName(figure: string, ...keys: string[]): string {
  let name = figure;
  for (const key of keys) name += `@${encodeKey(key)}`;
  return name;
}

/** A metric name split back into its figure and (decoded) keys. */
export function parseEdgeMetricName(name: string): { figure: string; keys: string[] } {
  const [figure = '', ...keys] = name.split('@');
  return { figure, keys: keys.map(decodeKey) };
}

/** The original_resource_id of a component: `<type>:<name>`, `%` and `/` in the name percent-encoded. */
export function edgeResourceId(type: EdgeResourceType, name: string): string {
  return `${type}:${name.replace(/%/g, '%25').replace(/\//g, '%2F')}`;
}
