import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Random } from '../../support/random.js';
import { codec } from '../codec.js';
import {
  Flag,
  frame,
  FrameType,
  PREFACE,
  rstStreamFrame,
  settingsFrame,
  windowUpdateFrame,
} from './frame.js';
import { GrpcUnaryChannel } from './grpc-unary-client.js';
import { GrpcUnaryServer } from './grpc-unary-server.js';
import { encodeHeaders, HpackDecoder, HpackError } from './hpack.js';
import { grpcMessage, RawPeer, REQUEST_FIELDS, RUN_LAMBDA } from './raw-peer.test-support.js';

const PATH = RUN_LAMBDA;
const req = codec('uiiit.rpc.LambdaRequest');
const res = codec('uiiit.rpc.LambdaResponse');
const BLOCK = encodeHeaders([...REQUEST_FIELDS, ['x-long', 'v'.repeat(300)]]);
const BODY = (() => {
  const body = req.encode({ name: 'f', input: 'fuzz' });
  return grpcMessage(body);
})();

/** Cases per target; seeded, so a failure names a case that can be replayed. */
const CASES = 20_000;
const SEED = 20261202;

let server: GrpcUnaryServer;
before(async () => {
  server = await GrpcUnaryServer.start('127.0.0.1:0', {
    [PATH]: (bytes) => res.encode({ output: req.decode(bytes).input }),
  });
});
after(() => server.stop(0));

/** A random buffer of `n` bytes. */
function bytes(random: Random, n: number): Buffer {
  return Buffer.from(Array.from({ length: n }, () => random.uniformInt(0, 255)));
}

/** One frame of a plausible shape, often well formed, often not, sometimes empty. */
function someFrame(random: Random, id: number): Buffer {
  const flags = random.uniformInt(0, 3) === 0 ? random.uniformInt(0, 255) : 0;
  switch (random.uniformInt(0, 11)) {
    case 0:
      return frame(FrameType.HEADERS, Flag.END_HEADERS | (flags & Flag.END_STREAM), id, BLOCK);
    case 1: {
      const cut = random.uniformInt(0, BLOCK.length);
      return Buffer.concat([
        frame(FrameType.HEADERS, 0, id, BLOCK.subarray(0, cut)),
        frame(FrameType.CONTINUATION, Flag.END_HEADERS, id, BLOCK.subarray(cut)),
      ]);
    }
    case 2:
      return frame(FrameType.DATA, Flag.END_STREAM, id, BODY);
    case 3:
      return frame(FrameType.DATA, flags, id, Buffer.alloc(0));
    case 4:
      return frame(FrameType.CONTINUATION, flags, id, Buffer.alloc(0));
    case 5:
      return windowUpdateFrame(random.uniformInt(0, 1) * id, random.uniformInt(1, 2 ** 31 - 1));
    case 6:
      return rstStreamFrame(id, random.uniformInt(0, 13));
    case 7:
      return settingsFrame([[random.uniformInt(0, 8), random.uniformInt(0, 2 ** 31)]]);
    case 8:
      return frame(
        FrameType.PING,
        flags,
        0,
        bytes(random, random.uniformInt(0, 1) === 0 ? 8 : random.uniformInt(0, 12)),
      );
    case 9:
      return frame(
        random.uniformInt(0, 12),
        flags,
        random.uniformInt(0, 9),
        bytes(random, random.uniformInt(0, 40)),
      );
    case 10: {
      const f = someFrame(random, id);
      f[random.uniformInt(0, f.length - 1)] = random.uniformInt(0, 255);
      return f;
    }
    default: {
      const one =
        random.uniformInt(0, 1) === 0
          ? frame(FrameType.DATA, 0, id, Buffer.alloc(0))
          : frame(FrameType.PING, 0, 0, Buffer.alloc(8));
      return Buffer.concat(Array.from({ length: random.uniformInt(10, 3000) }, () => one));
    }
  }
}

/** A connection's worth of input: the preface (mostly), then frames on a few streams. */
function someInput(random: Random): Buffer {
  const parts: Buffer[] = [random.uniformInt(0, 19) === 0 ? bytes(random, 24) : PREFACE];
  const frames = random.uniformInt(1, 12);
  for (let i = 0; i < frames; i++) parts.push(someFrame(random, 2 * random.uniformInt(0, 4) + 1));
  return Buffer.concat(parts);
}

test(`HPACK decoder: ${CASES} seeded random and mutated blocks decode or throw HpackError, nothing else`, () => {
  const random = new Random(SEED);
  for (let i = 0; i < CASES; i++) {
    const block =
      random.uniformInt(0, 1) === 0 ? bytes(random, random.uniformInt(0, 64)) : Buffer.from(BLOCK);
    for (let m = random.uniformInt(0, 4); m > 0; m--)
      block[random.uniformInt(0, block.length - 1)] = random.uniformInt(0, 255);
    try {
      const fields = new HpackDecoder().decode(block);
      assert.ok(Array.isArray(fields), `case ${i}`);
    } catch (err) {
      assert.ok(err instanceof HpackError, `case ${i}: ${String(err)}`);
    }
  }
});

test(
  `frame parser: ${CASES} seeded connections of random frames, the server answers a normal call after them`,
  { timeout: 600_000 },
  async () => {
    const random = new Random(SEED);
    const heapBefore = process.memoryUsage().heapUsed;
    const batch = 16;
    for (let i = 0; i < CASES; i += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, CASES - i) }, async () => {
          const peer = await RawPeer.connect(server.endpoint);
          peer.socket.end(someInput(random));
          await peer.closed;
        }),
      );
    }
    const channel = new GrpcUnaryChannel(server.endpoint);
    const reply = await channel.call(PATH, req.encode({ input: 'alive' }), 10_000);
    channel.close();
    assert.equal(res.decode(reply).output, 'alive');
    global.gc?.();
    assert.ok(process.memoryUsage().heapUsed - heapBefore < 64 * 1024 * 1024, 'heap grew by over 64 MiB');
  },
);
