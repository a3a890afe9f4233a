/** gRPC over HTTP/2 on the wire: length-prefixed messages, statuses and `grpc-message` percent-encoding. */
import { status } from '@grpc/grpc-js';
import { StatusError } from '../rpc-error.js';

/** The largest message either side accepts (grpc's default), octets. */
export const MAX_MESSAGE_BYTES = 4 * 1024 * 1024;

/** `message` with its 5-octet prefix (not compressed, length). */
export function lengthPrefixed(message: Buffer): Buffer {
  const buf = Buffer.allocUnsafe(5 + message.length);
  buf[0] = 0;
  buf.writeUInt32BE(message.length, 1);
  message.copy(buf, 5);
  return buf;
}

/** Appends a DATA chunk to a message being received; throws RESOURCE_EXHAUSTED past the limit. */
export function collect(chunks: Buffer[], size: number, chunk: Buffer): number {
  size += chunk.length;
  if (size > MAX_MESSAGE_BYTES + 5) {
    throw new StatusError(
      status.RESOURCE_EXHAUSTED,
      `Received message larger than max (${size - 5} vs. ${MAX_MESSAGE_BYTES})`,
    );
  }
  chunks.push(chunk);
  return size;
}

/**
 * The declared length of the message whose 5-octet prefix begins `chunks` (at least 5 octets in all);
 * throws UNIMPLEMENTED for a compressed message, RESOURCE_EXHAUSTED for one larger than
 * {@link MAX_MESSAGE_BYTES}: both known before the body is read.
 */
export function declaredLength(chunks: Buffer[]): number {
  const head = chunks[0]!.length >= 5 ? chunks[0]! : Buffer.concat(chunks);
  if (head[0] !== 0) throw new StatusError(status.UNIMPLEMENTED, 'Compressed messages are not supported');
  const length = head.readUInt32BE(1);
  if (length > MAX_MESSAGE_BYTES) {
    throw new StatusError(
      status.RESOURCE_EXHAUSTED,
      `Received message larger than max (${length} vs. ${MAX_MESSAGE_BYTES})`,
    );
  }
  return length;
}

/** The single uncompressed message of a unary call's body; throws a {@link StatusError} otherwise. */
export function singleMessage(chunks: Buffer[], size: number): Buffer {
  const body = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, size);
  if (body.length < 5) {
    throw new StatusError(status.INTERNAL, body.length === 0 ? 'No message received' : 'Truncated message');
  }
  if (body[0] !== 0) {
    throw new StatusError(status.UNIMPLEMENTED, 'Compressed messages are not supported');
  }
  const length = body.readUInt32BE(1);
  if (5 + length !== body.length) {
    throw new StatusError(
      status.INTERNAL,
      5 + length > body.length ? 'Truncated message' : 'More than one message',
    );
  }
  return body.subarray(5);
}

/** Percent-encodes a `grpc-message` value (UTF-8; octets outside 0x20..0x7e and `%` escaped). */
export function encodeGrpcMessage(text: string): string {
  const bytes = Buffer.from(text, 'utf8');
  let out = '';
  for (const b of bytes) {
    out +=
      b >= 0x20 && b <= 0x7e && b !== 0x25
        ? String.fromCharCode(b)
        : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Decodes a percent-encoded `grpc-message` (a latin1 header value) to text; malformed escapes stay as they are. */
export function decodeGrpcMessage(value: string): string {
  if (!value.includes('%')) return value;
  const bytes: number[] = [];
  for (let i = 0; i < value.length; i++) {
    const hex = value.slice(i + 1, i + 3);
    if (value[i] === '%' && /^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(value.charCodeAt(i) & 0xff);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The gRPC status of a non-200 HTTP response (gRPC's http-grpc-status-mapping). */
export function statusOfHttp(httpStatus: number): status {
  switch (httpStatus) {
    case 400:
      return status.INTERNAL;
    case 401:
      return status.UNAUTHENTICATED;
    case 403:
      return status.PERMISSION_DENIED;
    case 404:
      return status.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return status.UNAVAILABLE;
    default:
      return status.UNKNOWN;
  }
}
