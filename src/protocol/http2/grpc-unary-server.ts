import { createServer, type Server, type Socket } from 'node:net';
import { status } from '@grpc/grpc-js';
import { BodyBudget } from '../../support/body-budget.js';
import { bindError } from '../../support/socket-errors.js';
import { CallAbort } from '../call-abort.js';
import { formatEndpoint, parseBindEndpoint, socketHost } from '../endpoint.js';
import { StatusError, statusOf } from '../rpc-error.js';
import type { TlsCredentials } from '../tls-credentials.js';
import { ConnectionError, H2Connection, H2Stream } from './connection.js';
import { ErrorCode } from './frame.js';
import { collect, declaredLength, encodeGrpcMessage, lengthPrefixed, singleMessage } from './grpc-message.js';
import { parseGrpcTimeout } from './grpc-timeout.js';
import { malformedRequestHeaders } from './header-rules.js';
import { encodeHeaders, type HeaderField } from './hpack.js';
import { DEFAULT_GRPC_SERVER_LIMITS, type GrpcServerLimits, type H2Limits } from './limits.js';
import { createH2TlsServer } from './tls-h2.js';

/** What a handler knows of its call besides the request. */
export interface UnaryCall {
  /**
   * Aborted once nobody waits for the answer: the client reset the stream or closed the connection, or
   * the call's deadline passed (the server has then answered DEADLINE_EXCEEDED).
   */
  readonly signal: AbortSignal;
  /**
   * Calls `listener` with the reason when the signal aborts (at once if it has): what the signal does,
   * for a fraction of its cost (an AbortController and its listener cost microseconds in Node 20).
   * Returns what unregisters it.
   */
  onAbort(listener: (reason: Error) => void): () => void;
  /** When the client stops waiting (its `grpc-timeout`), in `performance.now()` milliseconds; undefined: never. */
  readonly deadline: number | undefined;
}

/** A unary method's handler on bytes: the serialized request in, the serialized response out. */
export type UnaryBytesHandler = (request: Buffer, call: UnaryCall) => Promise<Buffer> | Buffer;

const RESPONSE_HEADERS = encodeHeaders([
  [':status', '200'],
  ['content-type', 'application/grpc'],
]);
const OK_TRAILERS = encodeHeaders([['grpc-status', '0']]);
/** Longest `grpc-message` we send, characters (the details are cut beyond). */
const MAX_DETAILS = 4096;

/** A request stream on the server: the method and the request body collected so far. */
class ServerStream extends H2Stream implements UnaryCall {
  handler: UnaryBytesHandler | undefined;
  chunks: Buffer[] = [];
  size = 0;
  /** Bytes of the server's receiving budget the request holds (its message, prefix included); 0: none yet or given back. */
  reserved = 0;
  /** The request's content-length, if it gave one: the body must match it (RFC 9113 §8.1.1). */
  contentLength: number | undefined;
  /** A response (or a reset) has been sent: further input is ignored. */
  answered = false;
  deadline: number | undefined;
  /** Answers DEADLINE_EXCEEDED when the deadline passes. */
  timer: NodeJS.Timeout | undefined;
  private readonly aborts = new CallAbort();

  get signal(): AbortSignal {
    return this.aborts.signal;
  }

  onAbort(listener: (reason: Error) => void): () => void {
    return this.aborts.onAbort(listener);
  }

  /** Nobody waits for the answer any more: aborts the signal (once) and stops the deadline timer. */
  abort(reason: Error): void {
    clearTimeout(this.timer);
    this.aborts.abort(reason);
  }
}

/** The server side of one connection: each stream is a unary call to one of the handlers. */
class ServerConnection extends H2Connection<ServerStream> {
  private lastStreamId = 0;
  private draining = false;

  constructor(
    socket: Socket,
    private readonly handlers: ReadonlyMap<string, UnaryBytesHandler>,
    private readonly forget: (conn: ServerConnection) => void,
    limits: Readonly<H2Limits>,
    private readonly budget: BodyBudget,
  ) {
    super(socket, true, limits);
  }

