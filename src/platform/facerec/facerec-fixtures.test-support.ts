import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The licensed test photos and their golden output (data/faces, see its LICENSES.md). */
export const FACES_DIR = fileURLToPath(new URL('../../../../data/faces/', import.meta.url));

/** The original pipeline's output on the test photos, computed with native OpenCV 4.6. */
export interface ExpectedHaar {
  images: Record<string, Record<string, { x: number; y: number; w: number; h: number }[]>>;
}

/** data/faces/expected-haar.json. */
export function expectedHaar(): ExpectedHaar {
  return JSON.parse(readFileSync(`${FACES_DIR}expected-haar.json`, 'utf8')) as ExpectedHaar;
}

/** A test photo's bytes. */
export function photo(name: string): Buffer {
  return readFileSync(`${FACES_DIR}${name}`);
}

/** `jpeg` with an APP1 Exif segment (big-endian TIFF, IFD0 with Orientation only) after its SOI. */
export function withOrientation(jpeg: Buffer, orientation: number): Buffer {
  const tiff = Buffer.alloc(26);
  tiff.write('MM', 0, 'latin1');
  tiff.writeUInt16BE(42, 2);
  tiff.writeUInt32BE(8, 4);
  tiff.writeUInt16BE(1, 8);
  tiff.writeUInt16BE(0x0112, 10);
  tiff.writeUInt16BE(3, 12);
  tiff.writeUInt32BE(1, 14);
  tiff.writeUInt16BE(orientation, 18);
  const body = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const head = Buffer.from([0xff, 0xe1, 0, 0]);
  head.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), head, body, jpeg.subarray(2)]);
}

/** `jpeg` with the size in its frame header replaced (what a 40-megapixel photo announces). */
export function withFrameSize(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let at = 2; at + 9 < out.length;) {
    const marker = out[at + 1]!;
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(height, at + 5);
      out.writeUInt16BE(width, at + 7);
      return out;
    }
    at += 2 + out.readUInt16BE(at + 2);
  }
  throw new Error('no frame header');
}

/** A JPEG whose frame has 4 components (CMYK, as Adobe writes them): SOI, SOF0, EOI. */
export function cmykJpeg(): Buffer {
  const sof = [0xff, 0xc0, 0, 20, 8, 0, 16, 0, 16, 4];
  for (let c = 1; c <= 4; c++) sof.push(c, 0x11, 0);
  return Buffer.from([0xff, 0xd8, ...sof, 0xff, 0xd9]);
}

/** The first bytes of a PNG (a 1×1 image's signature and IHDR). */
export function pngBytes(): Buffer {
  return Buffer.from(
    '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201d2a3e1a60000000049454e44ae426082',
    'hex',
  );
}
