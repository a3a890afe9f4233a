import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { codec } from '../codec.js';
import { ErrorCode, Flag, frame, FrameType, rstStreamFrame } from './frame.js';
import { GrpcUnaryChannel } from './grpc-unary-client.js';
import { GrpcUnaryServer } from './grpc-unary-server.js';
import { DEFAULT_H2_LIMITS } from './limits.js';
import { grpcMessage, RawPeer, REQUEST_HEADERS, RUN_LAMBDA, START } from './raw-peer.test-support.js';

const PATH = RUN_LAMBDA;
const req = codec('uiiit.rpc.LambdaRequest');
const res = codec('uiiit.rpc.LambdaResponse');

/** Servers answering RunLambda with the input as output: one on the default limits, one on small ones. */
let server: GrpcUnaryServer;
let small: GrpcUnaryServer;
const echo = { [PATH]: (bytes: Buffer) => res.encode({ output: req.decode(bytes).input }) };

before(async () => {
  server = await GrpcUnaryServer.start('127.0.0.1:0', echo);
  small = await GrpcUnaryServer.start('127.0.0.1:0', echo, {
    prefaceTimeoutMs: 50,
    idleTimeoutMs: 50,
  });
});
after(async () => {
  await Promise.all([server.stop(0), small.stop(0)]);
});

/** A normal call still gets its answer: the attack cost only its own connection. */
async function stillServes(endpoint: string): Promise<void> {
  const channel = new GrpcUnaryChannel(endpoint);
  try {
    const reply = await channel.call(PATH, req.encode({ name: 'f', input: 'alive' }), 10_000);
    assert.equal(res.decode(reply).output, 'alive');
  } finally {
    channel.close();
  }
}

const goawayAfter = (endpoint: string, bytes: Buffer): Promise<number> =>
  RawPeer.goawayAfter(endpoint, bytes);

describe('the lean server against hostile peers', { timeout: 120_000 }, () => {
  test('empty CONTINUATION frames: the header block is cut at 8 CONTINUATIONs (CVE-2024-28182)', async () => {
    const empty = frame(FrameType.CONTINUATION, 0, 1, Buffer.alloc(0));
    const bytes = Buffer.concat([
      START,
      frame(FrameType.HEADERS, 0, 1, REQUEST_HEADERS.subarray(0, 4)),
      ...Array.from({ length: 10_000 }, () => empty),
    ]);
    assert.equal(await goawayAfter(server.endpoint, bytes), ErrorCode.ENHANCE_YOUR_CALM);
    await stillServes(server.endpoint);
  });

  test(`empty DATA frames: the connection is closed after ${DEFAULT_H2_LIMITS.maxEmptyFrames}`, async () => {
    const empty = frame(FrameType.DATA, 0, 1, Buffer.alloc(0));
    const flood = (n: number) =>
      Buffer.concat([
        START,
        frame(FrameType.HEADERS, Flag.END_HEADERS, 1, REQUEST_HEADERS),
        ...Array.from({ length: n }, () => empty),
      ]);
    assert.equal(await goawayAfter(server.endpoint, flood(50_000)), ErrorCode.ENHANCE_YOUR_CALM);
    // At the limit, the stream still gets its answer.
    const peer = await RawPeer.connect(server.endpoint);
    const body = req.encode({ input: 'after empties' });
    peer.socket.write(
      Buffer.concat([
        flood(DEFAULT_H2_LIMITS.maxEmptyFrames),
        frame(FrameType.DATA, Flag.END_STREAM, 1, grpcMessage(body)),
      ]),
    );
    const data = await peer.frame((f) => f.type === FrameType.DATA && f.id === 1);
    assert.equal(res.decode(data.payload.subarray(5)).output, 'after empties');
    peer.socket.destroy();
    await stillServes(server.endpoint);
  });

  test('a PING flood: up to 1,000 acknowledgements wait for the peer, more close the connection', async () => {
    const ping = frame(FrameType.PING, 0, 0, Buffer.from('12345678'));
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(Buffer.concat([START, ...Array.from({ length: 500 }, () => ping)]));
    await peer.frame(
      (f) => f.type === FrameType.PING && peer.frames.filter((p) => p.type === FrameType.PING).length === 500,
    );
    assert.equal(peer.frames.filter((f) => f.type === FrameType.GOAWAY).length, 0);
    peer.socket.destroy();
    const flood = Buffer.concat([START, ...Array.from({ length: 200_000 }, () => ping)]);
    assert.equal(await goawayAfter(server.endpoint, flood), ErrorCode.ENHANCE_YOUR_CALM);
    await stillServes(server.endpoint);
  });

  test('a connection that never sends the preface is dropped after the preface timeout', async () => {
    const peer = await RawPeer.connect(small.endpoint);
    await peer.closed;
    assert.deepEqual(
      peer.frames.map((f) => f.type),
      [FrameType.SETTINGS, FrameType.WINDOW_UPDATE],
    );
  });

  test('a connection with no stream is closed with GOAWAY NO_ERROR after the idle timeout', async () => {
    const peer = await RawPeer.connect(small.endpoint);
    peer.socket.write(START);
    assert.equal(await peer.goawayCode(), ErrorCode.NO_ERROR);
    await peer.closed;
    await stillServes(small.endpoint);
  });

  test('unfinished request bodies hold at most the 16 MiB connection window, returned as requests are consumed', async () => {
    const chunk = frame(FrameType.DATA, 0, 1, Buffer.alloc(16384));
    const streams = [1, 3, 5, 7, 9].map((id) =>
      Buffer.concat([
        frame(FrameType.HEADERS, Flag.END_HEADERS, id, REQUEST_HEADERS),
        ...Array.from({ length: 256 }, () => Buffer.from(chunk).fill(id, 8, 9)),
      ]),
    );
    // 5 streams x 4 MiB unfinished: over the connection window, whatever each stream's window allows.
    const peer = await RawPeer.connect(server.endpoint);
    peer.socket.write(Buffer.concat([START, ...streams]));
    assert.equal(await peer.goawayCode(), ErrorCode.FLOW_CONTROL_ERROR);
    peer.socket.destroy();
    // 24 MiB of requests one after the other on one connection: the window comes back as each is consumed.
    const channel = new GrpcUnaryChannel(server.endpoint);
    const input = 'y'.repeat(1024 * 1024);
    for (let i = 0; i < 24; i++) {
      const reply = await channel.call(PATH, req.encode({ input }), 30_000);
      assert.equal(res.decode(reply).output.length, input.length);
    }
    channel.close();
  });

  test('rapid reset: over 1,000 streams opened and reset at once close the connection (CVE-2023-44487)', async () => {
    const pairs = Array.from({ length: 1500 }, (_, i) => [
      frame(FrameType.HEADERS, Flag.END_HEADERS, 2 * i + 1, REQUEST_HEADERS),
      rstStreamFrame(2 * i + 1, ErrorCode.CANCEL),
    ]).flat();
    assert.equal(
      await goawayAfter(server.endpoint, Buffer.concat([START, ...pairs])),
      ErrorCode.ENHANCE_YOUR_CALM,
    );
    await stillServes(server.endpoint);
  });
});
