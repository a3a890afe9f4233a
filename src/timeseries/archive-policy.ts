/**
 * Archive policies as Gnocchi validates, normalises and prints them: the POST/PATCH body validation (with
 * voluptuous' messages and detail paths), the "two of granularity/points/timespan" rule, the API JSON form
 * and the policies and rule `gnocchi-upgrade` creates.
 */
import { DEFAULT_AGGREGATION_METHODS, resolveAggregationMethods } from './aggregation-methods.js';
import { formatPythonFloat, formatTimedelta, parseDuration } from './duration.js';
import { TimeseriesError } from './errors.js';
import type { ArchivePolicy, ArchivePolicyItem, ArchivePolicyRule } from './model.js';
import { MAX_NAME_LENGTH, tooLong } from './names.js';

type Path = (string | number)[];

/** voluptuous' rendering of a path: `data['definition'][0]['points']`. */
function pathText(path: Path): string {
  return `data${path.map((p) => (typeof p === 'number' ? `[${p}]` : `['${p}']`)).join('')}`;
}

/** A voluptuous error raised by a validator of a dictionary value (adds `for dictionary value`). */
function valueError(message: string, path: Path): TimeseriesError {
  return TimeseriesError.invalidInput(`${message} for dictionary value @ ${pathText(path)}`, path);
}

/** A voluptuous error raised by the schema structure itself (no `for dictionary value`). */
function structureError(message: string, path: Path): TimeseriesError {
  return TimeseriesError.invalidInput(path.length ? `${message} @ ${pathText(path)}` : message, path);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** voluptuous `Coerce(int)` (Python `int()`), undefined when it fails. */
function coerceInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined;
  if (typeof value === 'string' && /^\s*[+-]?\d+(?:_\d+)*\s*$/.test(value))
    return Number(value.replace(/_/g, ''));
  return undefined;
}

function validateInt(value: unknown, min: number, path: Path): number {
  const n = coerceInt(value);
  if (n === undefined) throw valueError('expected int', path);
  if (n < min) throw valueError(`value must be at least ${min}`, path);
  return n;
}

/** Gnocchi's `Timespan` validator: nanoseconds (as Python truncates `seconds * 1e9`). */
function validateTimespan(value: unknown, path: Path): bigint {
  if (value === null || value === undefined) throw valueError('Invalid timespan', path);
  try {
    return BigInt(Math.trunc(parseDuration(value) * 1e9));
  } catch (e) {
    throw valueError((e as Error).message, path);
  }
}

interface RawItem {
  granularity?: bigint;
  points?: number;
  timespan?: bigint;
}

function validateDefinition(value: unknown, path: Path): RawItem[] {
  if (!Array.isArray(value)) throw valueError('expected a list', path);
  const items = value.map((entry: unknown, index): RawItem => {
    const itemPath = [...path, index];
    if (!isPlainObject(entry)) throw structureError('expected a dictionary', itemPath);
    const item: RawItem = {};
    for (const [key, v] of Object.entries(entry)) {
      if (key === 'granularity') item.granularity = validateTimespan(v, [...itemPath, key]);
      else if (key === 'timespan') item.timespan = validateTimespan(v, [...itemPath, key]);
      else if (key === 'points') item.points = validateInt(v, 1, [...itemPath, key]);
      else throw structureError('extra keys not allowed', [...itemPath, key]);
    }
    return item;
  });
  if (items.length < 1) throw valueError('length of value must be at least 1', path);
  return items;
}

const NS = 1e9;

/** Gnocchi's `ArchivePolicyItem`: two of granularity/points/timespan determine the third (400 text errors). */
function buildItem(raw: RawItem): ArchivePolicyItem {
  let granularity = raw.granularity;
  const timespan = raw.timespan;
  let points: number | null = raw.points ?? null;
  if (granularity !== undefined && points !== null && timespan !== undefined) {
    if (timespan !== granularity * BigInt(points)) {
      throw new TimeseriesError(400, 'timespan ≠ granularity × points');
    }
  }
  if (granularity === undefined) {
    if (points === null || timespan === undefined) {
      throw new TimeseriesError(400, 'At least two of granularity/points/timespan must be provided');
    }
    granularity = BigInt(Math.trunc(Number(timespan) / points));
  }
  if (granularity <= 0n) throw new TimeseriesError(400, 'Granularity should be > 0');
  let span: bigint | null;
  if (points === null) {
    if (timespan === undefined) span = null;
    else {
      points = Math.trunc(Number(timespan) / Number(granularity));
      if (points <= 0) throw new TimeseriesError(400, 'Calculated number of points is < 0');
      span = granularity * BigInt(points);
    }
  } else {
    span = granularity * BigInt(points);
  }
  return {
    granularity: Number(granularity) / NS,
    points,
    timespan: span === null ? null : Number(span) / NS,
  };
}

function checkDuplicateGranularities(definition: ArchivePolicyItem[]): void {
  const seen = new Set<number>();
  for (const item of definition) {
    if (seen.has(item.granularity)) {
      throw new TimeseriesError(
        400,
        `More than one archive policy uses granularity \`${formatPythonFloat(item.granularity)}'`,
      );
    }
    seen.add(item.granularity);
  }
}

/**
 * Validates a `POST /v1/archive_policy` body exactly as Gnocchi: schema errors are 400 Invalid input with
 * voluptuous' reason and detail path (`required key not provided`, `extra keys not allowed`, `expected int`,
 * `value must be at least 1`, `Unable to parse timespan`, `Timespan must be positive`, …, the first error in
 * body order); definition errors are 400 with a text description (`timespan ≠ granularity × points`, `At least
 * two of granularity/points/timespan must be provided`, `Calculated number of points is < 0`, `More than one
 * archive policy uses granularity `1.0'`). `defaultMethods` is the server's `default_aggregation_methods`.
 */
