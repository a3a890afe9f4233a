import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectionError, answered, ignored, pingFrame, streamError } from './conformance.test-support.js';
import {
  ErrorCode,
  Flag,
  frame,
  FrameType,
  goawayFrame,
  rstStreamFrame,
  Setting,
  settingsFrame,
  windowUpdateFrame,
} from './frame.js';
import { GrpcUnaryServer } from './grpc-unary-server.js';
import { encodeHeaders, type HeaderField } from './hpack.js';
import {
  echoLambda,
  grpcMessage,
  RawPeer,
  REQUEST_FIELDS,
  REQUEST_HEADERS,
  requestFrames,
  RUN_LAMBDA,
  START,
} from './raw-peer.test-support.js';
import { codec } from '../codec.js';

// What h2spec checks of an HTTP/2 server, for our lean gRPC server, by section of RFC 9113: raw frames in,
// the exact reaction out (a connection error's GOAWAY code, a stream error's RST_STREAM, or the answer).

const HANG = '/uiiit.rpc.EdgeServer/Hang';
const req = codec('uiiit.rpc.LambdaRequest');

let server: GrpcUnaryServer;
let narrow: GrpcUnaryServer;
const endpoint = (): string => server.endpoint;

before(async () => {
  const handlers = { [RUN_LAMBDA]: echoLambda, [HANG]: () => new Promise<Buffer>(() => undefined) };
  server = await GrpcUnaryServer.start('127.0.0.1:0', handlers);
  narrow = await GrpcUnaryServer.start('127.0.0.1:0', handlers, { maxConcurrentStreams: 2 });
});
after(async () => {
  await Promise.all([server.stop(0), narrow.stop(0)]);
});

/** The request fields with `change` applied to the list. */
function fieldsWith(change: (fields: HeaderField[]) => HeaderField[]): Buffer {
  return encodeHeaders(change([...REQUEST_FIELDS]));
}
const HANG_HEADERS = fieldsWith((f) => f.map(([n, v]) => [n, n === ':path' ? HANG : v]));
const headers = (id: number, flags: number, block = REQUEST_HEADERS): Buffer =>
  frame(FrameType.HEADERS, flags, id, block);
const open = (id: number): Buffer => headers(id, Flag.END_HEADERS);
const body = (id: number, input: string, flags: number = Flag.END_STREAM): Buffer =>
  frame(FrameType.DATA, flags, id, grpcMessage(req.encode({ input })));
/** A request on `id` to a method that never answers: the stream stays half-closed (remote). */
const hanging = (id: number): Buffer =>
  Buffer.concat([headers(id, Flag.END_HEADERS, HANG_HEADERS), body(id, 'x')]);
const ping = (flags = 0, id = 0, length = 8): Buffer =>
  frame(FrameType.PING, flags, id, Buffer.alloc(length));

describe('RFC 9113 §3.4 HTTP/2 connection preface', () => {
  test('the server’s preface is a SETTINGS frame, and it acknowledges ours', async () => {
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(START);
    await peer.frame((f) => f.type === FrameType.SETTINGS && (f.flags & Flag.ACK) !== 0);
    assert.equal(peer.frames[0]!.type, FrameType.SETTINGS);
    assert.equal(peer.frames[0]!.flags, 0);
    peer.socket.destroy();
  });
  test('an invalid preface: connection error, GOAWAY 1', async () => {
    const bytes = Buffer.from('PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n', 'latin1');
    assert.equal(await RawPeer.goawayAfter(server.endpoint, bytes), ErrorCode.PROTOCOL_ERROR);
  });
  test('an HTTP/1.1 request: connection error, GOAWAY 1', async () => {
    const bytes = Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'latin1');
    assert.equal(await RawPeer.goawayAfter(server.endpoint, bytes), ErrorCode.PROTOCOL_ERROR);
  });
});

describe('RFC 9113 §4.1 frame format', () => {
  ignored(endpoint, 'a frame of an unknown type', [frame(0x20, 0, 0, Buffer.from('unknown'))]);
  ignored(endpoint, 'a PING with undefined flags', [ping(0xfe & ~Flag.ACK)]);
  const reserved = ping();
  reserved[5]! |= 0x80;
  ignored(endpoint, 'the reserved bit of the stream id set', [reserved]);
});

