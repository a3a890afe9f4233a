/**
 * A resource type PATCH as Gnocchi 4.4 does it: a JSON Patch (`application/json-patch+json`, only `add` and
 * `remove` of `/attributes…` paths) applied to the type's JSON, the result validated as a type definition
 * whose attributes may carry `options.fill`, and the attributes added or removed (not changed) found by
 * comparing names. Error texts are Gnocchi's (voluptuous and python-jsonpatch words).
 */
import { TimeseriesError } from '../errors.js';
import type { AttributeSchema, ResourceType } from '../model.js';
import { ownValue, setOwnValue } from '../own-property.js';
import { parseAttributeSchema, parseAttributeValue, resourceTypeJson } from './resources.js';
import { isObject, type JsonObject } from './validate.js';

/** One validated patch operation. */
export interface PatchOperation {
  op: 'add' | 'remove';
  /** JSON Pointer tokens, the first being `attributes`. */
  path: string[];
  value?: JsonObject;
}

/** What a patch changes: the next type, and the fill values of the attributes it adds. */
export interface ResourceTypeChange {
  type: ResourceType;
  /** Whether attributes were added or removed (otherwise the type is unchanged). */
  changed: boolean;
  fill: Record<string, unknown>;
}

function invalidOperation(index: number, key: string, reason: string): TimeseriesError {
  return new TimeseriesError(400, {
    cause: 'Invalid input',
    reason: `${reason} for dictionary value @ data[${index}]['${key}']`,
    detail: [String(index), key],
  });
}

function pointerTokens(path: string): string[] {
  return path
    .split('/')
    .slice(1)
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/**
 * Validates the body like Gnocchi's `ResourceTypeJsonPatchSchema`: a list of `{"op": "add"|"remove",
 * "path": "/attributes…", "value"?: {…}}` (400 Invalid input with the item's index and key otherwise).
 */
export function parseResourceTypePatch(body: unknown): PatchOperation[] {
  if (!Array.isArray(body)) {
    throw new TimeseriesError(400, { cause: 'Invalid input', reason: 'expected list', detail: [] });
  }
  return body.map((item: unknown, index): PatchOperation => {
    if (!isObject(item)) {
      throw new TimeseriesError(400, {
        cause: 'Invalid input',
        reason: `expected a dictionary @ data[${index}]`,
        detail: [String(index)],
      });
    }
    for (const key of Object.keys(item)) {
      if (key !== 'op' && key !== 'path' && key !== 'value') {
        throw new TimeseriesError(400, {
          cause: 'Invalid input',
          reason: `extra keys not allowed @ data[${index}]['${key}']`,
          detail: [String(index), key],
        });
      }
    }
    for (const key of ['op', 'path']) {
      if (!(key in item)) {
        throw new TimeseriesError(400, {
          cause: 'Invalid input',
          reason: `required key not provided @ data[${index}]['${key}']`,
          detail: [String(index), key],
        });
      }
    }
    const { op, path, value } = item;
    if (op !== 'add' && op !== 'remove') throw invalidOperation(index, 'op', 'not a valid value');
    if (typeof path !== 'string') throw invalidOperation(index, 'path', 'expected str');
    if (!path.startsWith('/attributes')) {
      throw invalidOperation(index, 'path', 'Only attributes can be modified');
    }
    if (value !== undefined && !isObject(value)) throw invalidOperation(index, 'value', 'expected dict');
    return { op, path: pointerTokens(path), ...(value !== undefined ? { value } : {}) };
  });
}

/** Applies the operations to a copy of `doc` (python-jsonpatch's errors: 400 with its message). */
function applyPatch(doc: JsonObject, operations: PatchOperation[]): JsonObject {
  const next = structuredClone(doc);
  for (const operation of operations) {
    const tokens = operation.path;
    let parent: JsonObject = next;
    for (const token of tokens.slice(0, -1)) {
      const child = ownValue(parent, token);
      if (!isObject(child)) throw new TimeseriesError(400, `member '${token}' not found`);
      parent = child;
    }
    const last = tokens.at(-1) ?? '';
    if (operation.op === 'remove') {
      if (!Object.hasOwn(parent, last)) {
        throw new TimeseriesError(400, `can't remove a non-existent object '${last}'`);
      }
      delete parent[last];
    } else {
      if (operation.value === undefined) {
        throw new TimeseriesError(400, "The operation does not contain a 'value' member");
      }
      setOwnValue<unknown>(parent, last, structuredClone(operation.value));
    }
  }
  return next;
}

/** Gnocchi's "Invalid input: <reason>" plain-text error of a type definition that does not validate. */
function asInvalidInput(err: unknown): never {
  if (err instanceof TimeseriesError && isObject(err.description)) {
    throw new TimeseriesError(400, `Invalid input: ${String(err.description.reason)}`);
  }
  throw err;
}

/** The value an added attribute fills existing resources with (Gnocchi's `options.fill` checks). */
function fillValue(name: string, schema: AttributeSchema, definition: JsonObject): unknown {
  const options = isObject(definition.options) ? definition.options : {};
  const fill = options.fill ?? null;
  const invalid = (reason: string): TimeseriesError =>
    new TimeseriesError(
      400,
      `Invalid input: Option 'fill' of resource attribute ${name} is invalid: ${reason}`,
    );
  if (fill === null) {
    if (schema.required) throw invalid('must not be empty if required=True');
    return null;
  }
  try {
    return parseAttributeValue(schema, fill, []);
  } catch (err) {
    if (err instanceof TimeseriesError && isObject(err.description))
      throw invalid(String(err.description.reason));
    throw err;
  }
}

/**
 * Applies a validated patch to `type`: the next type (its kept attributes unchanged, added ones after them
 * in patch order), whether anything was added or removed, and the fill of each added attribute.
 */
export function patchResourceType(type: ResourceType, operations: PatchOperation[]): ResourceTypeChange {
  const current = resourceTypeJson(type);
  const patched = applyPatch(current, operations);
  const definitions = patched.attributes;
  if (!isObject(definitions)) asInvalidInput(invalidAttributes());
  const attributes: Record<string, AttributeSchema> = {};
  const fill: Record<string, unknown> = {};
  let changed = false;
  for (const [name, definition] of Object.entries(definitions)) {
    let schema: AttributeSchema;
    try {
      schema = parseAttributeSchema(name, definition, ['attributes', name], true);
    } catch (err) {
      asInvalidInput(err);
    }
    const kept = ownValue(type.attributes, name);
    if (kept !== undefined) {
      setOwnValue(attributes, name, kept);
      continue;
    }
    changed = true;
    setOwnValue(attributes, name, schema);
    setOwnValue(fill, name, fillValue(name, schema, definition as JsonObject));
  }
  if (Object.keys(type.attributes).some((name) => !Object.hasOwn(attributes, name))) changed = true;
  return { type: { ...type, attributes }, changed, fill };
}

function invalidAttributes(): TimeseriesError {
  return new TimeseriesError(400, {
    cause: 'Invalid input',
    reason: "expected a dictionary for dictionary value @ data['attributes']",
    detail: ['attributes'],
  });
}
