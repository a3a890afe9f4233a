import {
  connect,
  constants,
  createSecureServer,
  createServer,
  type ClientHttp2Session,
  type ClientHttp2Stream,
  type Http2Server,
  type Http2Session,
  type IncomingHttpHeaders,
  type ServerHttp2Stream,
} from 'node:http2';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { status } from '@grpc/grpc-js';
import { bindError } from '../support/socket-errors.js';
import { CallAbort } from './call-abort.js';
import { whenCancelled } from './call-cancellation.js';
import { formatEndpoint, parseBindEndpoint, parseEndpoint } from './endpoint.js';
import {
  collect,
  decodeGrpcMessage,
  encodeGrpcMessage,
  lengthPrefixed,
  singleMessage,
  statusOfHttp,
} from './http2/grpc-message.js';
import { parseGrpcTimeout } from './http2/grpc-timeout.js';
import { DEFAULT_H2_LIMITS } from './http2/limits.js';
import {
  lambdaTransports,
  type LambdaCall,
  type LambdaCallOptions,
  type LambdaChannel,
  type LambdaServer,
  type LambdaTransport,
} from './lambda-transport.js';
import { lambdaCodecs, RUN_LAMBDA } from './lambda-wire.js';
import type { LambdaRequest, LambdaResponse } from './messages.js';
import { RpcError, StatusError, statusOf } from './rpc-error.js';
import type { TlsCredentials } from './tls-credentials.js';

const {
  NGHTTP2_CANCEL,
  NGHTTP2_ENHANCE_YOUR_CALM,
  NGHTTP2_INADEQUATE_SECURITY,
  NGHTTP2_NO_ERROR,
  NGHTTP2_REFUSED_STREAM,
} = constants;

/** Largest header list either side takes (nghttp2 and grpc's C core refuse beyond; grpc-js sends ≤ 8 KiB). */
const MAX_HEADER_LIST_BYTES = 64 * 1024;
/** Longest `grpc-message` we send, characters (the details are cut beyond). */
const MAX_DETAILS = 4096;
/** Longest grpc-timeout we send, in milliseconds (8 digits at most). */
const MAX_TIMEOUT = 99_999_999;

/**
 * What node:http2 takes of {@link DEFAULT_H2_LIMITS}: advertised concurrent streams, the header list, and
 * the memory nghttp2 may hold for a session (megabytes, beyond which new streams are refused). nghttp2
 * already bounds CONTINUATIONs, empty and invalid frames, queued acknowledgements (maxOutstandingPings,
 * maxSettings) and rapid resets (1,000 and 33/s) by default.
 */
const SESSION_LIMITS = {
  noDelay: true,
  maxSessionMemory: Math.ceil(DEFAULT_H2_LIMITS.maxBufferedBytes / 2 ** 20),
  maxHeaderListPairs: 128,
  maxSessionInvalidFrames: DEFAULT_H2_LIMITS.maxEmptyFrames,
  settings: {
    enablePush: false,
    maxConcurrentStreams: DEFAULT_H2_LIMITS.maxConcurrentStreams,
    maxHeaderListSize: MAX_HEADER_LIST_BYTES,
  },
};

type Handler = (request: LambdaRequest, call: LambdaCall) => Promise<LambdaResponse>;

/** One RunLambda call on the server: the {@link LambdaCall} its handler gets, and its answer. */
class NodeH2Call implements LambdaCall {
  deadline: number | undefined;
  answered = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly aborts = new CallAbort();

  constructor(
    private readonly stream: ServerHttp2Stream,
    private readonly budget: SessionBudget,
  ) {}

  get signal(): AbortSignal {
    return this.aborts.signal;
  }

  onAbort(listener: (reason: Error) => void): () => void {
    return this.aborts.onAbort(listener);
  }

