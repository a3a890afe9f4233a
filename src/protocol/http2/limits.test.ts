import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { GrpcUnaryChannel } from './grpc-unary-client.js';
import {
  ErrorCode,
  Flag,
  frame,
  FrameType,
  rstStreamFrame,
  Setting,
  settingsFrame,
  windowUpdateFrame,
} from './frame.js';
import { GrpcUnaryServer, type UnaryCall } from './grpc-unary-server.js';
import { encodeHeaders } from './hpack.js';
import { DEFAULT_H2_LIMITS, type H2Limits } from './limits.js';
import {
  echoLambda,
  RawPeer,
  REQUEST_FIELDS,
  REQUEST_HEADERS,
  requestFrames,
  RUN_LAMBDA,
  START,
} from './raw-peer.test-support.js';

// Every H2Limits field at its boundary, on a server with small limits: at the limit the peer is served,
// one past it the connection is closed (GOAWAY ENHANCE_YOUR_CALM, or dropped) and other connections are not
// affected. maxConcurrentStreams: conformance-rfc9113.test.ts §5.1.2.

const BIG = '/uiiit.rpc.EdgeServer/Big';
const HANG = '/uiiit.rpc.EdgeServer/Hang';
const REPLY_BYTES = 256 * 1024;
const LIMITS: Partial<H2Limits> = {
  maxContinuations: 3,
  maxEmptyFrames: 20,
  maxQueuedControl: 10,
  maxBufferedBytes: 1024 * 1024,
  maxResetBurst: 10,
  maxResetRate: 10,
  prefaceTimeoutMs: 300,
  idleTimeoutMs: 300,
};
/** The calls of HANG, to hear when their connection goes. */
const hanging: UnaryCall[] = [];
let server: GrpcUnaryServer;

before(async () => {
  server = await GrpcUnaryServer.start(
    '127.0.0.1:0',
    {
      [RUN_LAMBDA]: echoLambda,
      // A big reply, each in its own tick (as a real computer's would come).
      [BIG]: () =>
        new Promise<Buffer>((resolve) => setImmediate(() => resolve(Buffer.alloc(REPLY_BYTES, 7)))),
      [HANG]: (_bytes, call) => {
        hanging.push(call);
        return new Promise<Buffer>(() => undefined);
      },
    },
    LIMITS,
  );
});
after(() => server.stop(0));

/** A normal call on a new connection still gets its answer. */
async function stillServes(): Promise<void> {
  const channel = new GrpcUnaryChannel(server.endpoint);
  try {
    await channel.call(RUN_LAMBDA, Buffer.alloc(0), 10_000);
  } finally {
    channel.close();
  }
}

const blockFor = (path: string): Buffer =>
  encodeHeaders(REQUEST_FIELDS.map(([n, v]) => [n, n === ':path' ? path : v]));

