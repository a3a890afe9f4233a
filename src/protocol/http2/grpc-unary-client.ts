import { connect, type Socket } from 'node:net';
import { status } from '@grpc/grpc-js';
import { parseEndpoint, socketHost } from '../endpoint.js';
import { RpcError, type StatusError } from '../rpc-error.js';
import type { TlsCredentials } from '../tls-credentials.js';
import { whenCancelled, type CallCancellation } from '../call-cancellation.js';
import { H2Connection, H2Stream } from './connection.js';
import { ErrorCode } from './frame.js';
import { collect, decodeGrpcMessage, lengthPrefixed, singleMessage, statusOfHttp } from './grpc-message.js';
import { encodeHeaders, type HeaderField } from './hpack.js';
import { connectH2Tls } from './tls-h2.js';

/** Longest grpc-timeout we send, in its unit (8 digits at most). */
const MAX_TIMEOUT = 99_999_999;
/** Header blocks with a grpc-timeout a channel keeps for reuse. */
const MAX_TIMED_BLOCKS = 16;

/**
 * One call as its caller sees it: settled once, whether by its stream, its deadline or its caller's
 * cancellation; the deadline and the cancellation count from when the call was made, so a call waiting
 * for a connection or for room on one is bounded too.
 */
class ClientCall {
  settled = false;
  /** Sent again once on a new connection after the server refused it unprocessed. */
  retried = false;
  /** The stream carrying the call, once started, and its connection. */
  stream: ClientStream | undefined;
  connection: ClientConnection | undefined;
  private timer: NodeJS.Timeout | undefined;
  private unregister: (() => void) | undefined;

  constructor(
    readonly block: Buffer,
    readonly message: Buffer,
    private readonly resolve: (reply: Buffer) => void,
    private readonly reject: (err: RpcError) => void,
  ) {}

  /** Starts the deadline (DEADLINE_EXCEEDED) and listens to the caller's cancellation (CANCELLED). */
  arm(timeoutMs: number | undefined, cancellation: CallCancellation | undefined): void {
    if (timeoutMs !== undefined)
      this.timer = setTimeout(
        () => this.stop(new RpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')),
        timeoutMs,
      );
    if (cancellation !== undefined)
      this.unregister = whenCancelled(cancellation, () =>
        this.stop(new RpcError(status.CANCELLED, 'Cancelled on client')),
      );
  }

  /** Ends the call with `err`; a started call's stream is reset (RST_STREAM CANCEL): the server stops its work. */
  stop(err: RpcError): void {
    if (this.settled) return;
    if (this.stream !== undefined) this.connection!.abandon(this.stream, err);
    else this.settle(err);
  }

  /** Settles the call with its reply or error (once). */
  settle(outcome: Buffer | RpcError): void {
    if (this.settled) return;
    this.settled = true;
    clearTimeout(this.timer);
    this.unregister?.();
    if (outcome instanceof RpcError) this.reject(outcome);
    else this.resolve(outcome);
  }
}

/** A call in progress on a stream. */
class ClientStream extends H2Stream {
  headersSeen = false;
  chunks: Buffer[] = [];
  size = 0;

  constructor(
    id: number,
    sendWindow: number,
    readonly call: ClientCall,
  ) {
    super(id, sendWindow);
  }
}

/** The client side of one connection: each stream is one unary call. */
class ClientConnection extends H2Connection<ClientStream> {
  private nextId = 1;
  private goneAway = false;
  private closeWhenIdle = false;
  /** Calls waiting for room under the server's SETTINGS_MAX_CONCURRENT_STREAMS. */
  private readonly waiting: ClientCall[] = [];

  constructor(
    socket: Socket,
    /** Sends a call again elsewhere: the server refused it without processing it. */
    private readonly retry: (call: ClientCall) => void,
  ) {
    super(socket, false);
  }

  protected override isIdle(id: number): boolean {
    return id % 2 === 0 || id >= this.nextId;
  }

  /** Whether new calls may start here. */
  usable(): boolean {
    return !this.closed && !this.goneAway && !this.closeWhenIdle && this.nextId < 2 ** 31 - 1;
  }

  /** Starts a call on a new stream, or queues it until there is room; a call settled meanwhile is skipped. */
  start(call: ClientCall): void {
    if (call.settled) return;
    if (!this.usable()) {
      this.retry(call);
      return;
    }
    if (!this.hasStreamRoom()) {
      this.waiting.push(call);
      return;
    }
    const id = this.nextId;
    this.nextId += 2;
    const stream = new ClientStream(id, this.peerInitialWindow, call);
    this.streams.set(id, stream);
    call.stream = stream;
    call.connection = this;
    this.send(stream, this.headersFrames(id, call.block, false), lengthPrefixed(call.message), true, null);
  }

