import { isUtf8 } from 'node:buffer';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { MessageName, MessageTypes } from './messages.js';

/**
 * Folder holding the `uiiit.rpc` and `uiiit.etsimec.rpc` .proto files of the original system (with one added
 * field, `ComputerInfo.managementEndpoint`) and our `soe.rpc` ones.
 */
export const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

/** The .proto files of the protocol, relative to {@link PROTO_DIR}. */
export const PROTO_FILES = [
  'void.proto',
  'edgeserver.proto',
  'edgerouter.proto',
  'edgecontroller.proto',
  'edgecomputer.proto',
  'ueapplcmproxy.proto',
  'soe-controller-view.proto',
] as const;

const CONVERSION: protobuf.IConversionOptions = {
  longs: Number,
  enums: String,
  defaults: true,
  arrays: true,
  objects: true,
};

let root: protobuf.Root | undefined;

/** The protobufjs root with every protocol type, loaded once from {@link PROTO_DIR}. */
export function protoRoot(): protobuf.Root {
  if (root === undefined) {
    const r = new protobuf.Root();
    r.resolvePath = (_origin, target) => PROTO_DIR + target;
    r.loadSync([...PROTO_FILES], { keepCase: true });
    r.resolveAll();
    root = r;
  }
  return root;
}

/** True for a proto3 scalar default: empty string or bytes, zero (not -0, whose bits are set), false. */
function isDefault(v: unknown): boolean {
  if (v === '' || v === false || Object.is(v, 0)) return true;
  if (v instanceof Uint8Array) return v.length === 0;
  if (typeof v === 'object' && v !== null && 'low' in v && 'high' in v) {
    const long = v as { low: number; high: number };
    return long.low === 0 && long.high === 0;
  }
  return false;
}

/**
 * Deletes, recursively, the scalar fields holding their proto3 default, which protobufjs would otherwise
 * serialise when set explicitly (e.g. `name: ''` as `0a 00`): like the C++ library, a field equal to its
 * default is not on the wire, so re-encoding a decoded message gives the same bytes as the original.
 * Sub-messages are kept even when empty (their presence is significant).
 */
function stripDefaults(type: protobuf.Type, m: Record<string, unknown>): void {
  for (const field of type.fieldsArray) {
    const v = m[field.name];
    if (v === null || v === undefined) continue;
    const sub =
      field.resolve().resolvedType instanceof protobuf.Type
        ? (field.resolvedType as protobuf.Type)
        : undefined;
    if (field.map || field.repeated) {
      if (sub === undefined) continue;
      const values = field.map ? Object.values(v as Record<string, unknown>) : (v as unknown[]);
      for (const value of values) stripDefaults(sub, value as Record<string, unknown>);
    } else if (sub) {
      stripDefaults(sub, v as Record<string, unknown>);
    } else if (field.partOf === null && isDefault(v)) {
      delete m[field.name];
    }
  }
}

/** What the wire check needs to know of a field: its scalar type, or the schema of its message. */
interface WireField {
  /** protobufjs scalar type name (enums as `int32`); undefined for a message or map entry. */
  scalar?: string;
  message?: WireSchema;
  repeated: boolean;
}

/** Fields by number; for a map entry with a message value, that value must be there (added if absent). */
interface WireSchema {
  fields: Map<number, WireField>;
  mapEntryNeedsValue: boolean;
}

/** Wire type of each scalar type (the value types; `2` for strings and bytes). */
const SCALAR_WIRE: Record<string, number> = {
  double: 1,
  float: 5,
  int32: 0,
  uint32: 0,
  sint32: 0,
  fixed32: 5,
  sfixed32: 5,
  int64: 0,
  uint64: 0,
  sint64: 0,
  fixed64: 1,
  sfixed64: 1,
  bool: 0,
  string: 2,
  bytes: 2,
};

const schemas = new Map<protobuf.Type, WireSchema>();

function wireSchema(type: protobuf.Type): WireSchema {
  let schema = schemas.get(type);
  if (schema === undefined) {
    schema = { fields: new Map(), mapEntryNeedsValue: false };
    schemas.set(type, schema); // before the fields: recursive types
    for (const field of type.fieldsArray) schema.fields.set(field.id, wireField(field));
  }
  return schema;
}

