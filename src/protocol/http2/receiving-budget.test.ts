import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { status } from '@grpc/grpc-js';
import { codec } from '../codec.js';
import { ErrorCode, Flag, frame, FrameType, rstStreamFrame } from './frame.js';
import { GrpcUnaryChannel } from './grpc-unary-client.js';
import { GrpcUnaryServer } from './grpc-unary-server.js';
import { encodeHeaders, HpackDecoder } from './hpack.js';
import { LeanServerProcess } from './server-process.test-support.js';
import { echoLambda, RawPeer, REQUEST_FIELDS, RUN_LAMBDA, START } from './raw-peer.test-support.js';

// GrpcServerLimits: the request bytes all connections of a server hold at once (maxReceivingBytes), from
// each message's declared length, and the connections it keeps (maxConnections).

const MiB = 1024 * 1024;
/** A method answering the length of its request, as text. */
const SIZE = '/uiiit.rpc.EdgeServer/Size';
const req = codec('uiiit.rpc.LambdaRequest');
const res = codec('uiiit.rpc.LambdaResponse');

/** Room for four 1 MiB messages and a few small ones. */
const BUDGET = 4 * (MiB + 5) + 1024;
const BUSY = `Server busy: a request message of ${MiB} bytes would take the request bytes it receives at once past ${BUDGET} (maxReceivingBytes)`;

/** DATA frames (16 KiB at most) carrying `bytes`, the last with END_STREAM if `end`. */
function dataFrames(id: number, bytes: Buffer, end: boolean): Buffer {
  const frames: Buffer[] = [];
  for (let off = 0; off < bytes.length || frames.length === 0; off += 16384) {
    const last = off + 16384 >= bytes.length;
    frames.push(
      frame(FrameType.DATA, last && end ? Flag.END_STREAM : 0, id, bytes.subarray(off, off + 16384)),
    );
  }
  return Buffer.concat(frames);
}

/** HEADERS of a call to `path`, then the prefix of a `declared`-byte message and `sent` bytes of its body. */
function beginCall(id: number, declared: number, sent: number, path = SIZE): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(declared, 1);
  const block = encodeHeaders(REQUEST_FIELDS.map(([n, v]) => [n, n === ':path' ? path : v]));
  return Buffer.concat([
    frame(FrameType.HEADERS, Flag.END_HEADERS, id, block),
    dataFrames(id, Buffer.concat([prefix, Buffer.alloc(sent, 1)]), false),
  ]);
}

let pings = 0;
/** Resolves once the server has read everything `peer` wrote before (its PING is acknowledged). */
async function processed(peer: RawPeer): Promise<void> {
  const payload = Buffer.alloc(8);
  payload.writeUInt32BE(++pings, 4);
  peer.socket.write(frame(FrameType.PING, 0, 0, payload));
  await peer.frame(
    (f) => f.type === FrameType.PING && (f.flags & Flag.ACK) !== 0 && f.payload.equals(payload),
  );
}

/** The trailers (grpc-status, grpc-message) the server answers stream `id` with. */
async function trailers(peer: RawPeer, id: number): Promise<[code: string, message: string]> {
  const f = await peer.frame(
    (x) => x.type === FrameType.HEADERS && x.id === id && (x.flags & Flag.END_STREAM) !== 0,
  );
  const fields = new Map(new HpackDecoder().decode(f.payload));
  return [fields.get('grpc-status')!, fields.get('grpc-message')!];
}

/** The reply message on stream `id`, as text. */
async function reply(peer: RawPeer, id: number): Promise<string> {
  assert.deepEqual(await trailers(peer, id), ['0', undefined]);
  const data = peer.frames.filter((f) => f.type === FrameType.DATA && f.id === id).map((f) => f.payload);
  return Buffer.concat(data).subarray(5).toString();
}

