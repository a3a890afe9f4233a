import assert from 'node:assert/strict';
import { test } from 'node:test';
import { decode } from '@cwasm/jpeg-turbo';
import { encodeGrayJpeg } from './jpeg-gray-encoder.js';

test('a grayscale JPEG that libjpeg-turbo decodes to nearly the same pixels, any size', () => {
  for (const [w, h] of [
    [1, 1],
    [37, 29],
    [64, 48],
  ] as const) {
    const gray = new Uint8Array(w * h);
    for (let i = 0; i < gray.length; i++)
      gray[i] = ((i % w) * 7 + Math.floor(i / w) * 3 + (i % 5) * 20) % 256;
    const img = decode(encodeGrayJpeg(gray, w, h, 95));
    assert.deepEqual([img.width, img.height], [w, h]);
    let worst = 0;
    for (let i = 0; i < gray.length; i++) worst = Math.max(worst, Math.abs(img.data[i * 4]! - gray[i]!));
    assert.ok(worst <= 12, `${w}x${h}: max error ${worst}`);
  }
  assert.throws(() => encodeGrayJpeg(new Uint8Array(0), 0, 0), { message: 'cannot encode a 0x0 image' });
});
