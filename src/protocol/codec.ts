import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import type { MessageName, MessageTypes } from './messages.js';

/** Folder holding the `uiiit.rpc` .proto files, verbatim from the original system. */
export const PROTO_DIR = fileURLToPath(new URL('../../../proto/', import.meta.url));

/** The .proto files of the protocol, relative to {@link PROTO_DIR}. */
export const PROTO_FILES = [
  'void.proto',
  'edgeserver.proto',
  'edgerouter.proto',
  'edgecontroller.proto',
  'edgecomputer.proto',
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
    const sub = field.resolve().resolvedType instanceof protobuf.Type ? (field.resolvedType as protobuf.Type) : undefined;
    if (field.map) {
      if (sub) for (const value of Object.values(v as Record<string, unknown>)) stripDefaults(sub, value as Record<string, unknown>);
    } else if (field.repeated) {
      if (sub) for (const value of v as unknown[]) stripDefaults(sub, value as Record<string, unknown>);
    } else if (sub) {
      stripDefaults(sub, v as Record<string, unknown>);
    } else if (field.partOf === null && isDefault(v)) {
      delete m[field.name];
    }
  }
}

/** Encodes and decodes one message type to and from its proto3 wire format. */
export interface Codec<T> {
  encode(message: Partial<T>): Buffer;
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
        const m = type.fromObject(message as Record<string, unknown>);
        stripDefaults(type, m as unknown as Record<string, unknown>);
        const bytes = type.encode(m).finish();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
      decode: (bytes) => {
        // A Buffer input makes protobufjs return `bytes` fields as Buffers (a plain Uint8Array would not).
        const input = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
        return type.toObject(type.decode(input), CONVERSION);
      },
    };
    codecs.set(name, c);
  }
  return c;
}
