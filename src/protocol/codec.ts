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
        const bytes = type.encode(type.fromObject(message as Record<string, unknown>)).finish();
        return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      },
      decode: (bytes) => {
        return type.toObject(type.decode(bytes), CONVERSION);
      },
    };
    codecs.set(name, c);
  }
  return c;
}