  /** Closes the connection once its calls are done. */
  end(): void {
    this.closeWhenIdle = true;
    if (this.streams.size === 0) this.destroy(new Error('Channel closed'));
  }

  /** Ends a started call with `err` and resets its stream (RST_STREAM CANCEL). */
  abandon(stream: ClientStream, err: RpcError): void {
    if (this.streams.get(stream.id) === stream) this.finish(stream, err, true);
    else stream.call.settle(err);
  }

  protected onHeaders(id: number, fields: HeaderField[], endStream: boolean): void {
    const stream = this.streams.get(id);
    if (stream === undefined) return;
    if (!stream.headersSeen) {
      stream.headersSeen = true;
      const http = field(fields, ':status');
      if (http !== '200') {
        const code = statusOfHttp(Number(http));
        this.finish(stream, new RpcError(code, `Received HTTP status code ${http ?? '(none)'}`), !endStream);
        return;
      }
      if (!endStream) return;
    }
    if (!endStream) return;
    const grpcStatus = field(fields, 'grpc-status');
    const code = Number(grpcStatus ?? status.UNKNOWN);
    if (code !== Number(status.OK)) {
      const details = decodeGrpcMessage(field(fields, 'grpc-message') ?? '');
      this.finish(
        stream,
        new RpcError(code, grpcStatus === undefined ? 'No grpc-status in the trailers' : details),
      );
      return;
    }
    let reply: Buffer;
    try {
      reply = singleMessage(stream.chunks, stream.size);
    } catch (err) {
      const { code: c, message } = err as StatusError;
      this.finish(stream, new RpcError(c, message));
      return;
    }
    this.finish(stream, reply);
  }

  protected onData(stream: ClientStream, data: Buffer, endStream: boolean): void {
    try {
      stream.size = collect(stream.chunks, stream.size, data);
    } catch (err) {
      const { code, message } = err as StatusError;
      this.finish(stream, new RpcError(code, message), !endStream);
      return;
    }
    if (endStream)
      this.finish(stream, new RpcError(status.INTERNAL, 'Server ended the call without a status'));
  }

  protected onReset(stream: ClientStream, code: number): void {
    if (code === ErrorCode.REFUSED_STREAM) {
      this.handBack(stream);
      return;
    }
    const grpcCode = code === ErrorCode.CANCEL ? status.CANCELLED : status.INTERNAL;
    this.finish(stream, new RpcError(grpcCode, `Received RST_STREAM with code ${code}`));
  }

  protected onGoaway(lastStreamId: number): void {
    this.goneAway = true;
    for (const stream of [...this.streams.values()]) {
      if (stream.id > lastStreamId) {
        this.forgetStream(stream);
        this.handBack(stream);
      }
    }
    this.startWaiting();
    if (this.streams.size === 0) this.destroy(new Error('Server went away'));
  }

  protected onClose(err: Error): void {
    const calls = [...this.streams.values()];
    this.streams.clear();
    for (const stream of calls) stream.call.settle(new RpcError(status.UNAVAILABLE, err.message));
    this.startWaiting();
  }

  /** A call the server refused unprocessed leaves its stream and is sent again elsewhere. */
  private handBack(stream: ClientStream): void {
    stream.call.stream = undefined;
    stream.call.connection = undefined;
    this.retry(stream.call);
  }

  /** Starts the waiting calls there is room for (on a connection going away, they go elsewhere). */
  private startWaiting(): void {
    while (this.waiting.length > 0 && (this.closed || this.goneAway || this.hasStreamRoom()))
      this.start(this.waiting.shift()!);
  }

  /** Ends a call with its reply or error; `reset`: tell the server to stop (RST_STREAM CANCEL). */
  private finish(stream: ClientStream, outcome: Buffer | RpcError, reset = false): void {
    if (reset) this.reset(stream, ErrorCode.CANCEL);
    else this.forgetStream(stream);
    stream.call.settle(outcome);
    this.startWaiting();
    if ((this.goneAway || this.closeWhenIdle) && this.streams.size === 0)
      this.destroy(new Error('Channel closed'));
  }
}

function field(fields: HeaderField[], name: string): string | undefined {
  for (const [n, v] of fields) if (n === name) return v;
  return undefined;
}

/**
 * A lean gRPC client channel of unary calls to one endpoint, straight on TCP with our own HTTP/2
 * framing: one long-lived connection, re-opened on the next call after it drops. Calls the server
 * refused unprocessed (GOAWAY, REFUSED_STREAM) are sent again once on a new connection. Wire-compatible
 * with any gRPC server (grpc-js, C++ grpc); over TLS (ALPN `h2`) when given `tls`; no compression.
 */
export class GrpcUnaryChannel {
  private connection: ClientConnection | null = null;
  private connecting: Promise<ClientConnection> | null = null;
  private shut = false;
  private readonly blocks = new Map<string, Buffer>();
  /** Header blocks with a grpc-timeout, by path and timeout (at most {@link MAX_TIMED_BLOCKS}). */
  private readonly timedBlocks = new Map<string, Buffer>();
  private readonly host: string;
  private readonly port: number;