function wireField(field: protobuf.Field): WireField {
  const resolved = field.resolve().resolvedType;
  const value: WireField =
    resolved instanceof protobuf.Type
      ? { message: wireSchema(resolved), repeated: false }
      : { scalar: resolved instanceof protobuf.Enum ? 'int32' : field.type, repeated: false };
  if (field instanceof protobuf.MapField) {
    const entry: WireSchema = {
      fields: new Map([
        [1, { scalar: field.keyType, repeated: false }],
        [2, value],
      ]),
      mapEntryNeedsValue: value.message !== undefined,
    };
    return { message: entry, repeated: true };
  }
  return { ...value, repeated: field.repeated };
}

function malformed(what: string): Error {
  return new Error(`Malformed protobuf message: ${what}`);
}

/** Reads a varint of at most 10 bytes ending before `end`: its value (exact up to 2^53) and the next position. */
function readVarint(buf: Buffer, pos: number, end: number): [number, number] {
  let value = 0;
  for (let i = 0, scale = 1; i < 10; i++, scale *= 128) {
    if (pos >= end) throw malformed('truncated varint');
    const b = buf[pos++]!;
    value += (b & 0x7f) * scale;
    if (b < 0x80) return [value, pos];
  }
  throw malformed('varint longer than 10 bytes');
}

function skip(pos: number, n: number, end: number): number {
  if (n > end - pos) throw malformed('field beyond the end of its message');
  return pos + n;
}