  /** Arms the deadline of a `grpc-timeout` value; false (and INTERNAL answered) if malformed, as grpc-js. */
  startDeadline(value: string): boolean {
    const ms = parseGrpcTimeout(value);
    if (ms === undefined) {
      this.fail(new StatusError(status.INTERNAL, `Invalid grpc-timeout value "${value}"`));
      return false;
    }
    this.deadline = performance.now() + ms;
    this.timer = setTimeout(() => {
      const expired = new StatusError(status.DEADLINE_EXCEEDED, 'Deadline exceeded');
      this.fail(expired);
      this.abort(expired);
    }, ms);
    return true;
  }

  /** Nobody waits for the answer any more: aborts the signal (once) and stops the deadline timer. */
  abort(reason: Error): void {
    clearTimeout(this.timer);
    this.aborts.abort(reason);
  }

  /** Answers OK with `reply`, the trailers after it. */
  answer(reply: Buffer): void {
    if (!this.settle()) return;
    const stream = this.stream;
    stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
    stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': '0' }));
    stream.end(lengthPrefixed(reply));
  }

  /** Answers with an error status, trailers only; a request still coming is cut (RST_STREAM NO_ERROR). */
  fail(err: unknown): void {
    if (!this.settle()) return;
    const { code, details } = statusOf(err);
    this.stream.respond(
      {
        ':status': 200,
        'content-type': 'application/grpc',
        'grpc-status': String(code),
        'grpc-message': encodeGrpcMessage(details.slice(0, MAX_DETAILS)),
      },
      { endStream: true },
    );
    if (!this.stream.readableEnded) this.stream.close(NGHTTP2_NO_ERROR);
  }

  /** Marks the call answered; false if it was, or the stream is gone. */
  private settle(): boolean {
    if (this.answered) return false;
    this.answered = true;
    clearTimeout(this.timer);
    this.budget.release(this);
    return !this.stream.destroyed && !this.stream.closed;
  }
}

/**
 * The request bytes one session's unfinished calls hold, at most `maxBufferedBytes` (32 MiB): node:http2
 * hands the window back as soon as we read, so without it a peer could fill 1,000 streams with 4 MiB each.
 */
class SessionBudget {
  private used = 0;
  private readonly held = new Map<NodeH2Call, number>();

  /** Counts `bytes` more for `call`; false if the session is over its budget. */
  take(call: NodeH2Call, bytes: number): boolean {
    if (this.used + bytes > DEFAULT_H2_LIMITS.maxBufferedBytes) return false;
    this.used += bytes;
    this.held.set(call, (this.held.get(call) ?? 0) + bytes);
    return true;
  }

  /** Gives back what `call` held. */
  release(call: NodeH2Call): void {
    const bytes = this.held.get(call);
    if (bytes === undefined) return;
    this.used -= bytes;
    this.held.delete(call);
  }
}

/** Serves one stream: a unary RunLambda call. */
function serveStream(
  stream: ServerHttp2Stream,
  headers: IncomingHttpHeaders,
  handler: Handler,
  budget: SessionBudget,
): void {
  stream.on('error', () => undefined); // a reset or a dropped connection: 'close' ends the call
  const call = new NodeH2Call(stream, budget);
  stream.once('close', () => {
    if (call.answered) return;
    call.answered = true;
    budget.release(call);
    call.abort(new StatusError(status.CANCELLED, 'Call cancelled by the client'));
  });
  const contentType = headers['content-type'] ?? '';
  if (headers[':method'] !== 'POST' || !contentType.startsWith('application/grpc')) {
    call.answered = true;
    stream.respond({ ':status': 415 }, { endStream: true });
    if (!stream.readableEnded) stream.close(NGHTTP2_NO_ERROR);
    return;
  }
  const path = headers[':path'];
  if (path !== RUN_LAMBDA) {
    call.fail(new StatusError(status.UNIMPLEMENTED, `The server does not implement the method ${path}`));
    return;
  }
  const timeout = headers['grpc-timeout'];
  if (timeout !== undefined && !call.startDeadline(String(timeout))) return;
  const chunks: Buffer[] = [];
  let size = 0;
  stream.on('data', (chunk: Buffer) => {
    if (call.answered) return;
    if (!budget.take(call, chunk.length)) {
      call.fail(
        new StatusError(status.RESOURCE_EXHAUSTED, 'Too many request bytes buffered on this connection'),
      );
      return;
    }
    try {
      size = collect(chunks, size, chunk);
    } catch (err) {
      call.fail(err);
    }
  });
  stream.once('end', () => {
    if (call.answered) return;
    let request: LambdaRequest;
    try {
      request = lambdaCodecs.request.decode(singleMessage(chunks, size));
    } catch (err) {
      call.fail(err);
      return;
    }
    budget.release(call);
    handler(request, call).then(
      (response) => call.answer(lambdaCodecs.response.encode(response)),
      (err: unknown) => call.fail(err),
    );
  });
}

