import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect as connectHttp2, constants, type ClientHttp2Session } from 'node:http2';
import { connect } from 'node:net';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { StatusError } from '../rpc-error.js';
import { GrpcUnaryChannel } from './grpc-unary-client.js';
import { GrpcUnaryServer, type UnaryCall } from './grpc-unary-server.js';
import { Flag, frame, FrameType, PREFACE, settingsFrame } from './frame.js';
import { lengthPrefixed } from './grpc-message.js';
import { encodeHeaders } from './hpack.js';

const PATH = '/test.Deadline/Hang';

/** The calls the hanging handler got, in order; each waits for a test to settle it (most never are). */
const calls: { request: string; call: UnaryCall; at: number }[] = [];
const callWaiters: (() => void)[] = [];
let server: GrpcUnaryServer;

/** A computer that accepts calls and never answers them. */
const hang = (request: Buffer, call: UnaryCall): Promise<Buffer> => {
  calls.push({ request: request.toString(), call, at: performance.now() });
  for (const wake of callWaiters.splice(0)) wake();
  return new Promise<Buffer>(() => undefined);
};

before(async () => {
  server = await GrpcUnaryServer.start('127.0.0.1:0', { [PATH]: hang });
});
after(() => server.stop(0));

/** The handler's call for the request `name`, once it has arrived. */
async function callOf(name: string): Promise<{ call: UnaryCall; at: number }> {
  for (;;) {
    const found = calls.find((c) => c.request === name);
    if (found !== undefined) return found;
    await new Promise<void>((resolve) => callWaiters.push(resolve));
  }
}

/** The reason a call's signal was aborted with, once it is. */
async function abortReason(call: UnaryCall): Promise<unknown> {
  if (!call.signal.aborted) await once(call.signal, 'abort');
  return call.signal.reason;
}

/** A gRPC request by node:http2 (nghttp2), which sets no deadline of its own: only the server's can end it. */
function rawCall(session: ClientHttp2Session, name: string, extra: Record<string, string> = {}) {
  const stream = session.request({
    ':method': 'POST',
    ':path': PATH,
    'content-type': 'application/grpc',
    te: 'trailers',
    ...extra,
  });
  stream.end(lengthPrefixed(Buffer.from(name)));
  const trailers = new Promise<Record<string, unknown>>((resolve, reject) => {
    stream.on('trailers', (t: Record<string, unknown>) => resolve(t));
    stream.on('response', (h: Record<string, unknown>) => {
      if (h['grpc-status'] !== undefined) resolve(h);
    });
    stream.on('error', reject);
  });
  stream.resume();
  return { stream, trailers };
}

