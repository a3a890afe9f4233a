import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { FrameType } from './frame.js';
import type { HeaderField } from './hpack.js';

/** The path of RunLambda, the method the raw peers call. */
export const RUN_LAMBDA = '/uiiit.rpc.EdgeServer/RunLambda';

/** The header fields of a gRPC call to RunLambda, as a client sends them. */
export const REQUEST_FIELDS: readonly HeaderField[] = [
  [':method', 'POST'],
  [':scheme', 'http'],
  [':path', RUN_LAMBDA],
  [':authority', 'x'],
  ['content-type', 'application/grpc'],
  ['te', 'trailers'],
];

/** A serialized message as gRPC frames it in DATA: uncompressed, 4-byte length, the bytes. */
export function grpcMessage(body: Buffer): Buffer {
  const prefix = Buffer.alloc(5);
  prefix.writeUInt32BE(body.length, 1);
  return Buffer.concat([prefix, body]);
}

/** A frame as a raw peer reads it. */
export interface RawFrame {
  type: number;
  flags: number;
  id: number;
  payload: Buffer;
}

/** A TCP peer that writes bytes of its own making and parses the frames it gets back. */
export class RawPeer {
  readonly frames: RawFrame[] = [];
  private buf = Buffer.alloc(0);
  private readonly waiters: { check: (f: RawFrame) => boolean; resolve: (f: RawFrame) => void }[] = [];
  /** Resolves when the server closes (or resets) the connection. */
  readonly closed: Promise<void>;

  private constructor(readonly socket: Socket) {
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.on('error', () => undefined);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
  }

  /** Connects to `endpoint` (`host:port`). */
  static async connect(endpoint: string): Promise<RawPeer> {
    const colon = endpoint.lastIndexOf(':');
    const socket = connect(Number(endpoint.slice(colon + 1)), endpoint.slice(0, colon));
    await once(socket, 'connect');
    return new RawPeer(socket);
  }

  /** Resolves with the first frame (already received or to come) that `check` accepts. */
  frame(check: (f: RawFrame) => boolean): Promise<RawFrame> {
    const seen = this.frames.find(check);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  /** The error code of the GOAWAY the server sends. */
  async goawayCode(): Promise<number> {
    return (await this.frame((f) => f.type === FrameType.GOAWAY)).payload.readUInt32BE(4);
  }

  private onData(chunk: Buffer): void {
    this.buf = Buffer.concat([this.buf, chunk]);
    while (this.buf.length >= 9 && this.buf.length >= 9 + this.buf.readUIntBE(0, 3)) {
      const length = this.buf.readUIntBE(0, 3);
      const f = {
        type: this.buf[3]!,
        flags: this.buf[4]!,
        id: this.buf.readUInt32BE(5) & 0x7fffffff,
        payload: this.buf.subarray(9, 9 + length),
      };
      this.buf = this.buf.subarray(9 + length);
      this.frames.push(f);
      for (let i = this.waiters.length - 1; i >= 0; i--) {
        if (this.waiters[i]!.check(f)) this.waiters.splice(i, 1)[0]!.resolve(f);
      }
    }
  }
}
