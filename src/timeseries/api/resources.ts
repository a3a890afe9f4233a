/**
 * Resources and resource types as the API shows and checks them: the built-in `generic` type, attribute
 * schemas (`string`/`uuid`/`number`/`bool`/`datetime`) and value validation with voluptuous-style
 * messages, the JSON of a resource in Gnocchi's field order, its ETag, and search field access.
 */
import { createHash } from 'node:crypto';
import type { AttributeSchema, Resource, ResourceType } from '../model.js';
import type { TimeseriesStore } from '../store.js';
import { TimeseriesError } from '../errors.js';
import { formatTimestamp, parseTimestamp } from '../timestamp.js';
import { parseDuration } from '../duration.js';
import { ownValue } from '../own-property.js';
import { parseUuid } from './ids.js';
import type { FieldAccess, FieldKind } from './search-filter.js';
import { invalidValue, isObject, type BodyPath, type JsonObject } from './validate.js';

/** The current time in epoch seconds with sub-millisecond precision (resource revisions). */
export function nowSeconds(): number {
  return Math.round((performance.timeOrigin + performance.now()) * 1000) / 1e6;
}

/** The base resource type every resource belongs to. */
export const GENERIC_TYPE: ResourceType = { name: 'generic', state: 'active', attributes: {} };

/** Standard resource fields (names a custom attribute may not use, plus Gnocchi's reserved ones). */
export const RESERVED_ATTRIBUTE_NAMES = new Set([
  'id',
  'type',
  'metrics',
  'revision',
  'revision_start',
  'revision_end',
  'started_at',
  'ended_at',
  'user_id',
  'project_id',
  'created_by_user_id',
  'created_by_project_id',
  'get_metric',
]);

/** A resource type by name, `generic` included (404 "Resource type <name> does not exist"). */
export async function getResourceTypeOr404(store: TimeseriesStore, name: string): Promise<ResourceType> {
  if (name === 'generic') return (await store.getResourceType('generic')) ?? GENERIC_TYPE;
  const type = await store.getResourceType(name);
  if (type === undefined) throw new TimeseriesError(404, `Resource type ${name} does not exist`);
  return type;
}

/** The JSON of an attribute schema, in Gnocchi's key order. */
export function attributeSchemaJson(schema: AttributeSchema): Record<string, unknown> {
  const json: Record<string, unknown> = { type: schema.type, required: schema.required };
  if (schema.type === 'string') {
    json.max_length = schema.max_length ?? 255;
    json.min_length = schema.min_length ?? 0;
  } else if (schema.type === 'number') {
    json.min = schema.min ?? null;
    json.max = schema.max ?? null;
  }
  return json;
}

/** The JSON of a resource type: `{"name", "attributes", "state"}`. */
export function resourceTypeJson(type: ResourceType): Record<string, unknown> {
  const attributes: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(type.attributes))
    attributes[name] = attributeSchemaJson(schema);
  return { name: type.name, attributes, state: type.state };
}

/** Gnocchi's `VALID_CHARS.match(name)`: Python's `match` anchors only the start, so this is the first character. */
const NAME_RE = /^[a-zA-Z0-9]/;

/** The keys an attribute definition may hold, by attribute type. */
const SCHEMA_KEYS: ReadonlyMap<string, readonly string[]> = new Map([
  ['string', ['type', 'required', 'min_length', 'max_length']],
  ['uuid', ['type', 'required']],
  ['number', ['type', 'required', 'min', 'max']],
  ['bool', ['type', 'required']],
  ['datetime', ['type', 'required']],
]);

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/**
 * Validates one attribute definition of a resource type (`{"type", "required"?, …}`) and returns the
 * schema with defaults; 400 Invalid input otherwise (messages as Gnocchi's). `forUpdate` also allows
 * `options` (`{"fill"?}`, an object), as a resource type PATCH does; the schema returned never has it.
 */