/** Keeps `session` within the preface and idle timeouts of {@link DEFAULT_H2_LIMITS}. */
function watchSession(session: Http2Session, sessions: Set<Http2Session>): SessionBudget {
  sessions.add(session);
  session.on('error', () => undefined); // the session closes; its streams see 'close'
  session.once('close', () => sessions.delete(session));
  const preface = setTimeout(() => session.destroy(), DEFAULT_H2_LIMITS.prefaceTimeoutMs);
  session.once('remoteSettings', () => clearTimeout(preface));
  session.once('close', () => clearTimeout(preface));
  let open = 0;
  session.on('stream', (stream: ServerHttp2Stream) => {
    open++;
    stream.once('close', () => open--);
  });
  session.setTimeout(DEFAULT_H2_LIMITS.idleTimeoutMs, () => {
    if (open === 0) session.close();
  });
  return new SessionBudget();
}

/** A node:http2 server, in clear or over TLS (ALPN `h2` only; mutual when `tls.mutual`). */
function createH2Server(tls: TlsCredentials | undefined): Http2Server {
  if (tls === undefined) return createServer(SESSION_LIMITS);
  if (tls.server === undefined)
    throw new Error('Cannot serve TLS without a server certificate and key (SERVER_CRT, SERVER_KEY)');
  const server = createSecureServer({
    ...SESSION_LIMITS,
    cert: tls.server.cert,
    key: tls.server.key,
    ca: tls.ca,
    requestCert: tls.mutual,
    rejectUnauthorized: tls.mutual,
    ALPNProtocols: ['h2'],
    handshakeTimeout: DEFAULT_H2_LIMITS.prefaceTimeoutMs,
    unknownProtocolTimeout: DEFAULT_H2_LIMITS.prefaceTimeoutMs,
  });
  server.on('tlsClientError', (_err: Error, socket: TLSSocket) => socket.destroy());
  server.on('unknownProtocol', (socket: Socket) => socket.destroy());
  return server;
}

async function serve(endpoint: string, handler: Handler, tls?: TlsCredentials): Promise<LambdaServer> {
  const ep = parseBindEndpoint(endpoint);
  const server = createH2Server(tls);
  const sessions = new Set<Http2Session>();
  const budgets = new WeakMap<Http2Session, SessionBudget>();
  server.on('session', (session: Http2Session) => budgets.set(session, watchSession(session, sessions)));
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) =>
    serveStream(stream, headers, handler, budgets.get(stream.session!)!),
  );
  server.on('sessionError', () => undefined);
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', (err) => reject(bindError(endpoint, err)));
    server.listen(ep.port, ep.host.replace(/^\[(.*)\]$/, '$1'), () => {
      const address = server.address();
      resolve(typeof address === 'object' && address !== null ? address.port : ep.port);
    });
  });
  server.on('error', () => undefined);
  return {
    endpoint: formatEndpoint({ host: ep.host, port }),
    async stop(graceMs = 1000) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const session of sessions) session.close();
      const timer = setTimeout(() => {
        for (const session of sessions) session.destroy();
      }, graceMs);
      await closed;
      clearTimeout(timer);
    },
  };
}