  /** Stops taking new streams; the connection ends once the open ones are answered. */
  drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.goaway(this.lastStreamId);
    this.endIfIdle();
  }

  protected override lastPeerStreamId(): number {
    return this.lastStreamId;
  }

  protected override isIdle(id: number): boolean {
    return id % 2 === 0 || id > this.lastStreamId;
  }

  protected onHeaders(id: number, fields: HeaderField[], endStream: boolean): void {
    const open = this.streams.get(id);
    if (open !== undefined) {
      if (!endStream || malformedRequestHeaders(fields, true) !== undefined) this.refuse(open);
      else this.requestEnded(open); // trailers of the request: nothing in them for us
      return;
    }
    if (id % 2 === 0)
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `stream ${id} opened by the client`);
    this.lastStreamId = id;
    const stream = new ServerStream(id, this.peerInitialWindow);
    stream.remoteEnded = endStream;
    this.streams.set(id, stream);
    if (this.draining || this.streams.size > this.limits.maxConcurrentStreams) {
      this.reset(stream, ErrorCode.REFUSED_STREAM);
      return;
    }
    let method = '';
    let path = '';
    let contentType = '';
    let contentLength: string | undefined;
    let timeout: string | undefined;
    for (const [name, value] of fields) {
      if (name === ':method') method = value;
      else if (name === ':path') path = value;
      else if (name === 'content-type') contentType = value;
      else if (name === 'content-length') contentLength = value;
      else if (name === 'grpc-timeout') timeout = value;
    }
    if (
      malformedRequestHeaders(fields, false) !== undefined ||
      path === '' ||
      (contentLength !== undefined && !/^\d{1,15}$/.test(contentLength))
    ) {
      this.refuse(stream);
      return;
    }
    if (contentLength !== undefined) stream.contentLength = Number(contentLength);
    if (method !== 'POST' || !contentType.startsWith('application/grpc')) {
      stream.answered = true;
      this.write(this.headersFrames(id, encodeHeaders([[':status', '415']]), true));
      this.finishEarly(stream);
      return;
    }
    stream.handler = this.handlers.get(path);
    if (stream.handler === undefined) {
      this.answerError(
        stream,
        new StatusError(status.UNIMPLEMENTED, `The server does not implement the method ${path}`),
      );
      return;
    }
    if (timeout !== undefined && !this.startDeadline(stream, timeout)) return;
    if (endStream) this.requestEnded(stream);
  }

  /**
   * Arms the call's deadline from its `grpc-timeout` (as grpc-js does: a malformed value is answered
   * INTERNAL `Invalid grpc-timeout value "<value>"`); says whether the call goes on.
   */
  private startDeadline(stream: ServerStream, value: string): boolean {
    const ms = parseGrpcTimeout(value);
    if (ms === undefined) {
      this.answerError(stream, new StatusError(status.INTERNAL, `Invalid grpc-timeout value "${value}"`));
      return false;
    }
    stream.deadline = performance.now() + ms;
    stream.timer = setTimeout(() => {
      const expired = new StatusError(status.DEADLINE_EXCEEDED, 'Deadline exceeded');
      this.answerError(stream, expired);
      stream.abort(expired);
    }, ms);
    return true;
  }

  protected onData(stream: ServerStream, data: Buffer, endStream: boolean): void {
    if (stream.answered) return;
    try {
      stream.size = collect(stream.chunks, stream.size, data);
      if (stream.reserved === 0 && stream.size >= 5) this.reserve(stream);
      if (stream.reserved !== 0 && stream.size > stream.reserved)
        throw new StatusError(status.INTERNAL, 'More than one message');
    } catch (err) {
      this.answerError(stream, err);
      return;
    }
    if (endStream) this.requestEnded(stream);
  }

  /**
   * Reserves the request's declared message in the server's budget, before its body is read; throws
   * RESOURCE_EXHAUSTED naming the limit when that would pass it.
   */
  private reserve(stream: ServerStream): void {
    const bytes = 5 + declaredLength(stream.chunks);
    if (!this.budget.reserve(bytes)) {
      throw new StatusError(
        status.RESOURCE_EXHAUSTED,
        `Server busy: a request message of ${bytes - 5} bytes would take the request bytes it receives at once past ${this.budget.maxBytes} (maxReceivingBytes)`,
      );
    }
    stream.reserved = bytes;
  }

  /** Gives back what the request holds of the server's budget: its call is answered, reset or gone. */
  private settle(stream: ServerStream): void {
    this.budget.release(stream.reserved);
    stream.reserved = 0;
  }

  protected onReset(stream: ServerStream): void {
    this.settle(stream);
    stream.answered = true;
    stream.abort(new StatusError(status.CANCELLED, 'Call cancelled by the client (RST_STREAM)'));
    this.endIfIdle();
  }

  protected onGoaway(): void {
    this.draining = true;
    this.endIfIdle();
  }

  protected onClose(): void {
    const gone = new StatusError(status.CANCELLED, 'Connection closed');
    for (const stream of this.streams.values()) {
      this.settle(stream);
      stream.answered = true;
      stream.abort(gone);
    }
    this.streams.clear();
    this.forget(this);
  }

  protected override onLocalEnd(stream: ServerStream): void {
    super.onLocalEnd(stream);
    this.endIfIdle();
  }

  /** A malformed request: a stream error PROTOCOL_ERROR (RFC 9113 §8.1.1). */
  private refuse(stream: ServerStream): void {
    this.settle(stream);
    stream.answered = true;
    clearTimeout(stream.timer);
    this.reset(stream, ErrorCode.PROTOCOL_ERROR);
    this.endIfIdle();
  }

  private requestEnded(stream: ServerStream): void {
    if (stream.answered) return;
    if (stream.contentLength !== undefined && stream.contentLength !== stream.size) {
      this.refuse(stream);
      return;
    }
    let request: Buffer;
    try {
      request = singleMessage(stream.chunks, stream.size);
    } catch (err) {
      this.answerError(stream, err);
      return;
    }
    stream.chunks = [];
    this.release(stream);
    let reply: Promise<Buffer> | Buffer;
    try {
      reply = stream.handler!(request, stream);
    } catch (err) {
      this.answerError(stream, err);
      return;
    }
    if (reply instanceof Promise)
      reply.then(
        (bytes: Buffer) => this.answer(stream, bytes),
        (err: unknown) => this.answerError(stream, err),
      );
    else this.answer(stream, reply);
  }

  private answer(stream: ServerStream, reply: Buffer): void {
    this.settle(stream);
    if (stream.answered || this.closed) return;
    stream.answered = true;
    clearTimeout(stream.timer);
    this.send(
      stream,
      this.headersFrames(stream.id, RESPONSE_HEADERS, false),
      lengthPrefixed(reply),
      false,
      OK_TRAILERS,
    );
  }

  /** Answers with an error status, as trailers only. */
  private answerError(stream: ServerStream, err: unknown): void {
    this.settle(stream);
    if (stream.answered || this.closed) return;
    stream.answered = true;
    clearTimeout(stream.timer);
    const { code, details } = statusOf(err);
    const block = encodeHeaders([
      [':status', '200'],
      ['content-type', 'application/grpc'],
      ['grpc-status', String(code)],
      ['grpc-message', encodeGrpcMessage(details.slice(0, MAX_DETAILS))],
    ]);
    this.write(this.headersFrames(stream.id, block, true));
    this.finishEarly(stream);
  }

  /** Forgets a stream answered by its last frame; if its request has not ended, tells the client to stop (RST_STREAM NO_ERROR). */
  private finishEarly(stream: ServerStream): void {
    stream.localEnded = true;
    if (!stream.remoteEnded) this.reset(stream, ErrorCode.NO_ERROR);
    else this.forgetStream(stream);
    this.endIfIdle();
  }

  private endIfIdle(): void {
    if (this.draining && this.streams.size === 0 && !this.closed) this.socket.end();
  }
}