export function parseAttributeSchema(
  name: string,
  value: unknown,
  path: BodyPath,
  forUpdate = false,
): AttributeSchema {
  if (!isObject(value)) throw invalidValue('expected a dictionary', path);
  const type = value.type;
  const keys = typeof type === 'string' ? SCHEMA_KEYS.get(type) : undefined;
  if (keys === undefined) throw invalidValue('not a valid value', path);
  for (const key of Object.keys(value)) {
    if (forUpdate && key === 'options') {
      const options = value.options;
      if (!isObject(options) || Object.keys(options).some((k) => k !== 'fill'))
        throw invalidValue('not a valid value', path);
    } else if (!keys.includes(key)) throw invalidValue('not a valid value', path);
  }
  const required = value.required ?? true;
  if (typeof required !== 'boolean') throw invalidValue('not a valid value', path);
  if (name.length > 63 || RESERVED_ATTRIBUTE_NAMES.has(name) || !NAME_RE.test(name)) {
    throw new TimeseriesError(400, `Invalid input: Resource attribute name ${name} is invalid`);
  }
  const minMaxError = (min: unknown, max: unknown): TimeseriesError =>
    new TimeseriesError(
      400,
      `Invalid input: Resource attribute value min (or min_length) ${String(min)} must be less  than or equal to max (or max_length) ${String(max)}!`,
    );
  switch (type) {
    case 'string': {
      const minLength = value.min_length ?? 0;
      const maxLength = value.max_length ?? 255;
      if (!isInteger(minLength) || minLength < 0 || minLength > 255)
        throw invalidValue('not a valid value', path);
      if (!isInteger(maxLength) || maxLength < 1 || maxLength > 255)
        throw invalidValue('not a valid value', path);
      if (minLength > maxLength) throw minMaxError(minLength, maxLength);
      return { type: 'string', required, min_length: minLength, max_length: maxLength };
    }
    case 'number': {
      const min = value.min ?? null;
      const max = value.max ?? null;
      if ((min !== null && typeof min !== 'number') || (max !== null && typeof max !== 'number')) {
        throw invalidValue('not a valid value', path);
      }
      if (min !== null && max !== null && min > max) throw minMaxError(min, max);
      return { type: 'number', required, min, max };
    }
    default:
      return { type: type as 'uuid' | 'bool' | 'datetime', required };
  }
}

/** Validates and converts one attribute value (datetimes become epoch seconds). */
export function parseAttributeValue(schema: AttributeSchema, value: unknown, path: BodyPath): unknown {
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') throw invalidValue('expected str', path);
      const length = [...value].length;
      if (length < (schema.min_length ?? 0)) {
        throw invalidValue(`length of value must be at least ${schema.min_length ?? 0}`, path);
      }
      if (length > (schema.max_length ?? 255)) {
        throw invalidValue(`length of value must be at most ${schema.max_length ?? 255}`, path);
      }
      return value;
    }
    case 'uuid': {
      if (typeof value !== 'string') throw invalidValue('not a valid value', path);
      const uuid = parseUuid(value);
      // Python's uuid.UUID() words, as Gnocchi reports them.
      if (uuid === undefined) throw invalidValue('badly formed hexadecimal UUID string', path);
      return uuid;
    }
    case 'number': {
      if (typeof value !== 'number') throw invalidValue('expected Real', path);
      if (schema.min !== null && schema.min !== undefined && value < schema.min) {
        throw invalidValue(`value must be at least ${schema.min}`, path);
      }
      if (schema.max !== null && schema.max !== undefined && value > schema.max) {
        throw invalidValue(`value must be at most ${schema.max}`, path);
      }
      return value;
    }
    case 'bool':
      if (typeof value !== 'boolean') throw invalidValue('expected bool', path);
      return value;
    case 'datetime':
      return parseDatetimeField(value, path);
  }
}

/** A datetime body field (`started_at`, `ended_at`, datetime attributes) as epoch seconds. */
export function parseDatetimeField(value: unknown, path: BodyPath): number {
  if (typeof value !== 'string' && typeof value !== 'number') throw invalidValue('not a valid value', path);
  try {
    return parseTimestamp(value);
  } catch {
    throw invalidValue('not a valid value', path);
  }
}

/** Gnocchi's resource ETag: sha1 of the id and the `revision_start` ISO text. */
export function resourceEtag(resource: Resource): string {
  return createHash('sha1')
    .update(resource.id)
    .update(formatTimestamp(resource.revision_start))
    .digest('hex');
}

