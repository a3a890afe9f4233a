/** An 8-bit RGBA image, row-major, 4 bytes a pixel. */
export interface RgbaImage {
  data: Uint8Array;
  width: number;
  height: number;
}

/** An axis-aligned rectangle in pixels. */
export interface PixelRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

/**
 * The image as an EXIF orientation (1–8) says to show it, the way cv::imdecode applies it (transpose for
 * 5–8, then flip: horizontal for 2, 6; both for 3, 7; vertical for 4, 8). Orientation 1 or an invalid
 * one returns the image itself.
 */
export function orientRgba(img: RgbaImage, orientation: number): RgbaImage {
  if (!Number.isInteger(orientation) || orientation <= 1 || orientation > 8) return img;
  const transposed = orientation >= 5;
  const width = transposed ? img.height : img.width;
  const height = transposed ? img.width : img.height;
  const flipX = orientation === 2 || orientation === 3 || orientation === 6 || orientation === 7;
  const flipY = orientation === 3 || orientation === 4 || orientation === 7 || orientation === 8;
  const data = new Uint8Array(width * height * 4);
  const src = new Uint32Array(img.data.buffer, img.data.byteOffset, img.width * img.height);
  const dst = new Uint32Array(data.buffer);
  for (let y = 0; y < height; y++) {
    const ty = flipY ? height - 1 - y : y;
    for (let x = 0; x < width; x++) {
      const tx = flipX ? width - 1 - x : x;
      dst[y * width + x] = transposed ? src[tx * img.width + ty]! : src[ty * img.width + tx]!;
    }
  }
  return { data, width, height };
}

/**
 * Draws the outline of `r` (clipped to the image) `thickness` pixels wide inside its border, in the
 * colour `[r, g, b]`, opaque, in place.
 */
export function strokeRect(
  img: RgbaImage,
  r: PixelRect,
  colour: readonly [number, number, number],
  thickness = 2,
): void {
  const x0 = Math.max(0, Math.trunc(r.x));
  const y0 = Math.max(0, Math.trunc(r.y));
  const x1 = Math.min(img.width, Math.trunc(r.x + r.w));
  const y1 = Math.min(img.height, Math.trunc(r.y + r.h));
  const paint = (x: number, y: number): void => {
    const at = (y * img.width + x) * 4;
    img.data[at] = colour[0];
    img.data[at + 1] = colour[1];
    img.data[at + 2] = colour[2];
    img.data[at + 3] = 255;
  };
  for (let y = y0; y < y1; y++) {
    if (y - y0 < thickness || y1 - 1 - y < thickness) {
      for (let x = x0; x < x1; x++) paint(x, y);
      continue;
    }
    for (let x = x0; x < Math.min(x1, x0 + thickness); x++) paint(x, y);
    for (let x = Math.max(x0 + thickness, x1 - thickness); x < x1; x++) paint(x, y);
  }
}

/**
 * RGBA pixels to gray levels into `gray` (one byte a pixel), exactly as cv::cvtColor(RGBA2GRAY) computes
 * them for 8-bit images: fixed point on 14 bits, 4899·R + 9617·G + 1868·B, rounded.
 */
export function grayInto(rgba: Uint8Array | Uint8ClampedArray, gray: Uint8Array): void {
  for (let i = 0; i < gray.length; i++) {
    gray[i] = (rgba[4 * i]! * 4899 + rgba[4 * i + 1]! * 9617 + rgba[4 * i + 2]! * 1868 + 8192) >> 14;
  }
}
