import { crc32, deflateSync } from 'node:zlib';

/** The 8-byte signature every PNG file starts with. */
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** One PNG chunk: length, type, data and the CRC-32 of type and data. */
function chunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes 8-bit RGBA pixels (row-major, 4 bytes a pixel) as a PNG of colour type 2 (RGB, alpha dropped),
 * each row with filter type "Up" (its difference to the row above), deflated by node:zlib. Written here
 * rather than taken from a package because it is these 30 lines over zlib; the tests decode its files
 * with libpng (OpenCV's imread) and compare every pixel.
 */
export function encodePng(rgba: Uint8Array, width: number, height: number): Buffer {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`invalid PNG size ${width}x${height}`);
  }
  if (rgba.length !== width * height * 4) {
    throw new RangeError(`${rgba.length} bytes of pixels for a ${width}x${height} RGBA image`);
  }
  const stride = 1 + width * 3;
  const raw = Buffer.alloc(stride * height);
  for (let y = 0; y < height; y++) {
    const row = y * stride;
    raw[row] = y === 0 ? 0 : 2;
    for (let x = 0; x < width; x++) {
      const at = (y * width + x) * 4;
      for (let c = 0; c < 3; c++) {
        const above = y === 0 ? 0 : rgba[at - width * 4 + c]!;
        raw[row + 1 + x * 3 + c] = (rgba[at + c]! - above) & 0xff;
      }
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([
    SIGNATURE,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}