export function parseArchivePolicy(
  body: unknown,
  defaultMethods: readonly string[] = DEFAULT_AGGREGATION_METHODS,
): ArchivePolicy {
  if (!isPlainObject(body)) throw structureError('expected a dictionary', []);
  let name: string | undefined;
  let backWindow = 0;
  let methods: string[] = [...defaultMethods];
  let rawDefinition: RawItem[] | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'name') {
      if (typeof value !== 'string') throw valueError('expected str', [key]);
      if (tooLong(value)) throw valueError(`length of value must be at most ${MAX_NAME_LENGTH}`, [key]);
      name = value;
    } else if (key === 'back_window') backWindow = validateInt(value, 0, [key]);
    else if (key === 'aggregation_methods') methods = resolveAggregationMethods(value, defaultMethods);
    else if (key === 'definition') rawDefinition = validateDefinition(value, [key]);
    else throw structureError('extra keys not allowed', [key]);
  }
  if (name === undefined) throw structureError('required key not provided', ['name']);
  if (rawDefinition === undefined) throw structureError('required key not provided', ['definition']);
  const definition = rawDefinition.map(buildItem);
  checkDuplicateGranularities(definition);
  return { name, back_window: backWindow, aggregation_methods: methods, definition };
}

/**
 * Applies a `PATCH /v1/archive_policy/<name>` body (`{"definition": [...], "back_window"?: int}`): only the
 * points/timespan of the existing granularities and the back window may change. Errors as Gnocchi: schema
 * errors as in `parseArchivePolicy`; `Archive policy <name> does not support change: Cannot add or drop
 * granularities` or `…: 1.0 granularity interval was changed` (400 text).
 */
export function patchArchivePolicy(existing: ArchivePolicy, body: unknown): ArchivePolicy {
  if (!isPlainObject(body)) throw structureError('expected a dictionary', []);
  let backWindow = existing.back_window;
  let rawDefinition: RawItem[] | undefined;
  for (const [key, value] of Object.entries(body)) {
    if (key === 'definition') rawDefinition = validateDefinition(value, [key]);
    else if (key === 'back_window') backWindow = validateInt(value, 0, [key]);
    else throw structureError('extra keys not allowed', [key]);
  }
  if (rawDefinition === undefined) throw structureError('required key not provided', ['definition']);
  const definition = rawDefinition.map(buildItem);
  const unsupported = (why: string): TimeseriesError =>
    new TimeseriesError(400, `Archive policy ${existing.name} does not support change: ${why}`);
  const current = [...existing.definition].sort((a, b) => a.granularity - b.granularity);
  const next = [...definition].sort((a, b) => a.granularity - b.granularity);
  if (current.length !== next.length) throw unsupported('Cannot add or drop granularities');
  current.forEach((c, i) => {
    if (c.granularity !== next[i]?.granularity) {
      throw unsupported(`${formatPythonFloat(c.granularity)} granularity interval was changed`);
    }
  });
  return { ...existing, back_window: backWindow, definition };
}

/** One definition item as the API prints it. */
export interface ArchivePolicyItemJson {
  timespan: string | null;
  granularity: string;
  points: number | null;
}

/** An archive policy as the API prints it. */
export interface ArchivePolicyJson {
  name: string;
  back_window: number;
  definition: ArchivePolicyItemJson[];
  aggregation_methods: string[];
}

/**
 * The API JSON of a policy, fields in Gnocchi's order: `{name, back_window, definition: [{timespan,
 * granularity, points}], aggregation_methods}` with durations as timedelta strings (`365 days, 0:00:00`).
 */
export function archivePolicyToJson(policy: ArchivePolicy): ArchivePolicyJson {
  return {
    name: policy.name,
    back_window: policy.back_window,
    definition: policy.definition.map((d) => ({
      timespan: d.timespan === null ? null : formatTimedelta(d.timespan),
      granularity: formatTimedelta(d.granularity),
      points: d.points,
    })),
    aggregation_methods: [...policy.aggregation_methods],
  };
}

function item(granularity: number, timespan: number): ArchivePolicyItem {
  return { granularity, points: Math.trunc(timespan / granularity), timespan };
}

const DAY = 86400;

/** The policies `gnocchi-upgrade` creates: `bool`, `low`, `medium`, `high` (treat as read-only; clone). */
export const DEFAULT_ARCHIVE_POLICIES: readonly ArchivePolicy[] = [
  { name: 'bool', back_window: 3600, aggregation_methods: ['last'], definition: [item(1, 365 * DAY)] },
  {
    name: 'low',
    back_window: 0,
    aggregation_methods: [...DEFAULT_AGGREGATION_METHODS],
    definition: [item(300, 30 * DAY)],
  },
  {
    name: 'medium',
    back_window: 0,
    aggregation_methods: [...DEFAULT_AGGREGATION_METHODS],
    definition: [item(60, 7 * DAY), item(3600, 365 * DAY)],
  },
  {
    name: 'high',
    back_window: 0,
    aggregation_methods: [...DEFAULT_AGGREGATION_METHODS],
    definition: [item(1, 3600), item(60, 7 * DAY), item(3600, 365 * DAY)],
  },
];

/** The rule `gnocchi-upgrade` creates: every metric name (`*`) → `low`. */
export const DEFAULT_ARCHIVE_POLICY_RULE: Readonly<ArchivePolicyRule> = {
  name: 'default',
  metric_pattern: '*',
  archive_policy_name: 'low',
};
