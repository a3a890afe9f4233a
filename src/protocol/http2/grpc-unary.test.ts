import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectHttp2 } from 'node:http2';
import { connect, type Socket } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { codec } from '../codec.js';
import type { LambdaRequest, LambdaResponse } from '../messages.js';
import { errorResponse } from '../responses.js';
import { RpcClient } from '../rpc-client.js';
import { RpcError, StatusError } from '../rpc-error.js';
import { RpcServer, service } from '../rpc-server.js';
import { ErrorCode, Flag, frame, FrameType, PREFACE, settingsFrame } from './frame.js';
import { GrpcUnaryChannel } from './grpc-unary-client.js';
import { GrpcUnaryServer } from './grpc-unary-server.js';
import { encodeHeaders, HpackDecoder } from './hpack.js';
import { grpcMessage, REQUEST_FIELDS } from './raw-peer.test-support.js';

const PATH = '/uiiit.rpc.EdgeServer/RunLambda';
const req = codec('uiiit.rpc.LambdaRequest');
const res = codec('uiiit.rpc.LambdaResponse');

/** The echo service both servers run: output = input, hops + 1; some names misbehave. */
async function echo(r: LambdaRequest): Promise<LambdaResponse> {
  if (r.name === 'boom') throw new Error('boom: ☃ 100%');
  if (r.name === 'denied') throw new StatusError(grpc.status.PERMISSION_DENIED, 'not you');
  if (r.name === 'slow') await new Promise((resolve) => setTimeout(resolve, 300));
  return { ...errorResponse('OK', r.hops + 1), output: r.input };
}

let lean: GrpcUnaryServer;
let reference: RpcServer;

before(async () => {
  lean = await GrpcUnaryServer.start('127.0.0.1:0', {
    [PATH]: async (bytes) => res.encode(await echo(req.decode(bytes))),
  });
  reference = await RpcServer.start('127.0.0.1:0', [service('uiiit.rpc.EdgeServer', { RunLambda: echo })]);
});
after(async () => {
  await Promise.all([lean.stop(0), reference.stop(0)]);
});

async function leanCall(channel: GrpcUnaryChannel, r: Partial<LambdaRequest>, timeoutMs?: number) {
  return res.decode(await channel.call(PATH, req.encode(r), timeoutMs));
}

const BIG = 'x'.repeat(1_000_000); // well past the 64 KiB default windows and 16 KiB frames

for (const server of ['lean', 'grpc-js'] as const) {
  describe(`our channel to a ${server} server`, () => {
    let channel: GrpcUnaryChannel;
    before(() => {
      channel = new GrpcUnaryChannel(server === 'lean' ? lean.endpoint : reference.endpoint);
    });
    after(() => channel.close());

    test('a call, a 1 MB call and 200 concurrent calls come back right', async () => {
      assert.deepEqual(await leanCall(channel, { name: 'f', input: 'hi', hops: 2 }), {
        ...res.decode(Buffer.alloc(0)),
        retcode: 'OK',
        output: 'hi',
        hops: 3,
      });
      assert.equal((await leanCall(channel, { name: 'f', input: BIG })).output, BIG);
      const outputs = await Promise.all(
        Array.from(
          { length: 200 },
          async (_, i) => (await leanCall(channel, { name: 'f', input: `${i}` })).output,
        ),
      );
      assert.deepEqual(
        outputs,
        Array.from({ length: 200 }, (_, i) => `${i}`),
      );
    });

    test('statuses come back with their code and UTF-8 details', async () => {
      await assert.rejects(leanCall(channel, { name: 'boom' }), {
        code: grpc.status.INTERNAL,
        message: 'RPC failed: boom: ☃ 100%',
      });
      await assert.rejects(leanCall(channel, { name: 'denied' }), {
        code: grpc.status.PERMISSION_DENIED,
        message: 'RPC failed: not you',
      });
      await assert.rejects(channel.call('/uiiit.rpc.EdgeServer/Nope', Buffer.alloc(0)), {
        code: grpc.status.UNIMPLEMENTED,
      });
      await assert.rejects(channel.call(PATH, Buffer.from([0xff, 0xff])), { code: grpc.status.INTERNAL });
    });

    test('a deadline expires as DEADLINE_EXCEEDED and the channel goes on', async () => {
      await assert.rejects(leanCall(channel, { name: 'slow' }, 50), {
        code: grpc.status.DEADLINE_EXCEEDED,
        message: 'RPC failed: Deadline exceeded',
      });
      assert.equal((await leanCall(channel, { name: 'f', input: 'after' }, 5000)).output, 'after');
    });
  });
}

