/** What a JPEG's header says, read without decoding it. */
export interface JpegHeader {
  width: number;
  height: number;
  /** Colour components: 1 gray, 3 YCbCr/RGB, 4 CMYK/YCCK. */
  components: number;
  /** EXIF Orientation (1–8; 1 when absent or invalid). */
  orientation: number;
}

/** True for the start-of-frame markers (SOF0–SOF15 but DHT, JPG and DAC). */
function isStartOfFrame(marker: number): boolean {
  return marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
}

/** The Orientation tag (0x0112) of an APP1 Exif segment's body, or 1. */
function exifOrientation(body: Uint8Array): number {
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  if (body.length < 14 || String.fromCharCode(...body.subarray(0, 6)) !== 'Exif\0\0') return 1;
  const tiff = 6;
  const order = String.fromCharCode(body[tiff]!, body[tiff + 1]!);
  if (order !== 'II' && order !== 'MM') return 1;
  const little = order === 'II';
  const u16 = (at: number): number => (at + 2 <= body.length ? view.getUint16(at, little) : -1);
  const u32 = (at: number): number => (at + 4 <= body.length ? view.getUint32(at, little) : -1);
  if (u16(tiff + 2) !== 42) return 1;
  const ifd = tiff + u32(tiff + 4);
  const entries = u16(ifd);
  for (let i = 0; i < entries; i++) {
    const entry = ifd + 2 + i * 12;
    if (entry + 12 > body.length) return 1;
    if (u16(entry) !== 0x0112) continue;
    const value = u16(entry + 8);
    return u16(entry + 2) === 3 && value >= 1 && value <= 8 ? value : 1;
  }
  return 1;
}

/**
 * Reads a JPEG's size, components and EXIF orientation from its markers up to the first scan; a string
 * says why the bytes are not a JPEG with a frame header.
 */
export function readJpegHeader(bytes: Uint8Array): JpegHeader | string {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return 'not a JPEG';
  let orientation = 1;
  let at = 2;
  while (at + 4 <= bytes.length) {
    if (bytes[at] !== 0xff) return 'corrupt JPEG markers';
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      at += 2;
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) return 'no frame header before the image data';
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const body = bytes.subarray(at + 4, at + 2 + length);
    if (length < 2 || at + 2 + length > bytes.length) return 'truncated JPEG header';
    if (marker === 0xe1 && orientation === 1) orientation = exifOrientation(body);
    if (isStartOfFrame(marker)) {
      if (body.length < 6) return 'truncated JPEG header';
      const height = (body[1]! << 8) | body[2]!;
      const width = (body[3]! << 8) | body[4]!;
      return { width, height, components: body[5]!, orientation };
    }
    at += 2 + length;
  }
  return 'truncated JPEG header';
}
