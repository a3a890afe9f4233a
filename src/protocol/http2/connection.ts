import type { Socket } from 'node:net';
import {
  DEFAULT_MAX_FRAME_SIZE,
  DEFAULT_WINDOW,
  ErrorCode,
  Flag,
  FRAME_HEADER,
  FrameType,
  goawayFrame,
  PREFACE,
  rstStreamFrame,
  Setting,
  settingsFrame,
  windowUpdateFrame,
  frame,
} from './frame.js';
import { HpackDecoder, HpackError, type HeaderField } from './hpack.js';
import { DEFAULT_H2_LIMITS, type H2Limits } from './limits.js';

/** Flow-control window we give each stream: more than the largest message we accept, so no stream update is needed. */
const LOCAL_STREAM_WINDOW = 8 * 1024 * 1024;
/**
 * Flow-control window we give the connection: the most request (or response) bytes a peer can have us
 * hold at once. Replenished as the bytes are consumed (handed on or dropped), not as they arrive.
 */
const LOCAL_CONNECTION_WINDOW = 16 * 1024 * 1024;
/** How long a connection closed for an error waits for the peer to close its side, ms. */
const CLOSE_GRACE_MS = 1000;
/** Largest header block we take, octets (a longer one closes the connection). */
const MAX_HEADER_BLOCK = 64 * 1024;
/** Largest stream-level window a peer may give (RFC 9113 §6.9.1). */
const MAX_WINDOW = 2 ** 31 - 1;
/** Closed streams a connection remembers, to tell frames in flight from frames on a stream long closed. */
const CLOSED_MEMORY = 128;

/** A connection error: the connection is closed with GOAWAY and this code. */
export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';

  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

/** One stream's flow-control and output state; subclasses add what their side needs. */
export class H2Stream {
  /** What the peer lets us send on this stream. */
  sendWindow: number;
  /** DATA not yet sent for lack of window; then END_STREAM (`outEnd`) or the trailers. */
  out: Buffer | null = null;
  outEnd = false;
  outTrailers: Buffer | null = null;
  /** We sent END_STREAM. */
  localEnded = false;
  /** The peer sent END_STREAM. */
  remoteEnded = false;
  /** DATA received on this stream and not yet consumed: the connection window it holds. */
  unconsumed = 0;
  /** What the peer may still send on this stream. */
  receiveWindow = LOCAL_STREAM_WINDOW;

  constructor(
    readonly id: number,
    sendWindow: number,
  ) {
    this.sendWindow = sendWindow;
  }
}

/**
 * One HTTP/2 connection over a socket, the part a client and a server share: the preface, SETTINGS,
 * PING, GOAWAY, HPACK decoding of header blocks (with CONTINUATION), padding, and flow control both
 * ways (queued DATA goes out on WINDOW_UPDATE). Frames written in one tick leave in one socket write.
 * A protocol violation closes the connection with GOAWAY; it never throws out of a socket event.
 */