describe('grpc-js client to our server', () => {
  let client: RpcClient<'uiiit.rpc.EdgeServer'>;
  before(() => {
    client = new RpcClient('uiiit.rpc.EdgeServer', lean.endpoint);
  });
  after(() => client.close());

  test('calls, a 1 MB call, statuses and a deadline', async () => {
    assert.equal((await client.call('RunLambda', { name: 'f', input: 'hello', hops: 1 })).hops, 2);
    assert.equal((await client.call('RunLambda', { name: 'f', input: BIG })).output, BIG);
    await assert.rejects(client.call('RunLambda', { name: 'boom' }), {
      code: grpc.status.INTERNAL,
      message: 'RPC failed: boom: ☃ 100%',
    });
    await assert.rejects(client.call('RunLambda', { name: 'denied' }), {
      code: grpc.status.PERMISSION_DENIED,
    });
    await assert.rejects(client.call('RunLambda', { name: 'slow' }, { timeoutMs: 50 }), {
      code: grpc.status.DEADLINE_EXCEEDED,
    });
    assert.equal((await client.call('RunLambda', { name: 'f', input: 'still' })).output, 'still');
  });

  test('a message over 4 MiB is refused with RESOURCE_EXHAUSTED', async () => {
    const huge = new grpc.Client(lean.endpoint, grpc.credentials.createInsecure(), {
      'grpc.max_send_message_length': -1,
    });
    const err = await new Promise<grpc.ServiceError | null>((resolve) =>
      huge.makeUnaryRequest(
        PATH,
        (b: Buffer) => b,
        (b: Buffer) => b,
        req.encode({ name: 'f', input: 'y'.repeat(5 * 1024 * 1024) }),
        (e) => resolve(e),
      ),
    );
    huge.close();
    assert.equal(err?.code, grpc.status.RESOURCE_EXHAUSTED);
    assert.match(err.details, /^Received message larger than max \(\d+ vs\. 4194304\)$/);
  });
});

/** A raw HTTP/2 connection to `endpoint` for hand-made frames; collects every frame the server sends. */
async function raw(
  endpoint: string,
): Promise<{ socket: Socket; frames: { type: number; flags: number; id: number; payload: Buffer }[] }> {
  const [host, port] = endpoint.split(':') as [string, string];
  const socket = connect(Number(port), host);
  await once(socket, 'connect');
  const frames: { type: number; flags: number; id: number; payload: Buffer }[] = [];
  let buf = Buffer.alloc(0);
  socket.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 9 && buf.length >= 9 + buf.readUIntBE(0, 3)) {
      const length = buf.readUIntBE(0, 3);
      frames.push({
        type: buf[3]!,
        flags: buf[4]!,
        id: buf.readUInt32BE(5),
        payload: buf.subarray(9, 9 + length),
      });
      buf = buf.subarray(9 + length);
    }
  });
  return { socket, frames };
}