/** The gRPC status of a stream the server reset before answering (gRPC's mapping of HTTP/2 codes). */
function statusOfReset(code: number): status {
  if (code === NGHTTP2_REFUSED_STREAM) return status.UNAVAILABLE;
  if (code === NGHTTP2_CANCEL) return status.CANCELLED;
  if (code === NGHTTP2_ENHANCE_YOUR_CALM) return status.RESOURCE_EXHAUSTED;
  if (code === NGHTTP2_INADEQUATE_SECURITY) return status.PERMISSION_DENIED;
  return status.INTERNAL;
}

/** The outcome of a call from what the stream received; `reply` when it ended with grpc-status 0. */
function outcome(
  head: IncomingHttpHeaders | undefined,
  trailers: IncomingHttpHeaders | undefined,
  chunks: Buffer[],
  size: number,
): Buffer | RpcError {
  const http = head?.[':status'] as number | undefined;
  if (http !== 200) return new RpcError(statusOfHttp(Number(http)), `Received HTTP status code ${http}`);
  const end = head!['grpc-status'] !== undefined ? head! : trailers;
  const grpcStatus = end?.['grpc-status'];
  if (grpcStatus === undefined)
    return new RpcError(status.INTERNAL, 'Server ended the call without a status');
  const code = Number(grpcStatus);
  if (code !== Number(status.OK)) {
    const message = end!['grpc-message'];
    return new RpcError(code, decodeGrpcMessage(typeof message === 'string' ? message : ''));
  }
  try {
    return singleMessage(chunks, size);
  } catch (err) {
    const { code: c, message } = err as StatusError;
    return new RpcError(c, message);
  }
}

/**
 * RunLambda over one node:http2 session, re-opened on the next call after it closes or goes away; a
 * call the server refused unprocessed (REFUSED_STREAM) is sent once more.
 */
class NodeH2Channel implements LambdaChannel {
  private session: ClientHttp2Session | undefined;
  /** Why the current session failed, if it did. */
  private lastError: Error | undefined;
  private connected = false;
  private shut = false;
  private readonly authority: string;

  constructor(
    endpoint: string,
    private readonly tls?: TlsCredentials,
  ) {
    parseEndpoint(endpoint);
    this.authority = `${tls === undefined ? 'http' : 'https'}://${endpoint}`;
  }