describe('the lean server and grpc-timeout', { timeout: 20_000 }, () => {
  let session: ClientHttp2Session;
  before(() => {
    session = connectHttp2(`http://${server.endpoint}`);
  });
  after(() => session.close());

  test('a handler that never answers: DEADLINE_EXCEEDED when the grpc-timeout passes, and its signal aborts', async () => {
    const sent = performance.now();
    const { trailers } = rawCall(session, 'hang-100m', { 'grpc-timeout': '100m' });
    const t = await trailers;
    const waited = performance.now() - sent;
    assert.equal(t['grpc-status'], String(grpc.status.DEADLINE_EXCEEDED));
    assert.equal(t['grpc-message'], 'Deadline exceeded');
    assert.ok(waited >= 99, `answered after ${waited} ms, before the deadline`);
    const { call, at } = await callOf('hang-100m');
    // Armed on the request's HEADERS, before the handler ran: at most 100 ms after the handler started.
    assert.ok(
      call.deadline !== undefined && call.deadline <= at + 100,
      `deadline ${call.deadline}, at ${at}`,
    );
    const reason = await abortReason(call);
    assert.ok(reason instanceof StatusError);
    assert.equal(reason.code, grpc.status.DEADLINE_EXCEEDED);
    assert.equal(reason.message, 'Deadline exceeded');
  });

  test('the handler sees the deadline (every unit is parsed: grpc-timeout.test.ts); no header: none', async () => {
    const sent = performance.now();
    const { stream: hours } = rawCall(session, 'hours', { 'grpc-timeout': '2H' });
    const { call: inHours, at } = await callOf('hours');
    const deadline = inHours.deadline!;
    // 2 h after the HEADERS arrived: after the test sent them, before the handler started.
    assert.ok(
      deadline >= sent + 7_200_000 && deadline <= at + 7_200_000,
      `deadline ${deadline}, sent ${sent}, handler at ${at}`,
    );
    hours.close(constants.NGHTTP2_CANCEL);
    const { stream } = rawCall(session, 'no-timeout');
    const { call } = await callOf('no-timeout');
    assert.equal(call.deadline, undefined);
    assert.equal(call.signal.aborted, false);
    stream.close(constants.NGHTTP2_CANCEL);
  });

  test('a malformed grpc-timeout is answered INTERNAL naming it, and the handler is not called', async () => {
    for (const value of ['1x', '123456789m', '-1S', 'S', '1.5S', '1 S']) {
      const { trailers } = rawCall(session, `bad-${value}`, { 'grpc-timeout': value });
      const t = await trailers;
      assert.equal(t['grpc-status'], String(grpc.status.INTERNAL), value);
      assert.equal(t['grpc-message'], `Invalid grpc-timeout value "${value}"`);
    }
    assert.deepEqual(
      calls.filter((c) => c.request.startsWith('bad-')),
      [],
    );
  });

  test('RST_STREAM from the client aborts the handler’s signal (the work is cancelled)', async () => {
    const { stream } = rawCall(session, 'reset-me');
    const { call } = await callOf('reset-me');
    assert.equal(call.signal.aborted, false);
    const heard: string[] = [];
    call.onAbort((r) => heard.push(`kept: ${r.message}`));
    call.onAbort((r) => heard.push(`unregistered: ${r.message}`))();
    stream.close(constants.NGHTTP2_CANCEL);
    const reason = await abortReason(call);
    assert.ok(reason instanceof StatusError);
    assert.equal(reason.code, grpc.status.CANCELLED);
    assert.equal(reason.message, 'Call cancelled by the client (RST_STREAM)');
    call.onAbort((r) => heard.push(`late: ${r.message}`));
    assert.deepEqual(heard, [
      'kept: Call cancelled by the client (RST_STREAM)',
      'late: Call cancelled by the client (RST_STREAM)',
    ]);
  });

  test('a client dropping its connection (no RST_STREAM) aborts every call on it', async () => {
    const [host, port] = server.endpoint.split(':');
    const socket = connect(Number(port), host);
    await once(socket, 'connect');
    const request = (id: number, name: string): Buffer =>
      Buffer.concat([
        frame(
          FrameType.HEADERS,
          Flag.END_HEADERS,
          id,
          encodeHeaders([
            [':method', 'POST'],
            [':scheme', 'http'],
            [':path', PATH],
            [':authority', 'test'],
            ['content-type', 'application/grpc'],
          ]),
        ),
        frame(FrameType.DATA, Flag.END_STREAM, id, lengthPrefixed(Buffer.from(name))),
      ]);
    socket.write(Buffer.concat([PREFACE, settingsFrame([]), request(1, 'gone-1'), request(3, 'gone-2')]));
    const [a, b] = await Promise.all([callOf('gone-1'), callOf('gone-2')]);
    socket.destroy();
    for (const { call } of [a, b]) {
      const reason = await abortReason(call);
      assert.ok(reason instanceof StatusError);
      assert.equal(reason.code, grpc.status.CANCELLED);
      assert.equal(reason.message, 'Connection closed');
    }
  });

  test('our channel’s timeout reaches the server as grpc-timeout', async () => {
    const channel = new GrpcUnaryChannel(server.endpoint);
    try {
      await assert.rejects(channel.call(PATH, Buffer.from('lean-300'), 300), {
        code: grpc.status.DEADLINE_EXCEEDED,
      });
      const { call, at } = await callOf('lean-300');
      const left = call.deadline! - at;
      assert.ok(left > 0 && left <= 300, `${left} ms left`);
      const reason = await abortReason(call);
      assert.ok(reason instanceof StatusError);
      assert.ok(
        reason.code === grpc.status.DEADLINE_EXCEEDED || reason.code === grpc.status.CANCELLED,
        'the server’s deadline, or the client’s RST_STREAM when its own timer fired first',
      );
    } finally {
      channel.close();
    }
  });

  test('a call queued behind the server’s stream limit times out from when it was made, and is never sent', async () => {
    const narrow = await GrpcUnaryServer.start('127.0.0.1:0', { [PATH]: hang }, { maxConcurrentStreams: 1 });
    const channel = new GrpcUnaryChannel(narrow.endpoint);
    try {
      const holder = new AbortController();
      const first = channel.call(PATH, Buffer.from('holds-the-stream'), undefined, holder.signal);
      await callOf('holds-the-stream');
      // The only stream is taken: these two wait in the channel for room on the connection.
      const timed = channel.call(PATH, Buffer.from('queued-300'), 300);
      const cancelled = new AbortController();
      const waiting = channel.call(PATH, Buffer.from('queued-cancelled'), undefined, cancelled.signal);
      cancelled.abort();
      await assert.rejects(waiting, {
        code: grpc.status.CANCELLED,
        message: 'RPC failed: Cancelled on client',
      });
      await assert.rejects(timed, {
        code: grpc.status.DEADLINE_EXCEEDED,
        message: 'RPC failed: Deadline exceeded',
      });
      // Room again: the queued calls, settled, are skipped; a new one goes through.
      holder.abort();
      await assert.rejects(first, { code: grpc.status.CANCELLED });
      const last = new AbortController();
      const after = channel.call(PATH, Buffer.from('after-the-queue'), undefined, last.signal);
      await callOf('after-the-queue');
      last.abort();
      await assert.rejects(after, { code: grpc.status.CANCELLED });
      assert.equal(calls.filter((c) => c.request.startsWith('queued-')).length, 0);
    } finally {
      channel.close();
      await narrow.stop(0);
    }
  });
});
