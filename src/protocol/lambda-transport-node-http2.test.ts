import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect, type ClientHttp2Session, type IncomingHttpHeaders } from 'node:http2';
import { after, before, describe, test } from 'node:test';
import * as grpc from '@grpc/grpc-js';
import { lengthPrefixed, MAX_MESSAGE_BYTES } from './http2/grpc-message.js';
import type { LambdaCall, LambdaServer } from './lambda-transport.js';
import { nodeHttp2Transport } from './lambda-transport-node-http2.js';
import { lambdaCodecs, RUN_LAMBDA } from './lambda-wire.js';
import { errorResponse } from './responses.js';

/** What a raw node:http2 request got: the response headers and the trailers (if any). */
interface RawReply {
  headers: IncomingHttpHeaders;
  trailers: IncomingHttpHeaders | undefined;
}

/** Sends `body` with `headers` and waits for the stream to close. */
async function raw(
  session: ClientHttp2Session,
  headers: Record<string, string>,
  body: Buffer,
): Promise<RawReply> {
  const stream = session.request(headers, { endStream: false });
  stream.on('error', () => undefined);
  let head: IncomingHttpHeaders = {};
  let trailers: IncomingHttpHeaders | undefined;
  stream.once('response', (h) => (head = h));
  stream.once('trailers', (t: IncomingHttpHeaders) => (trailers = t));
  stream.resume();
  stream.end(body);
  await once(stream, 'close');
  return { headers: head, trailers };
}

const GRPC = { ':method': 'POST', ':path': RUN_LAMBDA, 'content-type': 'application/grpc', te: 'trailers' };
const request = (name: string): Buffer => lengthPrefixed(lambdaCodecs.request.encode({ name }));

describe('node-http2 lambda server', () => {
  let server: LambdaServer;
  let session: ClientHttp2Session;
  /** The calls of `hang`, which never answers, and a wake-up for a test waiting on the next. */
  const hanging: LambdaCall[] = [];
  let arrived: () => void = () => undefined;

  before(async () => {
    server = await nodeHttp2Transport.serve('127.0.0.1:0', (req, call) => {
      if (req.name === 'hang') {
        hanging.push(call);
        arrived();
        return new Promise(() => undefined);
      }
      return Promise.resolve({ ...errorResponse('OK', req.hops + 1), output: req.name });
    });
    session = connect(`http://${server.endpoint}`);
    await once(session, 'remoteSettings');
  });
  after(async () => {
    session.close();
    await server.stop(0);
  });

  test('advertises the lean limits it can: 1,000 streams, a 64 KiB header list, no push', () => {
    const settings = session.remoteSettings;
    assert.equal(settings.maxConcurrentStreams, 1000);
    assert.equal(settings.maxHeaderListSize, 64 * 1024);
    assert.equal(settings.enablePush, false);
  });

  test('a malformed grpc-timeout is INTERNAL, as grpc-js answers it', async () => {
    const { trailers, headers } = await raw(session, { ...GRPC, 'grpc-timeout': '1x' }, request('x'));
    assert.equal(trailers, undefined);
    assert.equal(headers['grpc-status'], String(grpc.status.INTERNAL));
    assert.equal(headers['grpc-message'], 'Invalid grpc-timeout value "1x"');
  });

  test('another method is UNIMPLEMENTED, another verb or content-type HTTP 415', async () => {
    const other = await raw(session, { ...GRPC, ':path': '/x.Y/Z' }, request('x'));
    assert.equal(other.headers['grpc-status'], String(grpc.status.UNIMPLEMENTED));
    assert.equal(other.headers['grpc-message'], 'The server does not implement the method /x.Y/Z');
    const json = await raw(session, { ...GRPC, 'content-type': 'application/json' }, request('x'));
    assert.equal(json.headers[':status'], 415);
  });

  test('the server ends a call at its grpc-timeout (DEADLINE_EXCEEDED) and aborts the handler', async () => {
    const started = new Promise<void>((resolve) => (arrived = resolve));
    const reply = raw(session, { ...GRPC, 'grpc-timeout': '50m' }, request('hang'));
    await started;
    const call = hanging.at(-1)!;
    const { headers } = await reply;
    assert.equal(headers['grpc-status'], String(grpc.status.DEADLINE_EXCEEDED));
    assert.equal(headers['grpc-message'], 'Deadline exceeded');
    assert.equal((await new Promise<Error>((resolve) => call.onAbort(resolve))).message, 'Deadline exceeded');
    assert.equal(call.signal.aborted, true);
  });

  test('a reset call aborts its handler', async () => {
    const started = new Promise<void>((resolve) => (arrived = resolve));
    const stream = session.request(GRPC);
    stream.on('error', () => undefined);
    stream.end(request('hang'));
    await started;
    const call = hanging.at(-1)!;
    stream.close();
    const reason = await new Promise<Error>((resolve) => call.onAbort(resolve));
    assert.equal(reason.message, 'Call cancelled by the client');
  });

  test(
    'unfinished requests hold at most 32 MiB per connection: RESOURCE_EXHAUSTED beyond',
    { timeout: 60_000 },
    async () => {
      const hog = connect(`http://${server.endpoint}`);
      try {
        // Nine unfinished 4 MiB bodies: 36 MiB, so the last bytes in are over the budget.
        const body = Buffer.alloc(MAX_MESSAGE_BYTES);
        const streams = Array.from({ length: 9 }, () => {
          const stream = hog.request(GRPC);
          stream.on('error', () => undefined);
          stream.write(body);
          return stream;
        });
        const [headers] = (await Promise.race(streams.map((s) => once(s, 'response')))) as [
          IncomingHttpHeaders,
        ];
        assert.equal(headers['grpc-status'], String(grpc.status.RESOURCE_EXHAUSTED));
        assert.equal(headers['grpc-message'], 'Too many request bytes buffered on this connection');
        // The others reset, their bytes are given back: a call on the same connection is answered.
        for (const s of streams) s.close();
        await Promise.all(streams.filter((s) => !s.closed).map((s) => once(s, 'close')));
        const ok = await raw(hog, GRPC, request('after'));
        assert.equal(ok.trailers?.['grpc-status'], '0');
      } finally {
        hog.destroy();
      }
    },
  );
});