function varintBytes(n: number): Buffer {
  const out: number[] = [];
  while (n >= 0x80) {
    out.push((n % 128) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

/** Skips the rest of a group (wire type 3) up to its end-group tag; the position after it. */
function skipGroup(buf: Buffer, pos: number, end: number, number: number): number {
  for (;;) {
    const [tag, p] = readVarint(buf, pos, end);
    const wire = tag % 8;
    const n = Math.floor(tag / 8);
    if (n === 0) throw malformed('field number 0');
    if (wire === 4) {
      if (n !== number) throw malformed('mismatched end of group');
      return p;
    }
    pos = skipValue(buf, p, end, wire, n);
  }
}

/** Skips one field value of a wire type; the position after it. */
function skipValue(buf: Buffer, pos: number, end: number, wire: number, number: number): number {
  switch (wire) {
    case 0:
      return readVarint(buf, pos, end)[1];
    case 1:
      return skip(pos, 8, end);
    case 5:
      return skip(pos, 4, end);
    case 2: {
      const [len, p] = readVarint(buf, pos, end);
      return skip(p, len, end);
    }
    case 3:
      return skipGroup(buf, pos, end, number);
    default:
      throw malformed(wire === 4 ? 'unexpected end of group' : `invalid wire type ${wire}`);
  }
}

/** One field occurrence found by {@link checkWire}: its bytes and, if it must change, what replaces them. */
interface Occurrence {
  start: number;
  end: number;
  /** null: dropped; a Buffer: these bytes instead; undefined: kept as it is. */
  replacement?: Buffer | null;
}

/**
 * Checks that `buf[start, end)` is a well-formed message, as strictly as the C++ parser: every length
 * within its message, valid varints, wire types and field numbers, valid UTF-8 in `string` fields, packed
 * runs that end on a value boundary. Returns the bytes protobufjs must decode to get what C++ gets, or
 * undefined if they are the input ones. What C++ does and protobufjs does not:
 * - a known field with an unexpected wire type is an unknown field (protobufjs would misread it): dropped;
 * - a non-repeated message field given several times is the merge of all of them (protobufjs keeps the
 *   last one): they become one field whose payload is the concatenation, which is how protobuf merges;
 * - a map entry without its message value has an empty one (protobufjs would fail): `12 00` is added.
 */
function checkWire(
  schema: WireSchema | undefined,
  buf: Buffer,
  start: number,
  end: number,
): Buffer | undefined {
  const occurrences: Occurrence[] = [];
  const singular = new Map<number, { tag: Buffer; payloads: Buffer[]; last: Occurrence }>();
  let changed = false;
  let hasValue = false;
  let pos = start;
  while (pos < end) {
    const fieldStart = pos;
    const [tag, valueStart] = readVarint(buf, pos, end);
    const wire = tag % 8;
    const number = Math.floor(tag / 8);
    if (number === 0) throw malformed('field number 0');
    pos = skipValue(buf, valueStart, end, wire, number);
    const occurrence: Occurrence = { start: fieldStart, end: pos };
    occurrences.push(occurrence);
    const field = schema?.fields.get(number);
    if (field === undefined) continue; // unknown: skipped by protobufjs too
    const expected = field.message !== undefined ? 2 : SCALAR_WIRE[field.scalar!]!;
    if (wire === expected) {
      if (number === 2) hasValue = true;
      if (wire !== 2) continue;
      const [len, payload] = readVarint(buf, valueStart, end);
      if (field.message !== undefined) {
        const inner = checkWire(field.message, buf, payload, payload + len);
        const content = inner ?? buf.subarray(payload, payload + len);
        if (inner !== undefined) {
          occurrence.replacement = Buffer.concat([
            buf.subarray(fieldStart, valueStart),
            varintBytes(inner.length),
            inner,
          ]);
          changed = true;
        }
        if (!field.repeated) {
          const previous = singular.get(number);
          if (previous === undefined) {
            singular.set(number, {
              tag: buf.subarray(fieldStart, valueStart),
              payloads: [content],
              last: occurrence,
            });
          } else {
            previous.last.replacement = null;
            previous.payloads.push(content);
            previous.last = occurrence;
            const merged = Buffer.concat(previous.payloads);
            occurrence.replacement = Buffer.concat([previous.tag, varintBytes(merged.length), merged]);
            changed = true;
          }
        }
      } else if (field.scalar === 'string' && !isUtf8(buf.subarray(payload, pos))) {
        throw malformed(`invalid UTF-8 in string field ${number}`);
      }
    } else if (wire === 2 && field.repeated && field.message === undefined && expected !== 2) {
      // A packed run of scalars: whole values only.
      const [len, payload] = readVarint(buf, valueStart, end);
      if (expected === 0) for (let p = payload; p < payload + len;) p = readVarint(buf, p, payload + len)[1];
      else if (len % (expected === 1 ? 8 : 4) !== 0) throw malformed('packed field with a partial value');
    } else {
      occurrence.replacement = null;
      changed = true;
    }
  }
  const addValue = schema?.mapEntryNeedsValue === true && !hasValue;
  if (!changed && !addValue) return undefined;
  const parts: Buffer[] = [];
  for (const o of occurrences) {
    if (o.replacement === undefined) parts.push(buf.subarray(o.start, o.end));
    else if (o.replacement !== null) parts.push(o.replacement);
  }
  if (addValue) parts.push(Buffer.from([0x12, 0x00]));
  return Buffer.concat(parts);
}

/** Encodes and decodes one message type to and from its proto3 wire format. */
export interface Codec<T> {
  /** The wire bytes of a message; omitted fields and fields equal to their default are not written (as in C++). */
  encode(message: Partial<T>): Buffer;
  /**
   * The message of some wire bytes, every field present (defaults filled in), unknown fields ignored; fails
   * with `Malformed protobuf message: <what>` on bytes the C++ library would refuse to parse.
   */
  decode(bytes: Uint8Array): T;
}

const codecs = new Map<string, Codec<unknown>>();

/** Returns the codec of a message type by its fully-qualified name, e.g. `uiiit.rpc.LambdaRequest`. */
export function codec<N extends MessageName>(name: N): Codec<MessageTypes[N]>;
export function codec(name: string): Codec<unknown>;
export function codec(name: string): Codec<unknown> {
  let c = codecs.get(name);
  if (c === undefined) {
    const type = protoRoot().lookupType(name);
    c = {
      encode: (message) => {
        const m = type.fromObject(message);
        stripDefaults(type, m as unknown as Record<string, unknown>);
        const bytes = type.encode(m).finish();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
      decode: (bytes) => {
        // A Buffer input makes protobufjs return `bytes` fields as Buffers (a plain Uint8Array would not).
        const input = Buffer.isBuffer(bytes)
          ? bytes
          : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        const checked = checkWire(wireSchema(type), input, 0, input.length) ?? input;
        return type.toObject(type.decode(checked), CONVERSION);
      },
    };
    codecs.set(name, c);
  }
  return c;
}
