import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { decodeWithPillow } from './pillow.test-support.js';
import { encodePng } from './png-encoder.js';
import { Random } from './random.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-png-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Mode, size and RGB bytes of a PNG as Pillow decodes it. */
function decodePng(png: Buffer): ReturnType<typeof decodeWithPillow> {
  const file = join(dir, 'image.png');
  writeFileSync(file, png);
  return decodeWithPillow(file);
}

/** The RGB bytes of RGBA pixels. */
function rgbOf(rgba: Uint8Array): Buffer {
  const out = Buffer.alloc((rgba.length / 4) * 3);
  for (let i = 0; i < rgba.length / 4; i++) out.set(rgba.subarray(4 * i, 4 * i + 3), 3 * i);
  return out;
}

test('Pillow decodes our PNGs to exactly the pixels encoded, for any size and content', () => {
  const random = new Random(7);
  for (const [width, height] of [
    [1, 1],
    [37, 23],
    [256, 3],
    [2, 300],
  ] as const) {
    const rgba = new Uint8Array(width * height * 4);
    for (let i = 0; i < rgba.length; i++) rgba[i] = random.uniformInt(0, 255);
    const decoded = decodePng(encodePng(rgba, width, height));
    assert.deepEqual([decoded.mode, decoded.width, decoded.height], ['RGB', width, height]);
    assert.ok(decoded.pixels.equals(rgbOf(rgba)), `${width}x${height}`);
  }
});

test('a flat image compresses: the "Up" filter leaves zeros below the first row', () => {
  const rgba = new Uint8Array(640 * 480 * 4).fill(200);
  assert.ok(encodePng(rgba, 640, 480).length < 2000);
});

test('a size that does not match the pixels, or an empty image, is refused', () => {
  assert.throws(() => encodePng(new Uint8Array(12), 2, 2), {
    message: '12 bytes of pixels for a 2x2 RGBA image',
  });
  assert.throws(() => encodePng(new Uint8Array(0), 0, 1), { message: 'invalid PNG size 0x1' });
});
