import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orientRgba, strokeRect, type RgbaImage } from './rgba-image.js';

/** A 3×2 image whose pixels are the letters a–f (in the red byte), row by row. */
const LETTERS: RgbaImage = {
  data: Uint8Array.from([...'abcdef'].flatMap((c) => [c.charCodeAt(0), 0, 0, 255])),
  width: 3,
  height: 2,
};

/** The rows of an image as strings of letters. */
function rows(img: RgbaImage): string[] {
  const out: string[] = [];
  for (let y = 0; y < img.height; y++) {
    let row = '';
    for (let x = 0; x < img.width; x++) row += String.fromCharCode(img.data[(y * img.width + x) * 4]!);
    out.push(row);
  }
  return out;
}

test('each EXIF orientation shows the image as the standard says (cv::imdecode: transpose, then flip)', () => {
  const expected: Record<number, string[]> = {
    1: ['abc', 'def'],
    2: ['cba', 'fed'],
    3: ['fed', 'cba'],
    4: ['def', 'abc'],
    5: ['ad', 'be', 'cf'],
    6: ['da', 'eb', 'fc'],
    7: ['fc', 'eb', 'da'],
    8: ['cf', 'be', 'ad'],
  };
  for (const [orientation, want] of Object.entries(expected)) {
    assert.deepEqual(rows(orientRgba(LETTERS, Number(orientation))), want, `orientation ${orientation}`);
  }
  assert.equal(orientRgba(LETTERS, 9), LETTERS);
  assert.equal(orientRgba(LETTERS, 0), LETTERS);
});

test('strokeRect paints only the border band of the rectangle, clipped to the image', () => {
  const img: RgbaImage = { data: new Uint8Array(10 * 8 * 4), width: 10, height: 8 };
  strokeRect(img, { x: 1, y: 1, w: 6, h: 5 }, [255, 0, 0], 2);
  const painted = (x: number, y: number): boolean => img.data[(y * 10 + x) * 4] === 255;
  let count = 0;
  for (let y = 0; y < 8; y++) for (let x = 0; x < 10; x++) if (painted(x, y)) count++;
  assert.equal(count, 6 * 5 - 2 * 1);
  assert.ok(!painted(3, 3) && !painted(4, 3) && painted(1, 1) && painted(6, 5) && !painted(7, 1));
  strokeRect(img, { x: 8, y: 6, w: 50, h: 50 }, [0, 255, 0], 1);
  assert.equal(img.data[(7 * 10 + 9) * 4 + 1], 255);
});