export abstract class H2Connection<S extends H2Stream> {
  /** Open streams by id. */
  readonly streams = new Map<number, S>();
  /** Set once the connection is closed, by either side or by a failure. */
  closed = false;
  protected peerMaxFrameSize = DEFAULT_MAX_FRAME_SIZE;
  protected peerInitialWindow = DEFAULT_WINDOW;
  protected peerMaxStreams = Infinity;
  private sendWindow = DEFAULT_WINDOW;
  /** What the peer may still send on the connection. */
  private receiveWindow = LOCAL_CONNECTION_WINDOW;
  /** Bytes consumed since the last WINDOW_UPDATE we sent for the connection. */
  private consumed = 0;
  private pending: Buffer | null = null;
  private awaitingPreface: boolean;
  private readonly decoder = new HpackDecoder();
  private continuation: {
    streamId: number;
    flags: number;
    chunks: Buffer[];
    size: number;
    frames: number;
  } | null = null;
  /** Streams with DATA or trailers waiting for window. */
  private readonly blocked = new Set<S>();
  /**
   * The last {@link CLOSED_MEMORY} streams closed, oldest first: true if we reset them (frames the peer
   * sent before it knew are ignored), false if they ended (a frame on them is a STREAM_CLOSED error).
   */
  private readonly closedLately = new Map<number, boolean>();
  private emptyFrames = 0;
  /** Control acknowledgements written since the socket last had nothing queued. */
  private queuedControl = 0;
  private prefaceTimer: NodeJS.Timeout | undefined;
  /** RST_STREAM frames the peer may still send now: a token bucket (rapid reset, CVE-2023-44487). */
  private resetTokens: number;
  private resetRefilled = performance.now();
  private corked = false;
  private readonly uncork = (): void => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    protected readonly socket: Socket,
    isServer: boolean,
    protected readonly limits: Readonly<H2Limits> = DEFAULT_H2_LIMITS,
  ) {
    this.awaitingPreface = isServer;
    this.resetTokens = limits.maxResetBurst;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onSocketData(chunk));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy(new Error('Connection dropped')));
    socket.on('drain', () => (this.queuedControl = 0));
    if (isServer) {
      this.prefaceTimer = setTimeout(
        () => this.destroy(new Error(`no client preface within ${limits.prefaceTimeoutMs} ms`)),
        limits.prefaceTimeoutMs,
      );
      socket.setTimeout(limits.idleTimeoutMs, () => {
        if (this.streams.size === 0) this.fail(new ConnectionError(ErrorCode.NO_ERROR, 'idle'));
      });
    }
    const start = [
      settingsFrame([
        [Setting.ENABLE_PUSH, 0],
        [Setting.MAX_CONCURRENT_STREAMS, limits.maxConcurrentStreams],
        [Setting.INITIAL_WINDOW_SIZE, LOCAL_STREAM_WINDOW],
      ]),
      windowUpdateFrame(0, LOCAL_CONNECTION_WINDOW - DEFAULT_WINDOW),
    ];
    this.write(Buffer.concat(isServer ? start : [PREFACE, ...start]));
  }

  /** Headers (or trailers) of stream `id` arrived, the whole block decoded. */
  protected abstract onHeaders(id: number, fields: HeaderField[], endStream: boolean): void;
  /** DATA arrived on an open stream. */
  protected abstract onData(stream: S, data: Buffer, endStream: boolean): void;
  /** The peer reset an open stream (it is already removed). */
  protected abstract onReset(stream: S, code: number): void;
  /** The peer sent GOAWAY: streams above `lastStreamId` were not processed. */
  protected abstract onGoaway(lastStreamId: number, code: number): void;
  /** The connection is closed; `err` says why. Streams still open are the subclass's to fail. */
  protected abstract onClose(err: Error): void;

  /** Queues bytes for the socket; everything written in one tick leaves in one write. */
  protected write(buf: Buffer): void {
    if (this.closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.uncork);
    }
    this.socket.write(buf);
    if (this.socket.writableLength > this.limits.maxBufferedBytes)
      this.destroy(new Error(`peer does not read: over ${this.limits.maxBufferedBytes} bytes queued`));
  }

  /** Writes a PING or SETTINGS acknowledgement, counting those queued behind a peer that does not read. */
  private writeControl(buf: Buffer): void {
    if (this.socket.writableLength === 0) this.queuedControl = 0;
    else if (++this.queuedControl > this.limits.maxQueuedControl)
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, 'too many control frames queued');
    this.write(buf);
  }

  /** HEADERS (+ CONTINUATION) frames carrying `block`. */
  protected headersFrames(id: number, block: Buffer, endStream: boolean): Buffer {
    const end = endStream ? Flag.END_STREAM : 0;
    if (block.length <= this.peerMaxFrameSize)
      return frame(FrameType.HEADERS, end | Flag.END_HEADERS, id, block);
    const parts: Buffer[] = [];
    for (let off = 0; off < block.length; off += this.peerMaxFrameSize) {
      const chunk = block.subarray(off, off + this.peerMaxFrameSize);
      const last = off + chunk.length >= block.length ? Flag.END_HEADERS : 0;
      const type = off === 0 ? FrameType.HEADERS : FrameType.CONTINUATION;
      parts.push(frame(type, (off === 0 ? end : 0) | last, id, chunk));
    }
    return Buffer.concat(parts);
  }

  /**
   * Sends `head` (frames already built, or null), then `data` as DATA frames as far as the windows allow,
   * then END_STREAM (`endStream`) or the `trailers` block; what does not fit waits for WINDOW_UPDATE.
   */
  protected send(
    stream: S,
    head: Buffer | null,
    data: Buffer,
    endStream: boolean,
    trailers: Buffer | null,
  ): void {
    stream.out = data;
    stream.outEnd = endStream && trailers === null;
    stream.outTrailers = trailers;
    const parts: Buffer[] = head === null ? [] : [head];
    const ended = this.drainStream(stream, parts);
    if (stream.out !== null) this.blocked.add(stream);
    if (parts.length > 0) this.write(parts.length === 1 ? parts[0]! : Buffer.concat(parts));
    if (ended) this.onLocalEnd(stream);
  }

  /** Hands the connection window held by `stream`'s DATA back to the peer: its bytes are consumed. */
  protected release(stream: S): void {
    this.consume(stream.unconsumed);
    stream.unconsumed = 0;
  }

  /** Forgets a stream, releasing what it holds. */
  protected forgetStream(stream: S): void {
    this.release(stream);
    this.streams.delete(stream.id);
    this.closedLately.set(stream.id, false);
    if (this.closedLately.size > CLOSED_MEMORY)
      this.closedLately.delete(this.closedLately.keys().next().value!);
  }

  private consume(n: number): void {
    this.consumed += n;
    if (this.consumed >= LOCAL_CONNECTION_WINDOW / 2) {
      this.write(windowUpdateFrame(0, this.consumed));
      this.receiveWindow += this.consumed;
      this.consumed = 0;
    }
  }

  /** Resets a stream of ours and forgets it. */
  protected reset(stream: S, code: number): void {
    this.forgetStream(stream);
    this.closedLately.set(stream.id, true);
    this.write(rstStreamFrame(stream.id, code));
  }

  /** Says GOAWAY (no error) with the last stream we will process. */
  protected goaway(lastStreamId: number): void {
    this.write(goawayFrame(lastStreamId, ErrorCode.NO_ERROR));
  }

  /** Closes the socket now; `onClose` runs once. */
  destroy(err: Error): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.prefaceTimer);
    this.socket.destroy();
    this.onClose(err);
  }

  /** Whether the connection can take one more stream of ours. */
  protected hasStreamRoom(): boolean {
    return this.streams.size < this.peerMaxStreams;
  }

  /** Adds the frames `stream` may send now to `parts`; true if they end it (END_STREAM). */
  private drainStream(stream: S, parts: Buffer[]): boolean {
    let data = stream.out!;
    const empty = data.length === 0;
    while (data.length > 0) {
      const n = Math.min(data.length, this.peerMaxFrameSize, this.sendWindow, stream.sendWindow);
      if (n <= 0) break;
      const last = n === data.length && stream.outEnd ? Flag.END_STREAM : 0;
      parts.push(frame(FrameType.DATA, last, stream.id, data.subarray(0, n)));
      data = data.subarray(n);
      this.sendWindow -= n;
      stream.sendWindow -= n;
    }
    if (data.length > 0) {
      stream.out = data;
      return false;
    }
    if (empty && stream.outEnd) parts.push(frame(FrameType.DATA, Flag.END_STREAM, stream.id));
    if (stream.outTrailers !== null) parts.push(this.headersFrames(stream.id, stream.outTrailers, true));
    stream.localEnded = stream.outEnd || stream.outTrailers !== null;
    stream.out = null;
    stream.outTrailers = null;
    return stream.localEnded;
  }

  /** We sent END_STREAM on `stream`; a subclass may forget it. */
  protected onLocalEnd(stream: S): void {
    if (stream.remoteEnded) this.forgetStream(stream);
  }

  /** Sends what the blocked streams may send now: the work is bounded by the streams that wait, not the open ones. */
  private flushBlocked(): void {
    const parts: Buffer[] = [];
    const ended: S[] = [];
    for (const s of this.blocked) {
      if (this.sendWindow <= 0) break;
      if (s.out === null || this.streams.get(s.id) !== s) {
        this.blocked.delete(s);
        continue;
      }
      if (s.sendWindow <= 0) continue;
      if (this.drainStream(s, parts)) ended.push(s);
      if (s.out === null) this.blocked.delete(s);
    }
    if (parts.length > 0) this.write(Buffer.concat(parts));
    for (const stream of ended) this.onLocalEnd(stream);
  }

  private onSocketData(chunk: Buffer): void {
    const buf = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
    this.pending = null;
    try {
      let pos = 0;
      if (this.awaitingPreface) {
        const n = Math.min(buf.length, PREFACE.length);
        if (!buf.subarray(0, n).equals(PREFACE.subarray(0, n))) {
          throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'not an HTTP/2 client preface');
        }
        if (n < PREFACE.length) {
          this.pending = buf;
          return;
        }
        this.awaitingPreface = false;
        clearTimeout(this.prefaceTimer);
        pos = PREFACE.length;
      }
      while (buf.length - pos >= FRAME_HEADER) {
        const length = (buf[pos]! << 16) | (buf[pos + 1]! << 8) | buf[pos + 2]!;
        if (length > DEFAULT_MAX_FRAME_SIZE) {
          throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, `frame of ${length} octets`);
        }
        if (buf.length - pos < FRAME_HEADER + length) break;
        const type = buf[pos + 3]!;
        const flags = buf[pos + 4]!;
        const id = buf.readUInt32BE(pos + 5) & 0x7fffffff;
        const payload = buf.subarray(pos + FRAME_HEADER, pos + FRAME_HEADER + length);
        pos += FRAME_HEADER + length;
        this.onFrame(type, flags, id, payload);
        if (this.closed) return;
      }
      if (pos < buf.length) this.pending = pos === 0 ? buf : buf.subarray(pos);
    } catch (err) {
      this.fail(err as Error);
    }
  }

  /** Closes the connection after a protocol error or a bug: GOAWAY with the error's code, then the socket. */
  private fail(err: Error): void {
    if (this.closed) return;
    const code =
      err instanceof ConnectionError
        ? err.code
        : err instanceof HpackError
          ? ErrorCode.COMPRESSION_ERROR
          : ErrorCode.INTERNAL_ERROR;
    this.socket.uncork();
    this.socket.end(goawayFrame(this.lastPeerStreamId(), code, err.message));
    setTimeout(() => this.socket.destroy(), CLOSE_GRACE_MS).unref();
    clearTimeout(this.prefaceTimer);
    this.closed = true;
    this.onClose(err);
  }

  /** Whether stream `id` is idle: neither side has opened it yet (RFC 9113 §5.1). */
  protected isIdle(_id: number): boolean {
    return false;
  }

  /** A stream error (RFC 9113 §5.4.2): RST_STREAM with `code`; an open stream is closed as if reset. */
  private streamError(id: number, code: number): void {
    this.write(rstStreamFrame(id, code));
    const stream = this.streams.get(id);
    if (stream === undefined) return;
    this.forgetStream(stream);
    this.closedLately.set(id, true);
    this.onReset(stream, code);
  }

  /**
   * DATA or HEADERS on a closed stream (RFC 9113 §5.1): ignored if we reset it lately (the peer sent it
   * before it knew), else a stream error STREAM_CLOSED; HEADERS on a stream we know nothing of is a new
   * stream whose id is not above the last one, a connection error PROTOCOL_ERROR (§5.1.1).
   */
  private onClosedStream(id: number, type: number): void {
    const weReset = this.closedLately.get(id);
    if (weReset === true) return;
    if (weReset === undefined && type === FrameType.HEADERS)
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `HEADERS on closed stream ${id}`);
    this.writeControl(rstStreamFrame(id, ErrorCode.STREAM_CLOSED));
  }

  /** Refuses frames other than HEADERS and PRIORITY on an idle stream (RFC 9113 §5.1). */
  private checkNotIdle(id: number, what: string): void {
    if (this.isIdle(id)) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `${what} on idle stream ${id}`);
  }

  /** The highest stream id the peer opened (GOAWAY's last stream id). */
  protected lastPeerStreamId(): number {
    return 0;
  }

  private onFrame(type: number, flags: number, id: number, payload: Buffer): void {
    if (this.continuation !== null && type !== FrameType.CONTINUATION) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'expected CONTINUATION');
    }
    switch (type) {
      case FrameType.DATA:
        return this.onDataFrame(flags, id, payload);
      case FrameType.HEADERS:
        return this.onHeadersFrame(flags, id, payload);
      case FrameType.CONTINUATION:
        return this.onContinuation(flags, id, payload);
      case FrameType.RST_STREAM:
        return this.onRstStream(id, payload);
      case FrameType.SETTINGS:
        return this.onSettings(flags, id, payload);
      case FrameType.PING:
        if (id !== 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PING on a stream');
        if (payload.length !== 8) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'PING of bad size');
        if ((flags & Flag.ACK) === 0) this.writeControl(frame(FrameType.PING, Flag.ACK, 0, payload));
        return;
      case FrameType.GOAWAY:
        if (id !== 0 || payload.length < 8) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'bad GOAWAY');
        return this.onGoaway(payload.readUInt32BE(0) & 0x7fffffff, payload.readUInt32BE(4));
      case FrameType.WINDOW_UPDATE:
        return this.onWindowUpdate(id, payload);
      case FrameType.PUSH_PROMISE:
        throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PUSH_PROMISE with push disabled');
      case FrameType.PRIORITY:
        return this.onPriority(id, payload);
      default:
        return; // unknown types are ignored (RFC 9113 §5.5)
    }
  }

  /** The payload without its padding (and priority fields of HEADERS). */
  private unpad(flags: number, payload: Buffer, priority: boolean): Buffer {
    let start = 0;
    let end = payload.length;
    if (flags & Flag.PADDED) {
      if (payload.length < 1) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'padded frame too short');
      start = 1;
      end -= payload[0]!;
    }
    if (priority && flags & Flag.PRIORITY) start += 5;
    if (end < start) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'padding exceeds the frame');
    return payload.subarray(start, end);
  }

  /** PRIORITY is advisory, but must be well formed (RFC 9113 §6.3). */
  private onPriority(id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'PRIORITY on stream 0');
    if (payload.length !== 5) return this.streamError(id, ErrorCode.FRAME_SIZE_ERROR);
    if ((payload.readUInt32BE(0) & 0x7fffffff) === id) this.streamError(id, ErrorCode.PROTOCOL_ERROR);
  }

  private onDataFrame(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'DATA on stream 0');
    this.checkNotIdle(id, 'DATA');
    this.receiveWindow -= payload.length;
    if (this.receiveWindow < 0)
      throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'DATA beyond the connection window');
    const data = this.unpad(flags, payload, false);
    if (data.length === 0 && (flags & Flag.END_STREAM) === 0) this.countEmpty();
    const stream = this.streams.get(id);
    if (stream === undefined || stream.remoteEnded) {
      this.consume(payload.length); // dropped
      if (stream === undefined) return this.onClosedStream(id, FrameType.DATA);
      return this.streamError(id, ErrorCode.STREAM_CLOSED); // half-closed (remote)
    }
    stream.receiveWindow -= payload.length;
    if (stream.receiveWindow < 0) {
      this.consume(payload.length);
      return this.streamError(id, ErrorCode.FLOW_CONTROL_ERROR);
    }
    stream.unconsumed += payload.length;
    const end = (flags & Flag.END_STREAM) !== 0;
    if (end) stream.remoteEnded = true;
    this.onData(stream, data, end);
  }

  private onHeadersFrame(flags: number, id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'HEADERS on stream 0');
    const fragment = this.unpad(flags, payload, true);
    const offset = flags & Flag.PADDED ? 1 : 0;
    if (flags & Flag.PRIORITY && (payload.readUInt32BE(offset) & 0x7fffffff) === id) {
      this.decoder.decode(fragment); // keeps the shared HPACK table in step
      return this.streamError(id, ErrorCode.PROTOCOL_ERROR);
    }
    if (flags & Flag.END_HEADERS) this.headerBlock(id, flags, fragment);
    else {
      if (fragment.length === 0) this.countEmpty();
      this.continuation = { streamId: id, flags, chunks: [fragment], size: fragment.length, frames: 0 };
    }
  }

  private onContinuation(flags: number, id: number, payload: Buffer): void {
    const c = this.continuation;
    if (c === null || c.streamId !== id) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'unexpected CONTINUATION');
    }
    if (++c.frames > this.limits.maxContinuations)
      throw new ConnectionError(
        ErrorCode.ENHANCE_YOUR_CALM,
        `over ${this.limits.maxContinuations} CONTINUATION frames`,
      );
    if (payload.length === 0 && (flags & Flag.END_HEADERS) === 0) this.countEmpty();
    c.chunks.push(payload);
    c.size += payload.length;
    if (c.size > MAX_HEADER_BLOCK) {
      throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `header block over ${MAX_HEADER_BLOCK} octets`);
    }
    if (flags & Flag.END_HEADERS) {
      this.continuation = null;
      this.headerBlock(id, c.flags, Buffer.concat(c.chunks));
    }
  }

  private headerBlock(id: number, flags: number, block: Buffer): void {
    const fields = this.decoder.decode(block);
    const end = (flags & Flag.END_STREAM) !== 0;
    const stream = this.streams.get(id);
    if (stream === undefined) {
      if (!this.isIdle(id)) return this.onClosedStream(id, FrameType.HEADERS);
    } else if (stream.remoteEnded) return this.streamError(id, ErrorCode.STREAM_CLOSED);
    else if (end) stream.remoteEnded = true;
    this.onHeaders(id, fields, end);
  }

  /** Counts a frame that carries nothing; too many close the connection (a flood costs us, not the peer). */
  private countEmpty(): void {
    if (++this.emptyFrames > this.limits.maxEmptyFrames)
      throw new ConnectionError(
        ErrorCode.ENHANCE_YOUR_CALM,
        `over ${this.limits.maxEmptyFrames} empty frames`,
      );
  }

  private onRstStream(id: number, payload: Buffer): void {
    if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'RST_STREAM on stream 0');
    if (payload.length !== 4) throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'RST_STREAM of bad size');
    this.checkNotIdle(id, 'RST_STREAM');
    const now = performance.now();
    this.resetTokens = Math.min(
      this.limits.maxResetBurst,
      this.resetTokens + ((now - this.resetRefilled) / 1000) * this.limits.maxResetRate,
    );
    this.resetRefilled = now;
    if (--this.resetTokens < 0)
      throw new ConnectionError(ErrorCode.ENHANCE_YOUR_CALM, 'too many streams reset (rapid reset)');
    const stream = this.streams.get(id);
    if (stream === undefined) return;
    this.forgetStream(stream);
    this.onReset(stream, payload.readUInt32BE(0));
  }

  private onSettings(flags: number, id: number, payload: Buffer): void {
    if (id !== 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'SETTINGS on a stream');
    if (flags & Flag.ACK) {
      if (payload.length !== 0)
        throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'SETTINGS ACK with a payload');
      return;
    }
    if (payload.length % 6 !== 0)
      throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'SETTINGS of bad size');
    for (let off = 0; off < payload.length; off += 6) {
      const value = payload.readUInt32BE(off + 2);
      switch (payload.readUInt16BE(off)) {
        case Setting.ENABLE_PUSH:
          if (value > 1) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `invalid ENABLE_PUSH ${value}`);
          break;
        case Setting.MAX_CONCURRENT_STREAMS:
          this.peerMaxStreams = value;
          break;
        case Setting.INITIAL_WINDOW_SIZE: {
          if (value > MAX_WINDOW) throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'window too large');
          const delta = value - this.peerInitialWindow;
          this.peerInitialWindow = value;
          for (const stream of this.streams.values()) {
            stream.sendWindow += delta;
            if (stream.sendWindow > MAX_WINDOW)
              throw new ConnectionError(
                ErrorCode.FLOW_CONTROL_ERROR,
                `window of stream ${stream.id} overflows`,
              );
          }
          break;
        }
        case Setting.MAX_FRAME_SIZE:
          if (value < DEFAULT_MAX_FRAME_SIZE || value > 0xffffff) {
            throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, `invalid MAX_FRAME_SIZE ${value}`);
          }
          this.peerMaxFrameSize = value;
          break;
        default:
          break; // our encoder never indexes, so HEADER_TABLE_SIZE does not matter; the rest are advisory
      }
    }
    this.writeControl(frame(FrameType.SETTINGS, Flag.ACK, 0));
    this.flushBlocked();
  }

  private onWindowUpdate(id: number, payload: Buffer): void {
    if (payload.length !== 4)
      throw new ConnectionError(ErrorCode.FRAME_SIZE_ERROR, 'WINDOW_UPDATE of bad size');
    const increment = payload.readUInt32BE(0) & 0x7fffffff;
    if (id !== 0) this.checkNotIdle(id, 'WINDOW_UPDATE');
    if (increment === 0) {
      if (id === 0) throw new ConnectionError(ErrorCode.PROTOCOL_ERROR, 'WINDOW_UPDATE of 0');
      return this.streamError(id, ErrorCode.PROTOCOL_ERROR);
    }
    if (id === 0) {
      this.sendWindow += increment;
      if (this.sendWindow > MAX_WINDOW)
        throw new ConnectionError(ErrorCode.FLOW_CONTROL_ERROR, 'window overflow');
    } else {
      const stream = this.streams.get(id);
      if (stream === undefined) return;
      stream.sendWindow += increment;
      if (stream.sendWindow > MAX_WINDOW) return this.streamError(id, ErrorCode.FLOW_CONTROL_ERROR);
    }
    this.flushBlocked();
  }
}
