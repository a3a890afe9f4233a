import { after, before, describe } from 'node:test';
import { answered, connectionError } from './conformance.test-support.js';
import { ErrorCode, Flag, frame, FrameType } from './frame.js';
import { GrpcUnaryServer } from './grpc-unary-server.js';
import { encodeHeaders } from './hpack.js';
import {
  echoLambda,
  REQUEST_FIELDS,
  REQUEST_HEADERS,
  requestFrames,
  RUN_LAMBDA,
} from './raw-peer.test-support.js';

// What h2spec checks of HPACK (RFC 7541), by section, over the wire of our lean gRPC server: a field block
// the server must decode (the request is answered) or refuse (connection error COMPRESSION_ERROR).

let server: GrpcUnaryServer;
const endpoint = (): string => server.endpoint;

before(async () => {
  server = await GrpcUnaryServer.start('127.0.0.1:0', { [RUN_LAMBDA]: echoLambda });
});
after(() => server.stop(0));

/** The request fields but `:path`, encoded without indexing: a block to put a `:path` representation before. */
const WITHOUT_PATH = encodeHeaders(REQUEST_FIELDS.filter(([n]) => n !== ':path'));
/** `:path` RunLambda as a literal with incremental indexing, name by static index 4 (it enters the dynamic table at 62). */
const PATH_INDEXED = Buffer.concat([
  Buffer.from([0x44, RUN_LAMBDA.length]),
  Buffer.from(RUN_LAMBDA, 'latin1'),
]);
/** The request, `:path` given by index 62 of the dynamic table. */
const PATH_FROM_TABLE = Buffer.concat([Buffer.from([0x80 | 62]), WITHOUT_PATH]);
/** A request on `id` with this field block. */
const withBlock = (id: number, input: string, block: Buffer): Buffer => requestFrames(id, input, block);
/** A field block that must be refused, on stream 1. */
const refused = (name: string, block: Buffer): void =>
  connectionError(
    endpoint,
    name,
    [frame(FrameType.HEADERS, Flag.END_HEADERS, 1, block)],
    ErrorCode.COMPRESSION_ERROR,
  );

describe('RFC 7541 §2.3 indexing tables', () => {
  answered(
    endpoint,
    'a field indexed by one request and referenced by index 62 in the next',
    [
      withBlock(1, 'first', Buffer.concat([PATH_INDEXED, WITHOUT_PATH])),
      withBlock(3, 'second', PATH_FROM_TABLE),
    ],
    3,
    'second',
  );
  refused('an index past the static table with an empty dynamic table', PATH_FROM_TABLE);
});

describe('RFC 7541 §4 dynamic table management', () => {
  answered(
    endpoint,
    'size updates at the start of a block (to 0, then back to 4,096)',
    [withBlock(1, 'resized', Buffer.concat([Buffer.from([0x20, 0x3f, 0xe1, 0x1f]), REQUEST_HEADERS]))],
    1,
    'resized',
  );
  refused('a size update above SETTINGS_HEADER_TABLE_SIZE (4,097)', Buffer.from([0x3f, 0xe2, 0x1f]));
  refused('a size update after a field', Buffer.concat([REQUEST_HEADERS, Buffer.from([0x20])]));
  connectionError(
    endpoint,
    'an entry evicted by a size update of 0, then referenced',
    [
      withBlock(1, 'first', Buffer.concat([PATH_INDEXED, WITHOUT_PATH])),
      frame(FrameType.HEADERS, Flag.END_HEADERS, 3, Buffer.concat([Buffer.from([0x20]), PATH_FROM_TABLE])),
    ],
    ErrorCode.COMPRESSION_ERROR,
  );
});

describe('RFC 7541 §5.1 integer representation', () => {
  refused('an integer over 2^28 (overflow)', Buffer.from([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]));
  refused('a truncated integer', Buffer.from([0xff, 0x80]));
});

describe('RFC 7541 §5.2 string literal representation', () => {
  // RFC 7541 C.4.1: "www.example.com" Huffman-coded.
  const huffman = Buffer.from('f1e3c2e5f23a6ba0ab90f4ff', 'hex');
  const authority = (value: Buffer, huffmanCoded = true): Buffer =>
    Buffer.concat([Buffer.from([0x01, (huffmanCoded ? 0x80 : 0) | value.length]), value]);
  const withoutAuthority = encodeHeaders(REQUEST_FIELDS.filter(([n]) => n !== ':authority'));
  answered(
    endpoint,
    'a Huffman-coded value',
    [withBlock(1, 'huffman', Buffer.concat([authority(huffman), withoutAuthority]))],
    1,
    'huffman',
  );
  // 'a' is the 5 bits 00011: 0x1f pads it with ones (valid); 0x18 pads it with zeros.
  refused(
    'Huffman padding longer than 7 bits',
    Buffer.concat([authority(Buffer.from([0x1f, 0xff])), withoutAuthority]),
  );
  refused(
    'Huffman padding that is not a prefix of EOS',
    Buffer.concat([authority(Buffer.from([0x18])), withoutAuthority]),
  );
  refused(
    'a Huffman-coded EOS',
    Buffer.concat([authority(Buffer.from([0xff, 0xff, 0xff, 0xff])), withoutAuthority]),
  );
  refused('a string longer than the block', Buffer.from([0x01, 0x0a, 0x61, 0x62]));
});

describe('RFC 7541 §6 binary format', () => {
  refused('an indexed field of index 0', Buffer.concat([Buffer.from([0x80]), REQUEST_HEADERS]));
  refused('a literal whose name index is past both tables', Buffer.from([0x0f, 0x31, 0x01, 0x61]));
  answered(
    endpoint,
    'a literal never indexed',
    [
      withBlock(
        1,
        'never',
        Buffer.concat([
          Buffer.from([0x11, 0x01, 0x78]),
          encodeHeaders(REQUEST_FIELDS.filter(([n]) => n !== ':authority')),
        ]),
      ),
    ],
    1,
    'never',
  );
});
