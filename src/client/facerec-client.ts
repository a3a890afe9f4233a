import { readFileSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { decode } from '@cwasm/jpeg-turbo';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { encodeGrayJpeg } from '../support/jpeg-gray-encoder.js';
import { readJpegHeader } from '../support/jpeg-header.js';
import { formatG } from '../support/number-format.js';
import { Random } from '../support/random.js';
import { encodePng } from '../support/png-encoder.js';
import { grayInto, orientRgba, strokeRect, type PixelRect, type RgbaImage } from '../support/rgba-image.js';
import type { Saver } from '../support/saver.js';

/** What the face detection client needs of a lambda client. */
export interface FacerecLambdaClient {
  runLambda(request: Partial<LambdaRequest>, dry?: boolean): Promise<LambdaResponse>;
}

/** The settings of {@link runFacerecClient} (the original facerecclient's options). */
export interface FacerecClientOptions {
  images: string[];
  lambdaFaces: string;
  lambdaEyes: string;
  /** Also send each face found, cropped, to the eye lambda. */
  eyes: boolean;
  loop: boolean;
  loopDelay: number;
  loopType: 'constant' | 'uniform' | 'poisson';
  duration: number;
  maxRequests: number;
  seed: number;
  /** Where output lines go when there is no Saver. */
  print(line: string): void;
  /** Saver lines `<t> <elapsed s> <load1>` instead of printed lines, if given. */
  saver?: Saver;
  /**
   * If not empty, each answer also writes `<save><n>.png` (n counting requests from 0): the image as
   * shown (EXIF orientation applied) with a red box around each face and a green one around each eye.
   */
  save?: string;
  /** True when the user interrupted the loop. */
  stopped(): boolean;
}

/** A rectangle of a detection output, truncated to integers as the original's static_cast<int>. */
type Rect = PixelRect;

/** The rectangles of a face/eye lambda's output, or an error naming what is wrong. */
export function parseObjects(output: string): Rect[] {
  const parsed = JSON.parse(output) as { objects?: unknown };
  if (!Array.isArray(parsed.objects)) throw new Error(`invalid detection output: ${output}`);
  return (parsed.objects as Record<string, unknown>[]).map((o) => ({
    x: Math.trunc(Number(o.x)),
    y: Math.trunc(Number(o.y)),
    w: Math.trunc(Number(o.w)),
    h: Math.trunc(Number(o.h)),
  }));
}

/** A decoded image as shown (EXIF orientation applied), in colour and in gray levels. */
interface DecodedImage {
  rgba: RgbaImage;
  /** cv::cvtColor's gray levels. */
  gray: Uint8Array;
}

/** Decodes a JPEG and applies its EXIF orientation, as cv::imread does. */
function decodeShown(jpeg: Buffer): DecodedImage {
  const { data, width, height } = decode(jpeg);
  const header = readJpegHeader(jpeg);
  const rgba = orientRgba(
    { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width, height },
    typeof header === 'string' ? 1 : header.orientation,
  );
  const gray = new Uint8Array(rgba.width * rgba.height);
  grayInto(rgba.data, gray);
  return { rgba, gray };
}

/** The part of `r` inside an image of the given size (at least 1×1). */
function clip(r: Rect, width: number, height: number): Rect {
  const x = Math.max(0, r.x);
  const y = Math.max(0, r.y);
  return {
    x,
    y,
    w: Math.max(1, Math.min(width, r.x + r.w) - x),
    h: Math.max(1, Math.min(height, r.y + r.h) - y),
  };
}

/** The part of an image inside `r` (clipped), encoded as a grayscale JPEG of quality 95. */
function cropJpeg(img: DecodedImage, r: Rect): Buffer {
  const { width } = img.rgba;
  const c = clip(r, width, img.rgba.height);
  const crop = new Uint8Array(c.w * c.h);
  for (let y = 0; y < c.h; y++)
    crop.set(img.gray.subarray((c.y + y) * width + c.x, (c.y + y) * width + c.x + c.w), y * c.w);
  return encodeGrayJpeg(crop, c.w, c.h, 95);
}

/** A PNG of the image with a red box per face and a green one per eye (in image coordinates). */
function annotatedPng(img: DecodedImage, faces: Rect[], eyes: Rect[]): Buffer {
  const copy: RgbaImage = { ...img.rgba, data: Uint8Array.from(img.rgba.data) };
  for (const f of faces) strokeRect(copy, f, [255, 0, 0]);
  for (const e of eyes) strokeRect(copy, e, [0, 255, 0]);
  return encodePng(copy.data, copy.width, copy.height);
}

/**
 * The original facerecclient's file mode: reads the JPEGs, then sends one of them, drawn at random, to
 * the face lambda once (or `maxRequests` times with `loop`, spaced by `loopDelay` seconds on average,
 * constant, uniform in [0, 2·delay] or exponential, counted from the previous request's start), until
 * `duration` seconds if > 0; with `eyes`, each face found is cropped and sent to the eye lambda (a
 * grayscale JPEG of quality 95; the original sent a colour one), its eyes counted. Each answer prints
 * `elapsed <ms> ms, load <load1>, detected <F> faces and <E> eyes` (ms as a C++ stream prints the double
 * ms + 0.5, eye requests included) or, with a Saver, `<t> <elapsed s> <load1>`. A retcode other than OK
 * throws `error: <retcode>`. The JPEG is sent as read (the original decoded and re-encoded it); eye crops
 * and saved images are taken from the image as shown (EXIF orientation applied), whose coordinates the
 * lambda answers in.
 */
export async function runFacerecClient(client: FacerecLambdaClient, o: FacerecClientOptions): Promise<void> {
  if (o.images.length === 0) throw new Error('No image file specified');
  const jpegs = o.images.map((file) => {
    try {
      return readFileSync(file);
    } catch {
      throw new Error(`Could not load image: ${file}`);
    }
  });
  const decoded = new Map<Buffer, DecodedImage>();
  const shown = (jpeg: Buffer): DecodedImage => {
    const img = decoded.get(jpeg) ?? decodeShown(jpeg);
    decoded.set(jpeg, img);
    return img;
  };
  const save = o.save ?? '';
  const random = new Random(o.seed);
  const delays = new Random(o.seed + 1);
  const delay = (): number =>
    o.loopType === 'poisson'
      ? delays.exponential(o.loopDelay)
      : o.loopType === 'uniform'
        ? delays.uniformReal(0, 2 * o.loopDelay)
        : o.loopDelay;
  const count = o.loop ? o.maxRequests : 1;
  const begin = performance.now();
  let lastStart = begin;
  for (let i = 0; i < count; i++) {
    if (o.stopped()) break;
    if (o.duration > 0 && (performance.now() - begin) / 1000 > o.duration) break;
    const datain = random.pick(jpegs);
    if (i > 0 && o.loopDelay > 0) {
      const wait = delay() - (performance.now() - lastStart) / 1000;
      if (wait > 0) await sleep(wait * 1000);
    }
    lastStart = performance.now();
    const res = await client.runLambda({ name: o.lambdaFaces, input: '', datain });
    const elapsed = (performance.now() - lastStart) / 1000;
    if (res.retcode !== 'OK') throw new Error(`error: ${res.retcode}`);
    const faces = parseObjects(res.output);
    const eyes: Rect[] = [];
    if (o.eyes && faces.length > 0) {
      const img = shown(datain);
      for (const face of faces) {
        const eye = await client.runLambda({ name: o.lambdaEyes, input: '', datain: cropJpeg(img, face) });
        if (eye.retcode !== 'OK') throw new Error(`error: ${eye.retcode}`);
        const origin = clip(face, img.rgba.width, img.rgba.height);
        for (const e of parseObjects(eye.output)) eyes.push({ ...e, x: e.x + origin.x, y: e.y + origin.y });
      }
    }
    const total = o.eyes ? (performance.now() - lastStart) / 1000 : elapsed;
    if (o.saver !== undefined) o.saver.write(total, res.load1);
    else
      o.print(
        `elapsed ${formatG(total * 1e3 + 0.5)} ms, load ${res.load1}, detected ${faces.length} faces and ${eyes.length} eyes`,
      );
    if (save !== '') writeFileSync(`${save}${i}.png`, annotatedPng(shown(datain), faces, eyes));
  }
}