describe('RFC 9113 §4.2 frame size', () => {
  const input = 'z'.repeat(20_000);
  const message = grpcMessage(req.encode({ input }));
  answered(
    endpoint,
    'DATA of SETTINGS_MAX_FRAME_SIZE (16,384) octets',
    [
      open(1),
      frame(FrameType.DATA, 0, 1, message.subarray(0, 16384)),
      frame(FrameType.DATA, Flag.END_STREAM, 1, message.subarray(16384)),
    ],
    1,
    input,
  );
  connectionError(
    endpoint,
    'DATA over SETTINGS_MAX_FRAME_SIZE',
    [open(1), frame(FrameType.DATA, 0, 1, Buffer.alloc(16385))],
    ErrorCode.FRAME_SIZE_ERROR,
  );
  connectionError(
    endpoint,
    'HEADERS over SETTINGS_MAX_FRAME_SIZE',
    [headers(1, Flag.END_HEADERS, Buffer.concat([REQUEST_HEADERS, Buffer.alloc(16385)]))],
    ErrorCode.FRAME_SIZE_ERROR,
  );
});

describe('RFC 9113 §4.3 field section compression and decompression', () => {
  connectionError(
    endpoint,
    'an undecodable field block',
    [headers(1, Flag.END_HEADERS, Buffer.from([0x80]))],
    ErrorCode.COMPRESSION_ERROR,
  );
  const partial = headers(1, 0, REQUEST_HEADERS.subarray(0, 4));
  const rest = frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, REQUEST_HEADERS.subarray(4));
  connectionError(
    endpoint,
    'PRIORITY inside a field block',
    [partial, frame(FrameType.PRIORITY, 0, 3, Buffer.alloc(5)), rest],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'HEADERS of another stream inside a field block',
    [partial, open(3), rest],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'DATA inside a field block',
    [partial, body(1, 'x'), rest],
    ErrorCode.PROTOCOL_ERROR,
  );
});

describe('RFC 9113 §5.1 stream states', () => {
  // idle
  connectionError(
    endpoint,
    'DATA on an idle stream',
    [frame(FrameType.DATA, 0, 1, Buffer.from('x'))],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'RST_STREAM on an idle stream',
    [rstStreamFrame(1, ErrorCode.CANCEL)],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'WINDOW_UPDATE on an idle stream',
    [windowUpdateFrame(7, 1)],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'CONTINUATION on an idle stream',
    [frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, REQUEST_HEADERS)],
    ErrorCode.PROTOCOL_ERROR,
  );
  answered(
    endpoint,
    'PRIORITY on an idle stream, then a request on it',
    [frame(FrameType.PRIORITY, 0, 1, Buffer.alloc(5)), requestFrames(1, 'prio')],
    1,
    'prio',
  );
  // half-closed (remote)
  streamError(
    endpoint,
    'DATA on a half-closed (remote) stream',
    [hanging(1), body(1, 'more')],
    1,
    ErrorCode.STREAM_CLOSED,
  );
  streamError(
    endpoint,
    'HEADERS on a half-closed (remote) stream',
    [hanging(1), headers(1, Flag.END_HEADERS | Flag.END_STREAM, encodeHeaders([['x-late', '1']]))],
    1,
    ErrorCode.STREAM_CLOSED,
  );
  ignored(endpoint, 'WINDOW_UPDATE and PRIORITY on a half-closed (remote) stream', [
    hanging(1),
    windowUpdateFrame(1, 100),
    frame(FrameType.PRIORITY, 0, 1, Buffer.alloc(5)),
  ]);
  // closed
  streamError(
    endpoint,
    'DATA after the client reset the stream',
    [open(1), rstStreamFrame(1, ErrorCode.CANCEL), body(1, 'late')],
    1,
    ErrorCode.STREAM_CLOSED,
  );
  test('DATA on a stream ended both ways: stream error, RST_STREAM 5', async () => {
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(Buffer.concat([START, requestFrames(1, 'done')]));
    await peer.frame((f) => f.type === FrameType.HEADERS && f.id === 1 && (f.flags & Flag.END_STREAM) !== 0);
    peer.socket.write(body(1, 'late'));
    assert.deepEqual(await peer.reset(), [1, ErrorCode.STREAM_CLOSED]);
    peer.socket.destroy();
  });
  test('HEADERS on a stream ended both ways: stream error, RST_STREAM 5', async () => {
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(Buffer.concat([START, requestFrames(1, 'done')]));
    await peer.frame((f) => f.type === FrameType.HEADERS && f.id === 1 && (f.flags & Flag.END_STREAM) !== 0);
    peer.socket.write(open(1));
    assert.deepEqual(await peer.reset(), [1, ErrorCode.STREAM_CLOSED]);
    peer.socket.destroy();
  });
  test('frames in flight on a stream the server reset are ignored', async () => {
    const peer = await RawPeer.connect(server.endpoint);
    const notGrpc = fieldsWith((f) => f.map(([n, v]) => [n, n === 'content-type' ? 'text/plain' : v]));
    // Answered 415 before its body came: the server resets it (NO_ERROR), then the body arrives.
    peer.socket.write(
      Buffer.concat([
        START,
        headers(1, Flag.END_HEADERS, notGrpc),
        body(1, 'in flight'),
        requestFrames(3, 'next'),
      ]),
    );
    assert.equal(await peer.output(3), 'next');
    assert.deepEqual(
      peer.frames
        .filter((f) => f.type === FrameType.RST_STREAM)
        .map((f) => [f.id, f.payload.readUInt32BE(0)]),
      [[1, ErrorCode.NO_ERROR]],
    );
    peer.socket.destroy();
  });
  connectionError(
    endpoint,
    'CONTINUATION on a closed stream',
    [requestFrames(1, 'x'), frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, REQUEST_HEADERS)],
    ErrorCode.PROTOCOL_ERROR,
  );
});