  constructor(
    readonly endpoint: string,
    private readonly tls?: TlsCredentials,
  ) {
    const ep = parseEndpoint(endpoint);
    this.host = socketHost(ep);
    this.port = ep.port;
  }

  /**
   * Calls the unary method at `path` with a serialized request; rejects with an {@link RpcError}:
   * DEADLINE_EXCEEDED `timeoutMs` after this call (however long it waited for a connection), CANCELLED
   * once `cancellation` fires (a started call's stream is reset, so the server stops its work).
   */
  call(path: string, message: Buffer, timeoutMs?: number, cancellation?: CallCancellation): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const call = new ClientCall(this.block(path, timeoutMs), message, resolve, reject);
      call.arm(timeoutMs, cancellation);
      this.attempt(call);
    });
  }

  /** Starts a call on the open connection, or on a new one. */
  private attempt(call: ClientCall): void {
    if (call.settled) return;
    const c = this.connection;
    if (c !== null && c.usable()) {
      c.start(call);
      return;
    }
    c?.end(); // out of stream ids, or going away: it closes once its calls are done
    this.connect(undefined).then(
      (conn) => conn.start(call),
      (err: RpcError) => call.settle(err),
    );
  }

  /** Sends a call the server refused unprocessed once more, on a new connection if need be. */
  private readonly retry = (call: ClientCall): void => {
    if (call.retried) call.settle(new RpcError(status.UNAVAILABLE, 'Call refused by the server'));
    else {
      call.retried = true;
      this.attempt(call);
    }
  };

  /** Resolves once connected (or rejects after `timeoutMs`). */
  async ready(timeoutMs: number): Promise<void> {
    const c = this.connection;
    if (c !== null && c.usable()) return;
    await this.connect(timeoutMs);
  }

  /** Closes the channel once the calls in progress are done; later calls fail. */
  close(): void {
    this.shut = true;
    this.connection?.end();
    this.connection = null;
  }

  private connect(timeoutMs: number | undefined): Promise<ClientConnection> {
    if (this.shut) return Promise.reject(new RpcError(status.UNAVAILABLE, 'Channel has been shut down'));
    this.connecting ??= this.openSocket()
      .then(
        (socket) => {
          const conn = new ClientConnection(socket, this.retry);
          if (this.shut) conn.end();
          else this.connection = conn;
          return conn;
        },
        (err: Error) => {
          throw new RpcError(status.UNAVAILABLE, `No connection established. Last error: ${err.message}`);
        },
      )
      .finally(() => {
        this.connecting = null;
      });
    if (timeoutMs === undefined) return this.connecting;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new RpcError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')),
        timeoutMs,
      );
    });
    return Promise.race([this.connecting, deadline]).finally(() => clearTimeout(timer));
  }

  /** A connected socket: TCP, or TLS with `h2` negotiated. */
  private openSocket(): Promise<Socket> {
    if (this.tls !== undefined) return connectH2Tls(this.host, this.port, this.tls);
    return new Promise((resolve, reject) => {
      const socket = connect({ host: this.host, port: this.port, noDelay: true });
      socket.once('error', (err) => {
        socket.destroy();
        reject(err); // a no-op once resolved: the connection then handles its socket's errors
      });
      socket.once('connect', () => resolve(socket));
    });
  }

  private block(path: string, timeoutMs: number | undefined): Buffer {
    let block = this.blocks.get(path);
    if (block === undefined) {
      block = encodeHeaders([
        [':method', 'POST'],
        [':scheme', this.tls === undefined ? 'http' : 'https'],
        [':path', path],
        [':authority', this.endpoint],
        ['content-type', 'application/grpc'],
        ['te', 'trailers'],
        ['user-agent', 'soe-grpc-lean/1.0'],
      ]);
      this.blocks.set(path, block);
    }
    if (timeoutMs === undefined) return block;
    const timeout = `${Math.min(MAX_TIMEOUT, Math.max(1, Math.ceil(timeoutMs)))}m`;
    // A broker's forwarded calls mostly carry the same timeout (its --forward-timeout): keep their blocks.
    const key = `${path}\n${timeout}`;
    let timed = this.timedBlocks.get(key);
    if (timed === undefined) {
      timed = Buffer.concat([block, encodeHeaders([['grpc-timeout', timeout]])]);
      if (this.timedBlocks.size < MAX_TIMED_BLOCKS) this.timedBlocks.set(key, timed);
    }
    return timed;
  }
}