describe('H2Limits at their boundaries', { timeout: 60_000 }, () => {
  test('maxContinuations: a header block in HEADERS + 3 CONTINUATIONs is served, + 4 is refused', async () => {
    const split = (n: number): Buffer[] => {
      const parts = [frame(FrameType.HEADERS, 0, 1, REQUEST_HEADERS.subarray(0, 1))];
      for (let i = 1; i <= n; i++) {
        const chunk = i === n ? REQUEST_HEADERS.subarray(i) : REQUEST_HEADERS.subarray(i, i + 1);
        parts.push(frame(FrameType.CONTINUATION, i === n ? Flag.END_HEADERS : 0, 1, chunk));
      }
      return parts;
    };
    const peer = await RawPeer.connect(server.endpoint);
    const data = requestFrames(1, 'three').subarray(9 + REQUEST_HEADERS.length);
    peer.socket.write(Buffer.concat([START, ...split(3), data]));
    assert.equal(await peer.output(1), 'three');
    peer.socket.destroy();
    const over = Buffer.concat([START, ...split(4)]);
    assert.equal(await RawPeer.goawayAfter(server.endpoint, over), ErrorCode.ENHANCE_YOUR_CALM);
  });

  test('maxEmptyFrames: 20 empty DATA frames are taken, the 21st closes the connection', async () => {
    const empties = (n: number): Buffer[] => Array.from({ length: n }, () => frame(FrameType.DATA, 0, 1));
    const head = frame(FrameType.HEADERS, Flag.END_HEADERS, 1, REQUEST_HEADERS);
    const peer = await RawPeer.connect(server.endpoint);
    const rest = requestFrames(1, 'after empties').subarray(9 + REQUEST_HEADERS.length);
    peer.socket.write(Buffer.concat([START, head, ...empties(20), rest]));
    assert.equal(await peer.output(1), 'after empties');
    peer.socket.destroy();
    const over = Buffer.concat([START, head, ...empties(21)]);
    assert.equal(await RawPeer.goawayAfter(server.endpoint, over), ErrorCode.ENHANCE_YOUR_CALM);
  });

  test('maxQueuedControl: 10 acknowledgements queued at once are sent, the 11th closes the connection', async () => {
    const pings = (n: number): Buffer[] =>
      Array.from({ length: n }, (_, i) => frame(FrameType.PING, 0, 0, Buffer.alloc(8, i)));
    // All in one read: the SETTINGS ACK goes first, then every PING ACK waits behind it in the same write.
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(Buffer.concat([START, ...pings(10)]));
    await peer.frame(
      () => peer.frames.filter((f) => f.type === FrameType.PING && (f.flags & Flag.ACK) !== 0).length === 10,
    );
    assert.equal(peer.frames.filter((f) => f.type === FrameType.GOAWAY).length, 0);
    peer.socket.destroy();
    const over = Buffer.concat([START, ...pings(11)]);
    assert.equal(await RawPeer.goawayAfter(server.endpoint, over), ErrorCode.ENHANCE_YOUR_CALM);
    await stillServes();
  });

  test('maxBufferedBytes: 64 replies of 256 KiB reach a client that reads; one that does not is dropped past 1 MiB', async () => {
    const open = Buffer.concat([
      START,
      settingsFrame([[Setting.INITIAL_WINDOW_SIZE, 2 ** 31 - 1]]),
      windowUpdateFrame(0, 2 ** 31 - 1 - 65535),
    ]);
    const big = blockFor(BIG);
    // A reader gets every reply (one request after the other: in this process, the server and the
    // client share the event loop, so replies sent in one go would all be queued before the client reads).
    const reader = await RawPeer.connect(server.endpoint);
    reader.socket.write(open);
    for (let i = 0; i < 64; i++) {
      reader.socket.write(requestFrames(2 * i + 1, 'big', big));
      await reader.frame(
        (f) => f.type === FrameType.HEADERS && f.id === 2 * i + 1 && (f.flags & Flag.END_STREAM) !== 0,
      );
    }
    const received = reader.frames
      .filter((f) => f.type === FrameType.DATA)
      .reduce((n, f) => n + f.payload.length, 0);
    assert.equal(received, 64 * (REPLY_BYTES + 5));
    assert.equal(reader.frames.filter((f) => f.type === FrameType.GOAWAY).length, 0);
    reader.socket.destroy();
    // A client that never reads, asking the same one request at a time: once the kernel's buffers are
    // full, replies queue in the server, which drops the connection past 1 MiB (its hanging call on
    // stream 1 hears it) and serves others.
    const before = hanging.length;
    const mute = await RawPeer.connect(server.endpoint);
    mute.socket.pause();
    mute.socket.write(Buffer.concat([open, requestFrames(1, 'hang', blockFor(HANG))]));
    while (hanging.length === before) await new Promise((resolve) => setImmediate(resolve));
    let dropped = false;
    const reason = new Promise<Error>((resolve) =>
      hanging[before]!.onAbort((err) => {
        dropped = true;
        resolve(err);
      }),
    );
    let sent = 0;
    for (; sent < 400 && !dropped; sent++) {
      mute.socket.write(requestFrames(2 * sent + 3, 'big', big));
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    assert.equal((await reason).message, 'Connection closed');
    assert.ok(sent < 400, `dropped after ${sent} replies of 256 KiB`);
    await stillServes();
    mute.socket.destroy();
  });

  test('maxResetBurst: 10 streams reset at once are taken, the 11th closes the connection', async () => {
    const resets = (n: number): Buffer[] =>
      Array.from({ length: n }, (_, i) => [
        frame(FrameType.HEADERS, Flag.END_HEADERS, 2 * i + 1, REQUEST_HEADERS),
        rstStreamFrame(2 * i + 1, ErrorCode.CANCEL),
      ]).flat();
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(Buffer.concat([START, ...resets(10), requestFrames(21, 'after resets')]));
    assert.equal(await peer.output(21), 'after resets');
    peer.socket.destroy();
    const over = Buffer.concat([START, ...resets(11)]);
    assert.equal(await RawPeer.goawayAfter(server.endpoint, over), ErrorCode.ENHANCE_YOUR_CALM);
  });

  test('maxResetRate: once the burst is spent, a reset is taken again 1/10 s later', async () => {
    const reset = (id: number): Buffer =>
      Buffer.concat([
        frame(FrameType.HEADERS, Flag.END_HEADERS, id, REQUEST_HEADERS),
        rstStreamFrame(id, ErrorCode.CANCEL),
      ]);
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(
      Buffer.concat([
        START,
        ...Array.from({ length: 10 }, (_, i) => reset(2 * i + 1)),
        requestFrames(21, 'spent'),
      ]),
    );
    assert.equal(await peer.output(21), 'spent');
    // At least 100 ms (a busy machine only makes it longer, which refills more): one token is back.
    await new Promise((resolve) => setTimeout(resolve, 150));
    peer.socket.write(Buffer.concat([reset(23), requestFrames(25, 'refilled')]));
    assert.equal(await peer.output(25), 'refilled');
    assert.equal(peer.frames.filter((f) => f.type === FrameType.GOAWAY).length, 0);
    peer.socket.destroy();
  });

  test('prefaceTimeoutMs: a connection without the preface is dropped; one that sends it in time is served', async () => {
    const silent = await RawPeer.connect(server.endpoint);
    await silent.closed;
    assert.deepEqual(
      silent.frames.map((f) => f.type),
      [FrameType.SETTINGS, FrameType.WINDOW_UPDATE],
    );
    const prompt = await RawPeer.connect(server.endpoint);
    prompt.socket.write(Buffer.concat([START, requestFrames(1, 'in time')]));
    assert.equal(await prompt.output(1), 'in time');
    prompt.socket.destroy();
  });

  test('idleTimeoutMs: a connection with no stream gets GOAWAY NO_ERROR; one with a stream open is kept', async () => {
    const idle = await RawPeer.connect(server.endpoint);
    idle.socket.write(START);
    const busy = await RawPeer.connect(server.endpoint);
    busy.socket.write(Buffer.concat([START, requestFrames(1, 'hang', blockFor(HANG))]));
    assert.equal(await idle.goawayCode(), ErrorCode.NO_ERROR);
    await idle.closed;
    // Well past the idle timeout, the busy one still answers.
    busy.socket.write(requestFrames(3, 'kept'));
    assert.equal(await busy.output(3), 'kept');
    assert.equal(busy.frames.filter((f) => f.type === FrameType.GOAWAY).length, 0);
    busy.socket.destroy();
  });

  test('the defaults', () => {
    assert.deepEqual(DEFAULT_H2_LIMITS, {
      maxContinuations: 8,
      maxEmptyFrames: 1000,
      maxQueuedControl: 1000,
      maxBufferedBytes: 32 * 1024 * 1024,
      maxConcurrentStreams: 1000,
      maxResetBurst: 1000,
      maxResetRate: 33,
      prefaceTimeoutMs: 10_000,
      idleTimeoutMs: 300_000,
    });
  });
});