describe('RFC 9113 §5.1.1 stream identifiers', () => {
  connectionError(endpoint, 'a stream opened with an even id', [open(2)], ErrorCode.PROTOCOL_ERROR);
  connectionError(
    endpoint,
    'a new stream id below the last one',
    [hanging(5), open(3)],
    ErrorCode.PROTOCOL_ERROR,
  );
});

describe('RFC 9113 §5.1.2 stream concurrency', () => {
  test('SETTINGS_MAX_CONCURRENT_STREAMS is advertised, and a stream over it is refused (REFUSED_STREAM)', async () => {
    const peer = await RawPeer.connect(narrow.endpoint);
    peer.socket.write(Buffer.concat([START, hanging(1), hanging(3), hanging(5)]));
    const settings = await peer.frame((f) => f.type === FrameType.SETTINGS && (f.flags & Flag.ACK) === 0);
    const advertised = new Map<number, number>();
    for (let off = 0; off < settings.payload.length; off += 6)
      advertised.set(settings.payload.readUInt16BE(off), settings.payload.readUInt32BE(off + 2));
    assert.equal(advertised.get(Setting.MAX_CONCURRENT_STREAMS), 2);
    assert.deepEqual(await peer.reset(), [5, ErrorCode.REFUSED_STREAM]);
    // Room again once a stream closes.
    peer.socket.write(Buffer.concat([rstStreamFrame(1, ErrorCode.CANCEL), requestFrames(7, 'room')]));
    assert.equal(await peer.output(7), 'room');
    peer.socket.destroy();
  });
});

describe('RFC 9113 §5.3 priority (deprecated): self-dependency', () => {
  const selfDependent = Buffer.concat([Buffer.from([0, 0, 0, 1, 16]), REQUEST_HEADERS]);
  streamError(
    endpoint,
    'HEADERS depending on its own stream',
    [headers(1, Flag.END_HEADERS | Flag.PRIORITY, selfDependent)],
    1,
    ErrorCode.PROTOCOL_ERROR,
  );
  streamError(
    endpoint,
    'PRIORITY depending on its own stream',
    [frame(FrameType.PRIORITY, 0, 1, Buffer.from([0, 0, 0, 1, 16]))],
    1,
    ErrorCode.PROTOCOL_ERROR,
  );
});

describe('RFC 9113 §5.4 error handling', () => {
  test('a connection error’s GOAWAY names the last stream the server processed', async () => {
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(Buffer.concat([START, requestFrames(1, 'a'), hanging(3), ping(0, 1)]));
    const goaway = await peer.frame((f) => f.type === FrameType.GOAWAY);
    assert.deepEqual(
      [goaway.payload.readUInt32BE(0), goaway.payload.readUInt32BE(4)],
      [3, ErrorCode.PROTOCOL_ERROR],
    );
    await peer.closed;
  });
  // A stream error leaves the connection and its other streams alone: every streamError case checks it.
});

describe('RFC 9113 §5.5 extending HTTP/2', () => {
  ignored(endpoint, 'an unknown SETTINGS identifier', [settingsFrame([[0x99, 1]])]);
});