describe('maxReceivingBytes: a server-wide budget of request bytes', { timeout: 60_000 }, () => {
  let server: GrpcUnaryServer;
  const peers: RawPeer[] = [];

  before(async () => {
    server = await GrpcUnaryServer.start(
      '127.0.0.1:0',
      { [RUN_LAMBDA]: echoLambda, [SIZE]: (bytes) => Buffer.from(String(bytes.length)) },
      { maxReceivingBytes: BUDGET },
    );
  });
  after(async () => {
    for (const peer of peers) peer.socket.destroy();
    await server.stop(0);
  });

  async function peer(): Promise<RawPeer> {
    const p = await RawPeer.connect(server.endpoint);
    p.socket.write(START);
    peers.push(p);
    return p;
  }

  async function smallCall(): Promise<void> {
    const channel = new GrpcUnaryChannel(server.endpoint);
    try {
      const bytes = await channel.call(RUN_LAMBDA, req.encode({ input: 'alive' }), 10_000);
      assert.equal(res.decode(bytes).output, 'alive');
    } finally {
      channel.close();
    }
  }

  test('6 connections each declaring 1 MiB: 4 are received, the last 2 refused; small calls go on', async () => {
    const held: RawPeer[] = [];
    for (let i = 0; i < 4; i++) {
      const p = await peer();
      p.socket.write(beginCall(1, MiB, 1000));
      await processed(p);
      held.push(p);
    }
    assert.equal(server.receivingBytes, 4 * (MiB + 5));
    const refused: RawPeer[] = [];
    for (let i = 0; i < 2; i++) {
      const p = await peer();
      p.socket.write(beginCall(1, MiB, 1000));
      assert.deepEqual(await trailers(p, 1), [String(status.RESOURCE_EXHAUSTED), BUSY]);
      assert.deepEqual(await p.reset(), [1, ErrorCode.NO_ERROR]);
      refused.push(p);
    }
    assert.equal(server.receivingBytes, 4 * (MiB + 5));
    await smallCall();
    for (const p of held) p.socket.write(dataFrames(1, Buffer.alloc(MiB - 1000, 2), true));
    for (const p of held) assert.equal(await reply(p, 1), String(MiB));
    assert.equal(server.receivingBytes, 0);
    // The refused connections live on: a 1 MiB call on one of them now succeeds.
    const p = refused[0]!;
    p.socket.write(beginCall(3, MiB, MiB));
    p.socket.write(dataFrames(3, Buffer.alloc(0), true));
    assert.equal(await reply(p, 3), String(MiB));
    assert.equal(server.receivingBytes, 0);
    await smallCall();
  });

  test('a message declared over 4 MiB is refused from its prefix, holding nothing', async () => {
    const p = await peer();
    p.socket.write(beginCall(1, 4 * MiB + 1, 10));
    assert.deepEqual(await trailers(p, 1), [
      String(status.RESOURCE_EXHAUSTED),
      'Received message larger than max (4194305 vs. 4194304)',
    ]);
    assert.equal(server.receivingBytes, 0);
  });

  test('more bytes than declared are refused as they come', async () => {
    const p = await peer();
    p.socket.write(beginCall(1, 10, 11));
    assert.deepEqual(await trailers(p, 1), [String(status.INTERNAL), 'More than one message']);
    assert.equal(server.receivingBytes, 0);
  });

  test('a reset stream and a closed connection give their bytes back', async () => {
    const p = await peer();
    p.socket.write(beginCall(1, MiB, 100));
    p.socket.write(beginCall(3, MiB, 100));
    await processed(p);
    assert.equal(server.receivingBytes, 2 * (MiB + 5));
    p.socket.write(rstStreamFrame(1, ErrorCode.CANCEL));
    await processed(p);
    assert.equal(server.receivingBytes, MiB + 5);
    p.socket.destroy();
    while (server.receivingBytes !== 0) await new Promise((resolve) => setImmediate(resolve));
    await smallCall();
  });
});

describe('maxConnections: one connection too many is closed at once', { timeout: 60_000 }, () => {
  test('with 3 allowed, a 4th socket is closed before any frame; the 3 are served', async () => {
    const server = await GrpcUnaryServer.start(
      '127.0.0.1:0',
      { [RUN_LAMBDA]: echoLambda },
      { maxConnections: 3 },
    );
    const open: RawPeer[] = [];
    try {
      for (let i = 0; i < 3; i++) {
        const p = await RawPeer.connect(server.endpoint);
        p.socket.write(START);
        await processed(p);
        open.push(p);
      }
      const extra = await RawPeer.connect(server.endpoint);
      extra.socket.write(START);
      await extra.closed;
      assert.equal(extra.frames.length, 0);
      const p = open[2]!;
      p.socket.write(beginCall(1, req.encode({ input: 'still' }).length, 0, RUN_LAMBDA));
      p.socket.write(dataFrames(1, req.encode({ input: 'still' }), true));
      assert.equal(await p.output(1), 'still');
    } finally {
      for (const p of open) p.socket.destroy();
      await server.stop(0);
    }
  });
});

describe('maxReceivingBytes bounds the memory of a server process', { timeout: 120_000 }, () => {
  let server: LeanServerProcess;
  before(async () => {
    server = await LeanServerProcess.start({ maxReceivingBytes: 8 * MiB });
  });
  after(() => server.stop());

  test('128 connections each sending 1 MiB of a message: 7 held, 121 refused, RSS +96 MiB at most (all 128 without the budget)', async (t) => {
    const base = server.rss();
    const peers = await Promise.all(
      Array.from({ length: 128 }, async () => {
        const p = await RawPeer.connect(server.endpoint);
        p.socket.write(START);
        return p;
      }),
    );
    try {
      // Each declares 1 MiB + 1 and sends 1 MiB of it: all of it would stay without the budget.
      // The server answers a refusal before it acknowledges the PING written after the message.
      await Promise.all(
        peers.map(async (p) => {
          p.socket.write(beginCall(1, MiB + 1, MiB, RUN_LAMBDA));
          await processed(p);
        }),
      );
      const channel = new GrpcUnaryChannel(server.endpoint);
      try {
        const bytes = await channel.call(RUN_LAMBDA, req.encode({ input: 'alive' }), 30_000);
        assert.equal(res.decode(bytes).output, 'alive');
      } finally {
        channel.close();
      }
      const refused = peers.filter((p) =>
        p.frames.some((f) => f.type === FrameType.HEADERS && f.id === 1 && (f.flags & Flag.END_STREAM) !== 0),
      );
      assert.equal(refused.length, 121);
      const growth = (server.rss() - base) / MiB;
      t.diagnostic(`RSS +${growth.toFixed(1)} MiB with 128 MiB sent`);
      assert.ok(growth < 96, `RSS grew ${growth.toFixed(1)} MiB`);
    } finally {
      for (const p of peers) p.socket.destroy();
    }
  });
});
