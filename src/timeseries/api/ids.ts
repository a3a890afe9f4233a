/** Identifiers: UUID parsing like Python's `uuid.UUID` and Gnocchi's mapping of free-form resource ids. */
import { createHash } from 'node:crypto';
import { TimeseriesError } from '../errors.js';

/** Gnocchi's namespace for resource ids that are not UUIDs (`utils.RESOURCE_ID_NAMESPACE`). */
export const RESOURCE_ID_NAMESPACE = '0a7a15ff-aa13-4ac2-897c-9bdf30ce175b';

/**
 * Parses a UUID the way Python's `uuid.UUID(str)` does (optional `urn:uuid:` prefix, braces and dashes,
 * any case) and returns its canonical form, or undefined if it is not one.
 */
export function parseUuid(value: string): string | undefined {
  const hex = value
    .replace(/^urn:uuid:/i, '')
    .replace(/^\{|\}$/g, '')
    .replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) return undefined;
  const h = hex.toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Whether a string is a UUID in any form Python accepts. */
export function isUuid(value: string): boolean {
  return parseUuid(value) !== undefined;
}

/** RFC 4122 version-5 (SHA-1) UUID of `name` in `namespace`, like Python's `uuid.uuid5`. */
export function uuid5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const digest = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  const bytes = digest.subarray(0, 16);
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x50;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * Gnocchi's `ResourceUUID(value, creator)`: a UUID stays itself; any other id (≤ 255 characters, no `/`)
 * becomes `uuid5(RESOURCE_ID_NAMESPACE, value + "\0" + creator)`, so two users may both own a resource
 * called "italia". Throws a plain Error with Gnocchi's message otherwise.
 */
export function resourceUuid(value: string, creator: string): string {
  if (value.includes('/')) throw new Error("'/' is not supported in resource id");
  const uuid = parseUuid(value);
  if (uuid !== undefined) return uuid;
  if ([...value].length > 255) throw new Error('transformable resource id >255 max allowed characters');
  return uuid5(RESOURCE_ID_NAMESPACE, `${value}\u0000${creator}`);
}

/** Like {@link resourceUuid} but fails with 400 Invalid input naming the field (body validation). */
export function resourceUuidOrInvalid(value: string, creator: string, path: (string | number)[]): string {
  try {
    return resourceUuid(value, creator);
  } catch (e) {
    const reason = e instanceof Error ? e.message : String(e);
    throw TimeseriesError.invalidInput(`${reason} for dictionary value @ data['${path.join("']['")}']`, path);
  }
}