describe('RFC 9113 §6.1 DATA', () => {
  connectionError(
    endpoint,
    'DATA on stream 0',
    [frame(FrameType.DATA, 0, 0, Buffer.from('x'))],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'DATA whose padding fills the frame',
    [open(1), frame(FrameType.DATA, Flag.PADDED, 1, Buffer.from([4, 0, 0, 0]))],
    ErrorCode.PROTOCOL_ERROR,
  );
  const message = grpcMessage(req.encode({ input: 'padded' }));
  answered(
    endpoint,
    'padded DATA',
    [
      open(1),
      frame(
        FrameType.DATA,
        Flag.PADDED | Flag.END_STREAM,
        1,
        Buffer.concat([Buffer.from([10]), message, Buffer.alloc(10)]),
      ),
    ],
    1,
    'padded',
  );
});

describe('RFC 9113 §6.2 HEADERS', () => {
  connectionError(endpoint, 'HEADERS on stream 0', [headers(0, Flag.END_HEADERS)], ErrorCode.PROTOCOL_ERROR);
  connectionError(
    endpoint,
    'HEADERS whose padding exceeds the frame',
    [headers(1, Flag.END_HEADERS | Flag.PADDED, Buffer.concat([Buffer.from([255]), REQUEST_HEADERS]))],
    ErrorCode.PROTOCOL_ERROR,
  );
  answered(
    endpoint,
    'padded HEADERS with priority fields',
    [
      headers(
        1,
        Flag.END_HEADERS | Flag.PADDED | Flag.PRIORITY,
        Buffer.concat([Buffer.from([3, 0, 0, 0, 0, 16]), REQUEST_HEADERS, Buffer.alloc(3)]),
      ),
      body(1, 'prioritised'),
    ],
    1,
    'prioritised',
  );
});

describe('RFC 9113 §6.3 PRIORITY', () => {
  connectionError(
    endpoint,
    'PRIORITY on stream 0',
    [frame(FrameType.PRIORITY, 0, 0, Buffer.alloc(5))],
    ErrorCode.PROTOCOL_ERROR,
  );
  streamError(
    endpoint,
    'PRIORITY of length 4',
    [frame(FrameType.PRIORITY, 0, 1, Buffer.alloc(4))],
    1,
    ErrorCode.FRAME_SIZE_ERROR,
  );
});

describe('RFC 9113 §6.4 RST_STREAM', () => {
  connectionError(
    endpoint,
    'RST_STREAM on stream 0',
    [rstStreamFrame(0, ErrorCode.CANCEL)],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'RST_STREAM of length 3',
    [hanging(1), frame(FrameType.RST_STREAM, 0, 1, Buffer.alloc(3))],
    ErrorCode.FRAME_SIZE_ERROR,
  );
});

describe('RFC 9113 §6.5 SETTINGS', () => {
  connectionError(
    endpoint,
    'SETTINGS ACK with a payload',
    [frame(FrameType.SETTINGS, Flag.ACK, 0, Buffer.alloc(6))],
    ErrorCode.FRAME_SIZE_ERROR,
  );
  connectionError(
    endpoint,
    'SETTINGS on a stream',
    [frame(FrameType.SETTINGS, 0, 1, Buffer.alloc(0))],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'SETTINGS of length 3',
    [frame(FrameType.SETTINGS, 0, 0, Buffer.alloc(3))],
    ErrorCode.FRAME_SIZE_ERROR,
  );
  connectionError(
    endpoint,
    'ENABLE_PUSH=2',
    [settingsFrame([[Setting.ENABLE_PUSH, 2]])],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'INITIAL_WINDOW_SIZE of 2^31',
    [settingsFrame([[Setting.INITIAL_WINDOW_SIZE, 2 ** 31]])],
    ErrorCode.FLOW_CONTROL_ERROR,
  );
  connectionError(
    endpoint,
    'MAX_FRAME_SIZE of 16,383',
    [settingsFrame([[Setting.MAX_FRAME_SIZE, 16383]])],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'MAX_FRAME_SIZE of 2^24',
    [settingsFrame([[Setting.MAX_FRAME_SIZE, 2 ** 24]])],
    ErrorCode.PROTOCOL_ERROR,
  );
});