/** Options of {@link resourceJson}. */
export interface ResourceJsonOptions {
  /** The resource's type, to include its attributes (undefined = generic fields only). */
  type?: ResourceType;
  /** Metric name → id, already filtered to existing metrics (default: the stored map). */
  metrics?: Record<string, string>;
}

function attributeOut(schema: AttributeSchema, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (schema.type === 'datetime' && typeof value === 'number') return formatTimestamp(value);
  return value;
}

/** The JSON of a resource in Gnocchi's field order (type attributes after the generic fields). */
export function resourceJson(resource: Resource, options: ResourceJsonOptions = {}): JsonObject {
  const json: JsonObject = {
    creator: resource.creator,
    started_at: formatTimestamp(resource.started_at),
    revision_start: formatTimestamp(resource.revision_start),
    ended_at: resource.ended_at === null ? null : formatTimestamp(resource.ended_at),
    user_id: resource.user_id,
    project_id: resource.project_id,
    original_resource_id: resource.original_resource_id,
    id: resource.id,
    type: resource.type,
    revision_end: resource.revision_end === null ? null : formatTimestamp(resource.revision_end),
  };
  if (options.type !== undefined) {
    for (const [name, schema] of Object.entries(options.type.attributes)) {
      json[name] = attributeOut(schema, ownValue(resource.attributes, name));
    }
  }
  json.metrics = { ...(options.metrics ?? resource.metrics) };
  json.created_by_user_id = resource.created_by_user_id;
  json.created_by_project_id = resource.created_by_project_id;
  return json;
}

/** The fields every resource has, searchable and sortable by these names. */
const GENERIC_FIELDS: ReadonlyMap<string, FieldAccess<Resource>> = new Map<string, FieldAccess<Resource>>([
  ['id', { kind: 'uuid', get: (r) => r.id }],
  ['type', { kind: 'string', get: (r) => r.type }],
  ['original_resource_id', { kind: 'string', get: (r) => r.original_resource_id }],
  ['creator', { kind: 'string', get: (r) => r.creator }],
  ['created_by_user_id', { kind: 'string', get: (r) => r.created_by_user_id }],
  ['created_by_project_id', { kind: 'string', get: (r) => r.created_by_project_id }],
  ['user_id', { kind: 'string', get: (r) => r.user_id }],
  ['project_id', { kind: 'string', get: (r) => r.project_id }],
  ['started_at', { kind: 'datetime', get: (r) => r.started_at }],
  ['ended_at', { kind: 'datetime', get: (r) => r.ended_at }],
  ['revision_start', { kind: 'datetime', get: (r) => r.revision_start }],
  ['revision_end', { kind: 'datetime', get: (r) => r.revision_end }],
  ['lifespan', { kind: 'lifespan', get: (r) => (r.ended_at === null ? null : r.ended_at - r.started_at) }],
]);

/** Searchable/sortable fields of a type: the generic ones plus its attributes. */
export function resourceField(type: ResourceType, name: string): FieldAccess<Resource> | undefined {
  const generic = GENERIC_FIELDS.get(name);
  if (generic !== undefined) return generic;
  const schema = ownValue(type.attributes, name);
  if (schema === undefined) return undefined;
  return { kind: schema.type, get: (r) => ownValue(r.attributes, name) ?? null };
}

/** Casts a filter value to a field's type (throws when it does not convert). */
export function castFilterValue(
  kind: FieldKind,
  value: string | number | boolean,
): string | number | boolean {
  switch (kind) {
    case 'string':
      return typeof value === 'string' ? value : String(value);
    case 'uuid': {
      const uuid = parseUuid(String(value));
      if (uuid === undefined) throw new Error('not a uuid');
      return uuid;
    }
    case 'number': {
      const n = typeof value === 'number' ? value : Number(value);
      if (typeof value === 'boolean' || !Number.isFinite(n)) throw new Error('not a number');
      return n;
    }
    case 'bool':
      if (typeof value === 'boolean') return value;
      if (/^(true|1)$/i.test(String(value))) return true;
      if (/^(false|0)$/i.test(String(value))) return false;
      throw new Error('not a bool');
    case 'datetime':
      return parseTimestamp(value);
    case 'lifespan':
      return parseDuration(value);
  }
}
