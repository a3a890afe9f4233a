import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { codec } from '../codec.js';
import { Flag, frame, FrameType, PREFACE, settingsFrame } from './frame.js';
import { encodeHeaders, type HeaderField } from './hpack.js';

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

/** The request fields as a header block (literals without indexing: it leaves the peer's table as it is). */
export const REQUEST_HEADERS = encodeHeaders([...REQUEST_FIELDS]);

/** How a raw peer starts a connection: the client preface and an empty SETTINGS frame. */
export const START = Buffer.concat([PREFACE, settingsFrame([])]);

const lambdaRequest = codec('uiiit.rpc.LambdaRequest');
const lambdaResponse = codec('uiiit.rpc.LambdaResponse');

/** A RunLambda handler answering with the request's input as output (an echo computer). */
export function echoLambda(bytes: Buffer): Buffer {
  return lambdaResponse.encode({ output: lambdaRequest.decode(bytes).input });
}

/** A whole RunLambda request on stream `id`: HEADERS (`block`, default {@link REQUEST_HEADERS}), then DATA with END_STREAM. */
export function requestFrames(id: number, input: string, block = REQUEST_HEADERS): Buffer {
  return Buffer.concat([
    frame(FrameType.HEADERS, Flag.END_HEADERS, id, block),
    frame(FrameType.DATA, Flag.END_STREAM, id, grpcMessage(lambdaRequest.encode({ input }))),
  ]);
}

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

  /** The stream id and error code of the first RST_STREAM the server sends. */
  async reset(): Promise<[id: number, code: number]> {
    const f = await this.frame((x) => x.type === FrameType.RST_STREAM);
    return [f.id, f.payload.readUInt32BE(0)];
  }

  /** The output of the RunLambda reply on stream `id` (of an {@link echoLambda} server: the input). */
  async output(id: number): Promise<string> {
    await this.frame((f) => f.type === FrameType.HEADERS && f.id === id && (f.flags & Flag.END_STREAM) !== 0);
    const data = this.frames.filter((f) => f.type === FrameType.DATA && f.id === id).map((f) => f.payload);
    return lambdaResponse.decode(Buffer.concat(data).subarray(5)).output;
  }

  /** Sends `bytes` in one write and resolves with the GOAWAY code the server closes the connection with. */
  static async goawayAfter(endpoint: string, bytes: Buffer): Promise<number> {
    const peer = await RawPeer.connect(endpoint);
    peer.socket.write(bytes);
    const code = await peer.goawayCode();
    await peer.closed;
    return code;
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