describe('RFC 9113 §6.6 PUSH_PROMISE', () => {
  connectionError(
    endpoint,
    'PUSH_PROMISE from a client',
    [
      hanging(1),
      frame(
        FrameType.PUSH_PROMISE,
        Flag.END_HEADERS,
        1,
        Buffer.concat([Buffer.from([0, 0, 0, 2]), REQUEST_HEADERS]),
      ),
    ],
    ErrorCode.PROTOCOL_ERROR,
  );
});

describe('RFC 9113 §6.7 PING', () => {
  test('a PING is acknowledged with its payload; a PING ACK is not answered', async () => {
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(
      Buffer.concat([
        START,
        frame(FrameType.PING, Flag.ACK, 0, Buffer.from('unasked!')),
        pingFrame(Buffer.from('12345678')),
      ]),
    );
    const ack = await peer.frame((f) => f.type === FrameType.PING);
    assert.deepEqual([ack.flags, ack.payload.toString()], [Flag.ACK, '12345678']);
    assert.equal(peer.frames.filter((f) => f.type === FrameType.PING).length, 1);
    peer.socket.destroy();
  });
  connectionError(endpoint, 'PING on a stream', [ping(0, 1)], ErrorCode.PROTOCOL_ERROR);
  connectionError(endpoint, 'PING of length 6', [ping(0, 0, 6)], ErrorCode.FRAME_SIZE_ERROR);
});

describe('RFC 9113 §6.8 GOAWAY', () => {
  connectionError(
    endpoint,
    'GOAWAY on a stream',
    [frame(FrameType.GOAWAY, 0, 1, goawayFrame(0, 0).subarray(9))],
    ErrorCode.PROTOCOL_ERROR,
  );
  test('after the client’s GOAWAY, the server answers the open streams and closes', async () => {
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(Buffer.concat([START, open(1), goawayFrame(1, ErrorCode.NO_ERROR), body(1, 'last')]));
    assert.equal(await peer.output(1), 'last');
    await peer.closed;
  });
});

describe('RFC 9113 §6.9 WINDOW_UPDATE', () => {
  connectionError(
    endpoint,
    'an increment of 0 on the connection',
    [windowUpdateFrame(0, 0)],
    ErrorCode.PROTOCOL_ERROR,
  );
  streamError(
    endpoint,
    'an increment of 0 on a stream',
    [hanging(1), windowUpdateFrame(1, 0)],
    1,
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'WINDOW_UPDATE of length 3',
    [frame(FrameType.WINDOW_UPDATE, 0, 0, Buffer.alloc(3))],
    ErrorCode.FRAME_SIZE_ERROR,
  );
});

describe('RFC 9113 §6.9.1 the flow-control window', () => {
  connectionError(
    endpoint,
    'the connection window over 2^31-1',
    [windowUpdateFrame(0, 2 ** 31 - 1)],
    ErrorCode.FLOW_CONTROL_ERROR,
  );
  streamError(
    endpoint,
    'a stream window over 2^31-1',
    [hanging(1), windowUpdateFrame(1, 2 ** 31 - 1)],
    1,
    ErrorCode.FLOW_CONTROL_ERROR,
  );
});

describe('RFC 9113 §6.9.2 initial flow-control window size', () => {
  connectionError(
    endpoint,
    'INITIAL_WINDOW_SIZE overflowing an open stream',
    [
      hanging(1),
      windowUpdateFrame(1, 2 ** 31 - 1 - 65535),
      settingsFrame([[Setting.INITIAL_WINDOW_SIZE, 65536]]),
    ],
    ErrorCode.FLOW_CONTROL_ERROR,
  );
  test('INITIAL_WINDOW_SIZE of 1: the reply comes one octet at a time, the rest after WINDOW_UPDATE', async () => {
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(
      Buffer.concat([START, settingsFrame([[Setting.INITIAL_WINDOW_SIZE, 1]]), requestFrames(1, 'windowed')]),
    );
    const first = await peer.frame((f) => f.type === FrameType.DATA && f.id === 1);
    assert.equal(first.payload.length, 1);
    peer.socket.write(windowUpdateFrame(1, 1000));
    await peer.frame((f) => f.type === FrameType.HEADERS && f.id === 1 && (f.flags & Flag.END_STREAM) !== 0);
    const data = Buffer.concat(peer.frames.filter((f) => f.type === FrameType.DATA).map((f) => f.payload));
    assert.equal(codec('uiiit.rpc.LambdaResponse').decode(data.subarray(5)).output, 'windowed');
    peer.socket.destroy();
  });
});

