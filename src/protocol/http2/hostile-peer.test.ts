import assert from 'node:assert/strict';
import { after, before, describe, test, type TestContext } from 'node:test';
import { ErrorCode, Flag, frame, FrameType, rstStreamFrame } from './frame.js';
import { GrpcUnaryChannel } from './grpc-unary-client.js';
import { RawPeer, REQUEST_HEADERS, RUN_LAMBDA, START } from './raw-peer.test-support.js';
import { LeanServerProcess } from './server-process.test-support.js';
import { codec } from '../codec.js';

// The attacks of issue 12 as regression tests, against a lean server in a child process so that its
// memory can be measured: each runs in bounded loops while the server's RSS is sampled, asserts its
// growth under a stated bound, and a normal request is answered during the attack and after it.
// Each limit at its exact boundary: limits.test.ts; the RFC's error cases: conformance-rfc9113.test.ts.

const req = codec('uiiit.rpc.LambdaRequest');
const res = codec('uiiit.rpc.LambdaResponse');
const MiB = 1024 * 1024;

let server: LeanServerProcess;

before(async () => {
  server = await LeanServerProcess.start({ prefaceTimeoutMs: 1000 });
});
after(() => server.stop());

/** A normal call on a new connection gets its answer. */
async function stillServes(): Promise<void> {
  const channel = new GrpcUnaryChannel(server.endpoint);
  try {
    const reply = await channel.call(RUN_LAMBDA, req.encode({ input: 'alive' }), 30_000);
    assert.equal(res.decode(reply).output, 'alive');
  } finally {
    channel.close();
  }
}

/**
 * Runs `attack` while sampling the server's RSS every 10 ms and serving a normal request meanwhile, then
 * serves one more; asserts the RSS grew by less than `boundMiB` over its value before the attack.
 */
async function underAttack(t: TestContext, boundMiB: number, attack: () => Promise<void>): Promise<void> {
  const base = server.rss();
  let peak = base;
  const sampler = setInterval(() => (peak = Math.max(peak, server.rss())), 10);
  try {
    await Promise.all([attack(), stillServes()]);
    peak = Math.max(peak, server.rss());
  } finally {
    clearInterval(sampler);
  }
  await stillServes();
  const growth = (peak - base) / MiB;
  t.diagnostic(`RSS ${(base / MiB).toFixed(1)} MiB before, +${growth.toFixed(1)} MiB at the peak`);
  assert.ok(growth < boundMiB, `RSS grew ${growth.toFixed(1)} MiB (bound ${boundMiB} MiB)`);
}

/** `connections` raw peers, in parallel, each writing `bytes` and expecting GOAWAY `code`. */
async function flood(connections: number, bytes: Buffer, code: number): Promise<void> {
  const codes = await Promise.all(
    Array.from({ length: connections }, () => RawPeer.goawayAfter(server.endpoint, bytes)),
  );
  assert.deepEqual(codes, Array<number>(connections).fill(code));
}

describe('the lean server under attack: bounded memory, others served', { timeout: 180_000 }, () => {
  test('empty CONTINUATION frames (CVE-2024-28182): 16 connections x 100,000, RSS +64 MiB at most', async (t) => {
    const empty = frame(FrameType.CONTINUATION, 0, 1, Buffer.alloc(0));
    const bytes = Buffer.concat([
      START,
      frame(FrameType.HEADERS, 0, 1, REQUEST_HEADERS.subarray(0, 4)),
      ...Array<Buffer>(100_000).fill(empty),
    ]);
    await underAttack(t, 64, () => flood(16, bytes, ErrorCode.ENHANCE_YOUR_CALM));
  });

  test('empty DATA frames: 16 connections x 100,000, RSS +64 MiB at most', async (t) => {
    const empty = frame(FrameType.DATA, 0, 1, Buffer.alloc(0));
    const bytes = Buffer.concat([
      START,
      frame(FrameType.HEADERS, Flag.END_HEADERS, 1, REQUEST_HEADERS),
      ...Array<Buffer>(100_000).fill(empty),
    ]);
    await underAttack(t, 64, () => flood(16, bytes, ErrorCode.ENHANCE_YOUR_CALM));
  });

  test('a PING flood from clients that do not read: 4 x 10 MB of PINGs, RSS +64 MiB at most', async (t) => {
    const ping = frame(FrameType.PING, 0, 0, Buffer.from('12345678'));
    const bytes = Buffer.concat([START, ...Array<Buffer>(600_000).fill(ping)]);
    await underAttack(t, 64, async () => {
      const peers = await Promise.all(Array.from({ length: 4 }, () => RawPeer.connect(server.endpoint)));
      for (const peer of peers) {
        peer.socket.pause();
        peer.socket.write(bytes);
      }
      // The server closes each at its 1,001st queued acknowledgement, read or not; then the peer reads.
      for (const peer of peers) {
        peer.socket.resume();
        assert.equal(await peer.goawayCode(), ErrorCode.ENHANCE_YOUR_CALM);
        peer.socket.destroy();
      }
    });
  });

  test('many streams with unfinished bodies: 2 connections x 5 streams x 4 MiB, RSS +96 MiB at most', async (t) => {
    const chunk = frame(FrameType.DATA, 0, 1, Buffer.alloc(16384));
    const streams = [1, 3, 5, 7, 9].map((id) => {
      const data = Buffer.from(chunk);
      data.writeUInt32BE(id, 5);
      // The first declares a 4 MiB message: bytes past a declared message are refused as they come.
      const first = Buffer.from(data);
      first.writeUInt32BE(4 * 1024 * 1024, 9 + 1);
      return Buffer.concat([
        frame(FrameType.HEADERS, Flag.END_HEADERS, id, REQUEST_HEADERS),
        first,
        ...Array<Buffer>(255).fill(data),
      ]);
    });
    // 20 MiB unfinished on each: over the 16 MiB connection window, whatever each stream's window allows.
    const bytes = Buffer.concat([START, ...streams]);
    await underAttack(t, 96, () => flood(2, bytes, ErrorCode.FLOW_CONTROL_ERROR));
  });

  test('the connection window comes back as requests are consumed: 24 requests of 1 MiB on one connection', async () => {
    const channel = new GrpcUnaryChannel(server.endpoint);
    const input = 'y'.repeat(MiB);
    for (let i = 0; i < 24; i++) {
      const reply = await channel.call(RUN_LAMBDA, req.encode({ input }), 30_000);
      assert.equal(res.decode(reply).output.length, input.length);
    }
    channel.close();
  });

  test('rapid reset (CVE-2023-44487): 8 connections x 1,500 streams opened and reset, RSS +64 MiB at most', async (t) => {
    const pairs = Array.from({ length: 1500 }, (_, i) => [
      frame(FrameType.HEADERS, Flag.END_HEADERS, 2 * i + 1, REQUEST_HEADERS),
      rstStreamFrame(2 * i + 1, ErrorCode.CANCEL),
    ]).flat();
    const bytes = Buffer.concat([START, ...pairs]);
    await underAttack(t, 64, () => flood(8, bytes, ErrorCode.ENHANCE_YOUR_CALM));
  });

  test('1,000 connections that never send the preface are all dropped, RSS +64 MiB at most', async (t) => {
    await underAttack(t, 64, async () => {
      const peers = await Promise.all(Array.from({ length: 1000 }, () => RawPeer.connect(server.endpoint)));
      await Promise.all(peers.map((peer) => peer.closed));
    });
  });
});