/** Polls `check` until it holds; a hang guard fails it after 60 s (milliseconds even on a busy machine). */
async function until(check: () => boolean): Promise<void> {
  for (let i = 0; i < 6000 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(check(), 'condition not met within 60 s');
}

describe('our server at the frame level', () => {
  test('padding, PRIORITY, CONTINUATION and split DATA are understood; PING is answered', async () => {
    const { socket, frames } = await raw(lean.endpoint);
    const block = encodeHeaders([...REQUEST_FIELDS]);
    const message = grpcMessage(req.encode({ name: 'f', input: 'frames' }));
    const padded = (payload: Buffer, pad: number): Buffer =>
      Buffer.concat([Buffer.from([pad]), payload, Buffer.alloc(pad)]);
    socket.write(
      Buffer.concat([
        PREFACE,
        settingsFrame([]),
        frame(FrameType.PING, 0, 0, Buffer.from('12345678')),
        // HEADERS padded with priority, its block split over a CONTINUATION.
        frame(
          FrameType.HEADERS,
          Flag.PADDED | Flag.PRIORITY,
          1,
          padded(Buffer.concat([Buffer.alloc(5), block.subarray(0, 10)]), 3),
        ),
        frame(FrameType.CONTINUATION, Flag.END_HEADERS, 1, block.subarray(10)),
        frame(FrameType.PRIORITY, 0, 1, Buffer.alloc(5)),
        frame(FrameType.DATA, Flag.PADDED, 1, padded(message.subarray(0, 4), 7)),
        frame(FrameType.DATA, Flag.END_STREAM, 1, message.subarray(4)),
      ]),
    );
    await until(() => frames.some((f) => f.type === FrameType.HEADERS && f.flags & Flag.END_STREAM));
    const ping = frames.find((f) => f.type === FrameType.PING);
    assert.equal(ping?.flags, Flag.ACK);
    assert.equal(ping.payload.toString(), '12345678');
    const decoder = new HpackDecoder();
    const headers = frames.filter((f) => f.type === FrameType.HEADERS).map((f) => decoder.decode(f.payload));
    assert.deepEqual(headers, [
      [
        [':status', '200'],
        ['content-type', 'application/grpc'],
      ],
      [['grpc-status', '0']],
    ]);
    const data = frames.find((f) => f.type === FrameType.DATA)!;
    assert.equal(res.decode(data.payload.subarray(5)).output, 'frames');
    socket.destroy();
  });

  test('garbage, a bad frame or HTTP/1.1 closes that connection only (with GOAWAY where it speaks HTTP/2)', async () => {
    const cases: Buffer[] = [
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
      Buffer.concat([PREFACE, frame(FrameType.PING, 0, 0, Buffer.alloc(3))]),
      Buffer.concat([PREFACE, frame(FrameType.HEADERS, Flag.END_HEADERS, 1, Buffer.from([0x80]))]),
      Buffer.concat([PREFACE, frame(FrameType.WINDOW_UPDATE, 0, 0, Buffer.alloc(4))]),
      Buffer.concat([PREFACE, Buffer.from([0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0])]),
    ];
    const codes: (number | undefined)[] = [];
    for (const bytes of cases) {
      const { socket, frames } = await raw(lean.endpoint);
      socket.write(bytes);
      await once(socket, 'close');
      const goaway = frames.find((f) => f.type === FrameType.GOAWAY);
      codes.push(goaway?.payload.readUInt32BE(4));
    }
    assert.deepEqual(codes, [
      ErrorCode.PROTOCOL_ERROR,
      ErrorCode.FRAME_SIZE_ERROR,
      ErrorCode.COMPRESSION_ERROR,
      ErrorCode.PROTOCOL_ERROR,
      ErrorCode.FRAME_SIZE_ERROR,
    ]);
    const channel = new GrpcUnaryChannel(lean.endpoint);
    assert.equal((await leanCall(channel, { name: 'f', input: 'alive' })).output, 'alive');
    channel.close();
  });

  test('node:http2 gets 415 for a request that is not gRPC', async () => {
    const session = connectHttp2(`http://${lean.endpoint}`);
    const stream = session.request({ ':method': 'GET', ':path': PATH });
    const [headers] = (await once(stream, 'response')) as [Record<string, unknown>];
    assert.equal(headers[':status'], 415);
    stream.destroy();
    session.close();
  });
});

describe('binding', () => {
  test('a port in use or an address of another machine is refused with the reason', async () => {
    const taken = lean.endpoint;
    await assert.rejects(GrpcUnaryServer.start(taken, { [PATH]: (b) => b }), {
      message: `Could not bind to: ${taken}: address already in use`,
    });
    await assert.rejects(GrpcUnaryServer.start('192.0.2.1:6473', { [PATH]: (b) => b }), {
      message: 'Could not bind to: 192.0.2.1:6473: address not available',
    });
  });
});

describe('channel life', () => {
  test('nobody listening: UNAVAILABLE at once; a server that comes later is reached by the next call', async () => {
    const first = await GrpcUnaryServer.start('127.0.0.1:0', { [PATH]: (b) => b });
    const endpoint = first.endpoint;
    await first.stop(0);
    const channel = new GrpcUnaryChannel(endpoint);
    await assert.rejects(channel.call(PATH, Buffer.from('a')), (e: unknown) => {
      assert.ok(e instanceof RpcError);
      assert.equal(e.code, grpc.status.UNAVAILABLE);
      assert.match(e.message, /^RPC failed: No connection established\. Last error: connect ECONNREFUSED /);
      return true;
    });
    const second = await GrpcUnaryServer.start(endpoint, { [PATH]: (b) => Buffer.concat([b, b]) });
    assert.equal((await channel.call(PATH, Buffer.from('a'))).toString(), 'aa');
    channel.close();
    await second.stop(0);
  });

  test('a server stopping lets the call in progress finish; a killed connection fails its calls with UNAVAILABLE', async () => {
    let release: (() => void) | undefined;
    const server = await GrpcUnaryServer.start('127.0.0.1:0', {
      [PATH]: async (b) => {
        await new Promise<void>((r) => (release = r));
        return b;
      },
    });
    const channel = new GrpcUnaryChannel(server.endpoint);
    const pending = channel.call(PATH, Buffer.from('in flight'));
    await until(() => release !== undefined);
    const stopped = server.stop(5000);
    release!();
    assert.equal((await pending).toString(), 'in flight');
    await stopped;
    let reached: () => void;
    const inHandler = new Promise<void>((r) => (reached = r));
    const again = await GrpcUnaryServer.start('127.0.0.1:0', {
      [PATH]: () => {
        reached();
        return new Promise<Buffer>(() => undefined);
      },
    });
    const other = new GrpcUnaryChannel(again.endpoint);
    const hanging = other.call(PATH, Buffer.from('x'));
    await inHandler; // the call is in progress on the server
    await again.stop(0);
    await assert.rejects(hanging, { code: grpc.status.UNAVAILABLE });
    other.close();
    channel.close();
  });

  test('a closed channel refuses new calls', async () => {
    const channel = new GrpcUnaryChannel(lean.endpoint);
    channel.close();
    await assert.rejects(channel.call(PATH, req.encode({ name: 'f' })), {
      code: grpc.status.UNAVAILABLE,
      message: 'RPC failed: Channel has been shut down',
    });
  });
});
