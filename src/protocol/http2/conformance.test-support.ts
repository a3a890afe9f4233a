import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Flag, FrameType } from './frame.js';
import { RawPeer, requestFrames, START } from './raw-peer.test-support.js';

/** The stream of the request that shows a connection still serves after a stream error: above any a case uses. */
const FOLLOW_UP = 101;

/** A case where the peer must close the connection: after START and `bytes`, GOAWAY with `code`. */
export function connectionError(endpoint: () => string, name: string, bytes: Buffer[], code: number): void {
  test(`${name}: connection error, GOAWAY ${code}`, async () => {
    assert.equal(await RawPeer.goawayAfter(endpoint(), Buffer.concat([START, ...bytes])), code);
  });
}

/**
 * A case where the peer must reset one stream: after START and `bytes`, RST_STREAM `code` on stream
 * `id`; the connection lives on (a request on another stream is answered, no GOAWAY).
 */
export function streamError(
  endpoint: () => string,
  name: string,
  bytes: Buffer[],
  id: number,
  code: number,
): void {
  test(`${name}: stream error, RST_STREAM ${code}`, async () => {
    const peer = await RawPeer.connect(endpoint());
    try {
      peer.socket.write(Buffer.concat([START, ...bytes]));
      assert.deepEqual(await peer.reset(), [id, code]);
      peer.socket.write(requestFrames(FOLLOW_UP, 'still serving'));
      assert.equal(await peer.output(FOLLOW_UP), 'still serving');
      assert.deepEqual(
        peer.frames.filter((f) => f.type === FrameType.GOAWAY),
        [],
      );
    } finally {
      peer.socket.destroy();
    }
  });
}

/** A case the peer must accept: after START and `bytes`, the request on stream `id` is answered with `input`. */
export function answered(
  endpoint: () => string,
  name: string,
  bytes: Buffer[],
  id: number,
  input: string,
): void {
  test(`${name}: accepted, the request is answered`, async () => {
    const peer = await RawPeer.connect(endpoint());
    try {
      peer.socket.write(Buffer.concat([START, ...bytes]));
      assert.equal(await peer.output(id), input);
      assert.deepEqual(
        peer.frames.filter((f) => f.type === FrameType.GOAWAY || f.type === FrameType.RST_STREAM),
        [],
      );
    } finally {
      peer.socket.destroy();
    }
  });
}

/** A case the peer must ignore: after START and `bytes`, a PING is still acknowledged, and nothing was reset. */
export function ignored(endpoint: () => string, name: string, bytes: Buffer[]): void {
  test(`${name}: ignored, the connection goes on`, async () => {
    const peer = await RawPeer.connect(endpoint());
    try {
      const ping = Buffer.from('ignored!');
      peer.socket.write(Buffer.concat([START, ...bytes, pingFrame(ping)]));
      await peer.frame(
        (f) => f.type === FrameType.PING && (f.flags & Flag.ACK) !== 0 && f.payload.equals(ping),
      );
      assert.deepEqual(
        peer.frames.filter((f) => f.type === FrameType.GOAWAY || f.type === FrameType.RST_STREAM),
        [],
      );
    } finally {
      peer.socket.destroy();
    }
  });
}

/** A PING frame (not an acknowledgement) with this 8-octet payload. */
export function pingFrame(payload: Buffer): Buffer {
  const buf = Buffer.alloc(17);
  buf.writeUIntBE(8, 0, 3);
  buf[3] = FrameType.PING;
  payload.copy(buf, 9);
  return buf;
}