  runLambda(request: Partial<LambdaRequest>, options?: LambdaCallOptions): Promise<LambdaResponse> {
    const message = lengthPrefixed(lambdaCodecs.request.encode(request));
    return new Promise<Buffer>((resolve, reject) => {
      if (this.shut) {
        reject(new RpcError(status.UNAVAILABLE, 'Channel has been shut down'));
        return;
      }
      const timeoutMs = options?.timeoutMs;
      const headers: Record<string, string> = {
        ':method': 'POST',
        ':path': RUN_LAMBDA,
        'content-type': 'application/grpc',
        te: 'trailers',
      };
      if (timeoutMs !== undefined)
        headers['grpc-timeout'] = `${Math.min(MAX_TIMEOUT, Math.max(1, Math.ceil(timeoutMs)))}m`;
      let current: ClientHttp2Stream | undefined;
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      let unregister: (() => void) | undefined;
      const settle = (result: Buffer | RpcError): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        unregister?.();
        if (result instanceof RpcError) reject(result);
        else resolve(result);
      };
      /** Ends the call on the client; a stream started is reset (RST_STREAM CANCEL): the server stops. */
      const stop = (err: RpcError): void => {
        settle(err);
        current?.close(NGHTTP2_CANCEL);
      };
      if (timeoutMs !== undefined)
        timer = setTimeout(
          () => stop(new RpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')),
          timeoutMs,
        );
      const signal = options?.signal;
      if (signal !== undefined)
        unregister = whenCancelled(signal, () => stop(new RpcError(status.CANCELLED, 'Cancelled on client')));
      const attempt = (retried: boolean): void => {
        if (done) return;
        const session = this.currentSession();
        const stream = session.request(headers, { endStream: false });
        current = stream;
        let head: IncomingHttpHeaders | undefined;
        let trailers: IncomingHttpHeaders | undefined;
        const chunks: Buffer[] = [];
        let size = 0;
        stream.on('error', () => undefined); // 'close' tells what happened
        stream.once('response', (h) => (head = h));
        stream.on('data', (chunk: Buffer) => {
          try {
            size = collect(chunks, size, chunk);
          } catch (err) {
            const { code, message: details } = err as StatusError;
            settle(new RpcError(code, details));
            stream.close(NGHTTP2_CANCEL);
          }
        });
        stream.once('trailers', (t: IncomingHttpHeaders) => (trailers = t));
        stream.once('close', () => {
          if (done) return;
          if (head !== undefined) {
            settle(outcome(head, trailers, chunks, size));
            return;
          }
          const code = stream.rstCode ?? NGHTTP2_NO_ERROR;
          if (code === NGHTTP2_REFUSED_STREAM && !retried && !this.shut) attempt(true);
          else if (session.destroyed && this.lastError !== undefined && !this.connected)
            settle(
              new RpcError(
                status.UNAVAILABLE,
                `No connection established. Last error: ${this.lastError.message}`,
              ),
            );
          else if (session.destroyed || code === NGHTTP2_NO_ERROR)
            settle(new RpcError(status.UNAVAILABLE, this.lastError?.message ?? 'Connection dropped'));
          else settle(new RpcError(statusOfReset(code), `Received RST_STREAM with code ${code}`));
        });
        stream.end(message);
      };
      attempt(false);
    }).then((reply) => {
      try {
        return lambdaCodecs.response.decode(reply);
      } catch (err) {
        throw new RpcError(status.INTERNAL, (err as Error).message);
      }
    });
  }

  ready(timeoutMs: number): Promise<void> {
    if (this.shut) return Promise.reject(new RpcError(status.UNAVAILABLE, 'Channel has been shut down'));
    const session = this.currentSession();
    if (this.connected) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new RpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')),
        timeoutMs,
      );
      session.once('connect', () => {
        clearTimeout(timer);
        resolve();
      });
      session.once('close', () => {
        clearTimeout(timer);
        reject(
          new RpcError(
            status.UNAVAILABLE,
            `No connection established. Last error: ${this.lastError?.message}`,
          ),
        );
      });
    });
  }

  close(): void {
    this.shut = true;
    this.session?.close();
    this.session = undefined;
  }

  /** The open session, or a new one. */
  private currentSession(): ClientHttp2Session {
    const open = this.session;
    if (open !== undefined && !open.closed && !open.destroyed) return open;
    this.connected = false;
    this.lastError = undefined;
    const tls = this.tls;
    const session = connect(this.authority, {
      ...SESSION_LIMITS,
      ...(tls === undefined
        ? {}
        : {
            ca: tls.ca,
            ...(tls.mutual && tls.client !== undefined ? { cert: tls.client.cert, key: tls.client.key } : {}),
            ALPNProtocols: ['h2'],
          }),
    });
    const forget = (): void => {
      if (this.session === session) this.session = undefined;
    };
    session.on('error', (err: Error) => (this.lastError = err));
    session.once('connect', () => (this.connected = true));
    session.once('goaway', forget);
    session.once('close', forget);
    this.session = session;
    return session;
  }
}

/**
 * RunLambda on node:http2 (nghttp2): unary gRPC in clear or over TLS (ALPN `h2`, mutual as the
 * credentials say), with nghttp2's own defences and the limits of the lean transport where node:http2
 * takes them. Bytes that are not a LambdaRequest get status INTERNAL.
 */
export const nodeHttp2Transport: LambdaTransport = {
  serve,
  connect: (endpoint, tls) => new NodeH2Channel(endpoint, tls),
};

/** Registers this transport as `node-http2`. */
export function setup(): void {
  lambdaTransports.register('node-http2', nodeHttp2Transport);
}
