/**
 * Body validation with voluptuous-style messages: errors are 400
 * `{"cause": "Invalid input", "reason": "<message> @ data['a']['b']", "detail": ["a", "b"]}`.
 */
import { TimeseriesError } from '../errors.js';
import { MAX_NAME_LENGTH, tooLong } from '../names.js';

/** A path inside the request body. */
export type BodyPath = (string | number)[];

/** A JSON object. */
export type JsonObject = Record<string, unknown>;

function where(path: BodyPath): string {
  return path.length === 0 ? '' : ` @ data${path.map((p) => `['${String(p)}']`).join('')}`;
}

/** 400 Invalid input for a whole-value problem at `path` ("expected str @ data['name']"). */
export function invalidAt(message: string, path: BodyPath): TimeseriesError {
  return TimeseriesError.invalidInput(`${message}${where(path)}`, path);
}

/** 400 Invalid input for a dictionary value ("expected str for dictionary value @ data['name']"). */
export function invalidValue(message: string, path: BodyPath): TimeseriesError {
  return TimeseriesError.invalidInput(
    path.length === 0 ? message : `${message} for dictionary value${where(path)}`,
    path,
  );
}

/** Whether a value is a plain JSON object. */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value as an object, else 400 "expected a dictionary". */
export function expectObject(value: unknown, path: BodyPath = []): JsonObject {
  if (!isObject(value))
    throw path.length === 0
      ? invalidAt('expected a dictionary', path)
      : invalidValue('expected a dictionary', path);
  return value;
}

/** Refuses keys outside `allowed` ("extra keys not allowed") and missing `required` keys. */
export function checkKeys(
  obj: JsonObject,
  allowed: Iterable<string>,
  required: Iterable<string>,
  path: BodyPath = [],
): void {
  const allow = new Set(allowed);
  for (const key of Object.keys(obj)) {
    if (!allow.has(key)) throw invalidAt('extra keys not allowed', [...path, key]);
  }
  for (const key of required) {
    if (!(key in obj)) throw invalidAt('required key not provided', [...path, key]);
  }
}

/** A string of at most {@link MAX_NAME_LENGTH} characters at `path`, else 400 naming the field. */
function checkName(value: unknown, path: BodyPath): string {
  if (typeof value !== 'string') throw invalidValue('expected str', path);
  if (tooLong(value)) throw invalidValue(`length of value must be at most ${MAX_NAME_LENGTH}`, path);
  return value;
}

/** A required or optional name field (`expected str`; at most 255 characters, as Gnocchi's columns). */
export function stringField(obj: JsonObject, key: string, path: BodyPath = []): string | undefined {
  const value = obj[key];
  return value === undefined ? undefined : checkName(value, [...path, key]);
}

/** An optional string-or-null field (`user_id`, `project_id`; at most 255 characters). */
export function nullableStringField(
  obj: JsonObject,
  key: string,
  path: BodyPath = [],
): string | null | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return value;
  return checkName(value, [...path, key]);
}