/**
 * A lean gRPC server of unary methods, straight on TCP with our own HTTP/2 framing (no grpc-js, no
 * node:http2): the serving side of the lambda data path. Wire-compatible with any gRPC client (grpc-js,
 * C++ grpc), in clear or over TLS; no compression, no streaming methods.
 */
export class GrpcUnaryServer {
  private constructor(
    private readonly server: Server,
    private readonly connections: Set<ServerConnection>,
    private readonly budget: BodyBudget,
    /** The endpoint actually bound (with the real port when asked for port 0). */
    readonly endpoint: string,
    readonly port: number,
  ) {}

  /**
   * Binds `endpoint` (`host:port`, port 0 for any free port) and serves the handlers, keyed by method
   * path (`/uiiit.rpc.EdgeServer/RunLambda`), holding every connection, and all of them together, to
   * `limits` (defaults: {@link DEFAULT_GRPC_SERVER_LIMITS}). Fails with `Could not bind to: <endpoint>: <reason>` as RpcServer does.
   * With `tls`, serves HTTP/2 over TLS only (ALPN `h2`, see {@link createH2TlsServer}); the TLS handshake
   * must end within the preface timeout.
   */
  static async start(
    endpoint: string,
    handlers: Record<string, UnaryBytesHandler>,
    limits: Partial<GrpcServerLimits> = {},
    tls?: TlsCredentials,
  ): Promise<GrpcUnaryServer> {
    const connectionLimits = { ...DEFAULT_GRPC_SERVER_LIMITS, ...limits };
    const budget = new BodyBudget(connectionLimits.maxReceivingBytes);
    const ep = parseBindEndpoint(endpoint);
    const table = new Map(Object.entries(handlers));
    const connections = new Set<ServerConnection>();
    const onSocket = (socket: Socket): void => {
      connections.add(
        new ServerConnection(socket, table, (c) => connections.delete(c), connectionLimits, budget),
      );
    };
    const server =
      tls === undefined
        ? createServer({ noDelay: true }, onSocket)
        : createH2TlsServer(tls, connectionLimits.prefaceTimeoutMs, onSocket);
    server.maxConnections = connectionLimits.maxConnections;
    const host = socketHost(ep);
    const port = await new Promise<number>((resolve, reject) => {
      server.once('error', (err) => reject(bindError(endpoint, err)));
      server.listen(ep.port, host, () => {
        const address = server.address();
        resolve(typeof address === 'object' && address !== null ? address.port : ep.port);
      });
    });
    server.on('error', () => undefined);
    return new GrpcUnaryServer(server, connections, budget, formatEndpoint({ host: ep.host, port }), port);
  }

  /** Request-message bytes held now over all connections (see {@link GrpcServerLimits.maxReceivingBytes}). */
  get receivingBytes(): number {
    return this.budget.reserved;
  }

  /** Stops accepting, lets calls in progress finish for up to `graceMs`, then closes every connection. */
  async stop(graceMs = 1000): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const conn of this.connections) conn.drain();
    const timer = setTimeout(() => {
      for (const conn of this.connections) conn.destroy(new Error('server stopped'));
    }, graceMs);
    await closed;
    clearTimeout(timer);
  }
}
