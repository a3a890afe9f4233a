/**
 * HPACK (RFC 7541) for the lean gRPC transport: a complete decoder (static and dynamic tables, Huffman,
 * table size updates) and an encoder that writes literals without indexing and without Huffman, so that
 * an encoded block never changes the peer's dynamic table and can be built once and reused.
 */
import { huffmanDecode } from './huffman.js';

/** A decoded header field: lowercase name and latin1 value (one char per octet). */
export type HeaderField = [name: string, value: string];

/** The static table, index 1..61. */
const STATIC: readonly HeaderField[] = [
  [':authority', ''],
  [':method', 'GET'],
  [':method', 'POST'],
  [':path', '/'],
  [':path', '/index.html'],
  [':scheme', 'http'],
  [':scheme', 'https'],
  [':status', '200'],
  [':status', '204'],
  [':status', '206'],
  [':status', '304'],
  [':status', '400'],
  [':status', '404'],
  [':status', '500'],
  ['accept-charset', ''],
  ['accept-encoding', 'gzip, deflate'],
  ['accept-language', ''],
  ['accept-ranges', ''],
  ['accept', ''],
  ['access-control-allow-origin', ''],
  ['age', ''],
  ['allow', ''],
  ['authorization', ''],
  ['cache-control', ''],
  ['content-disposition', ''],
  ['content-encoding', ''],
  ['content-language', ''],
  ['content-length', ''],
  ['content-location', ''],
  ['content-range', ''],
  ['content-type', ''],
  ['cookie', ''],
  ['date', ''],
  ['etag', ''],
  ['expect', ''],
  ['expires', ''],
  ['from', ''],
  ['host', ''],
  ['if-match', ''],
  ['if-modified-since', ''],
  ['if-none-match', ''],
  ['if-range', ''],
  ['if-unmodified-since', ''],
  ['last-modified', ''],
  ['link', ''],
  ['location', ''],
  ['max-forwards', ''],
  ['proxy-authenticate', ''],
  ['proxy-authorization', ''],
  ['range', ''],
  ['referer', ''],
  ['refresh', ''],
  ['retry-after', ''],
  ['server', ''],
  ['set-cookie', ''],
  ['strict-transport-security', ''],
  ['transfer-encoding', ''],
  ['user-agent', ''],
  ['vary', ''],
  ['via', ''],
  ['www-authenticate', ''],
];

/** A malformed header block: a connection error (COMPRESSION_ERROR) for the caller. */
export class HpackError extends Error {
  override readonly name = 'HpackError';
}

/** Per-entry overhead of the dynamic table's size accounting (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;

/** Decodes the header blocks of one direction of one connection (they share a dynamic table). */
export class HpackDecoder {
  /** Newest first. */
  private readonly table: HeaderField[] = [];
  private size = 0;
  private maxSize: number;

  /** `limit`: the SETTINGS_HEADER_TABLE_SIZE we advertised, the most the peer may use. */
  constructor(private readonly limit = 4096) {
    this.maxSize = limit;
  }

  /** Decodes a whole header block; throws {@link HpackError} if it is malformed. */
  decode(block: Buffer): HeaderField[] {
    const fields: HeaderField[] = [];
    const cursor = { pos: 0 };
    const end = block.length;
    while (cursor.pos < end) {
      const b = block[cursor.pos]!;
      if (b & 0x80) {
        fields.push(this.entry(this.integer(block, cursor, 7)));
      } else if (b & 0x40) {
        const field = this.literal(block, cursor, 6);
        this.insert(field);
        fields.push(field);
      } else if (b & 0x20) {
        if (fields.length > 0) throw new HpackError('table size update after a header field');
        const size = this.integer(block, cursor, 5);
        if (size > this.limit) throw new HpackError(`table size update ${size} above ${this.limit}`);
        this.maxSize = size;
        this.evict(0);
      } else {
        fields.push(this.literal(block, cursor, 4));
      }
    }
    return fields;
  }

  private entry(index: number): HeaderField {
    if (index === 0) throw new HpackError('header index 0');
    if (index <= STATIC.length) return STATIC[index - 1]!;
    const field = this.table[index - STATIC.length - 1];
    if (field === undefined) throw new HpackError(`header index ${index} out of range`);
    return field;
  }

  private literal(block: Buffer, cursor: { pos: number }, prefix: number): HeaderField {
    const index = this.integer(block, cursor, prefix);
    const name = index === 0 ? this.string(block, cursor) : this.entry(index)[0];
    return [name, this.string(block, cursor)];
  }

  private integer(block: Buffer, cursor: { pos: number }, prefix: number): number {
    const mask = (1 << prefix) - 1;
    let value = block[cursor.pos++]! & mask;
    if (value < mask) return value;
    let shift = 0;
    for (;;) {
      if (cursor.pos >= block.length) throw new HpackError('truncated integer');
      const b = block[cursor.pos++]!;
      value += (b & 0x7f) * 2 ** shift;
      shift += 7;
      if ((b & 0x80) === 0) return value;
      if (shift > 28) throw new HpackError('integer too large');
    }
  }

  private string(block: Buffer, cursor: { pos: number }): string {
    if (cursor.pos >= block.length) throw new HpackError('truncated string');
    const huffman = (block[cursor.pos]! & 0x80) !== 0;
    const length = this.integer(block, cursor, 7);
    const start = cursor.pos;
    const end = start + length;
    if (end > block.length) throw new HpackError('truncated string');
    cursor.pos = end;
    if (!huffman) return block.toString('latin1', start, end);
    try {
      return huffmanDecode(block, start, end);
    } catch (err) {
      throw new HpackError((err as Error).message);
    }
  }

  private insert(field: HeaderField): void {
    const size = field[0].length + field[1].length + ENTRY_OVERHEAD;
    this.evict(size);
    if (size <= this.maxSize) {
      this.table.unshift(field);
      this.size += size;
    }
  }

  /** Evicts the oldest entries until `room` more octets fit (all of them if it cannot). */
  private evict(room: number): void {
    while (this.table.length > 0 && this.size + room > this.maxSize) {
      const [name, value] = this.table.pop()!;
      this.size -= name.length + value.length + ENTRY_OVERHEAD;
    }
  }
}

function encodeInteger(out: number[], value: number, prefix: number, flags: number): void {
  const mask = (1 << prefix) - 1;
  if (value < mask) {
    out.push(flags | value);
    return;
  }
  out.push(flags | mask);
  value -= mask;
  while (value >= 0x80) {
    out.push((value % 0x80) | 0x80);
    value = Math.floor(value / 0x80);
  }
  out.push(value);
}

function encodeString(out: number[], value: string): void {
  const bytes = Buffer.from(value, 'latin1');
  encodeInteger(out, bytes.length, 7, 0);
  for (const b of bytes) out.push(b);
}

/**
 * Encodes header fields as a block: a field equal to a static entry as its index, any other as a literal
 * without indexing (with the static name's index where there is one). Values are latin1.
 */
export function encodeHeaders(fields: readonly HeaderField[]): Buffer {
  const out: number[] = [];
  for (const [name, value] of fields) {
    const exact = STATIC.findIndex(([n, v]) => n === name && v === value);
    if (exact >= 0) {
      encodeInteger(out, exact + 1, 7, 0x80);
      continue;
    }
    const named = STATIC.findIndex(([n]) => n === name);
    encodeInteger(out, named + 1, 4, 0);
    if (named < 0) encodeString(out, name);
    encodeString(out, value);
  }
  return Buffer.from(out);
}