describe('RFC 9113 §6.10 CONTINUATION', () => {
  answered(
    endpoint,
    'a field block in HEADERS and two CONTINUATIONs',
    [
      headers(1, 0, REQUEST_HEADERS.subarray(0, 10)),
      frame(FrameType.CONTINUATION, 0, 1, REQUEST_HEADERS.subarray(10, 20)),
      frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, REQUEST_HEADERS.subarray(20)),
      body(1, 'continued'),
    ],
    1,
    'continued',
  );
  connectionError(
    endpoint,
    'CONTINUATION after END_HEADERS',
    [hanging(1), frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, Buffer.alloc(0))],
    ErrorCode.PROTOCOL_ERROR,
  );
  connectionError(
    endpoint,
    'CONTINUATION on stream 0',
    [headers(1, 0, REQUEST_HEADERS), frame(FrameType.CONTINUATION, Flag.END_HEADERS, 0, Buffer.alloc(0))],
    ErrorCode.PROTOCOL_ERROR,
  );
});

describe('RFC 9113 §8.1 HTTP message framing', () => {
  const withLength = (n: string) => fieldsWith((f) => [...f, ['content-length', n]]);
  streamError(
    endpoint,
    'a content-length the body does not match',
    [headers(1, Flag.END_HEADERS, withLength('100')), body(1, 'x')],
    1,
    ErrorCode.PROTOCOL_ERROR,
  );
  const exact = grpcMessage(req.encode({ input: 'sized' })).length;
  answered(
    endpoint,
    'a content-length the body matches',
    [headers(1, Flag.END_HEADERS, withLength(String(exact))), body(1, 'sized')],
    1,
    'sized',
  );
  streamError(
    endpoint,
    'trailers without END_STREAM',
    [open(1), body(1, 'x', 0), headers(1, Flag.END_HEADERS, encodeHeaders([['x-trailer', '1']]))],
    1,
    ErrorCode.PROTOCOL_ERROR,
  );
  answered(
    endpoint,
    'a request ended by trailers',
    [
      open(1),
      body(1, 'trailed', 0),
      headers(1, Flag.END_HEADERS | Flag.END_STREAM, encodeHeaders([['x-trailer', '1']])),
    ],
    1,
    'trailed',
  );
});

describe('RFC 9113 §8.2 HTTP fields', () => {
  const cases: [string, HeaderField][] = [
    ['an uppercase field name', ['X-Up', '1']],
    ['a connection-specific field', ['connection', 'close']],
    ['transfer-encoding', ['transfer-encoding', 'chunked']],
    ['te other than trailers', ['te', 'gzip']],
  ];
  for (const [name, field] of cases)
    streamError(
      endpoint,
      name,
      [
        headers(
          1,
          Flag.END_HEADERS,
          fieldsWith((f) => [...f, field]),
        ),
        body(1, 'x'),
      ],
      1,
      ErrorCode.PROTOCOL_ERROR,
    );
});

describe('RFC 9113 §8.3 HTTP control data (pseudo-headers)', () => {
  const cases: [string, (f: HeaderField[]) => HeaderField[]][] = [
    ['an unknown pseudo-header', (f) => [[':protocol', 'x'], ...f]],
    ['a response pseudo-header in a request', (f) => [[':status', '200'], ...f]],
    ['a pseudo-header after a regular field', (f) => [...f, [':authority', 'late']]],
    ['a repeated :path', (f) => [[':path', RUN_LAMBDA], ...f]],
    ['no :method', (f) => f.filter(([n]) => n !== ':method')],
    ['no :scheme', (f) => f.filter(([n]) => n !== ':scheme')],
    ['no :path', (f) => f.filter(([n]) => n !== ':path')],
    ['an empty :path', (f) => f.map(([n, v]) => [n, n === ':path' ? '' : v])],
  ];
  for (const [name, change] of cases)
    streamError(
      endpoint,
      name,
      [headers(1, Flag.END_HEADERS, fieldsWith(change)), body(1, 'x')],
      1,
      ErrorCode.PROTOCOL_ERROR,
    );
  streamError(
    endpoint,
    'a pseudo-header in trailers',
    [
      open(1),
      body(1, 'x', 0),
      headers(1, Flag.END_HEADERS | Flag.END_STREAM, encodeHeaders([[':path', '/']])),
    ],
    1,
    ErrorCode.PROTOCOL_ERROR,
  );
});
