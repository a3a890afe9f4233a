import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { decode } from '@cwasm/jpeg-turbo';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { encodeGrayJpeg } from '../support/jpeg-gray-encoder.js';
import { formatG } from '../support/number-format.js';
import { Random } from '../support/random.js';
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
  /** True when the user interrupted the loop. */
  stopped(): boolean;
}

/** A rectangle of a detection output, truncated to integers as the original's static_cast<int>. */
interface Rect {
  x: number;
  y: number;
  w: number;
  h: number;
}

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

/** A decoded image in gray levels (OpenCV's BGR2GRAY fixed-point weights). */
interface GrayImage {
  gray: Uint8Array;
  width: number;
  height: number;
}

/** Decodes a JPEG to gray levels, as the eye requests need it. */
function grayOf(jpeg: Buffer): GrayImage {
  const { data, width, height } = decode(jpeg);
  const gray = new Uint8Array(width * height);
  for (let i = 0; i < gray.length; i++) {
    gray[i] = (data[4 * i]! * 4899 + data[4 * i + 1]! * 9617 + data[4 * i + 2]! * 1868 + 8192) >> 14;
  }
  return { gray, width, height };
}

/** The part of an image inside `r` (clipped to the image), encoded as a grayscale JPEG of quality 95. */
function cropJpeg(img: GrayImage, r: Rect): Buffer {
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const w = Math.max(1, Math.min(img.width, r.x + r.w) - x0);
  const h = Math.max(1, Math.min(img.height, r.y + r.h) - y0);
  const crop = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    crop.set(img.gray.subarray((y0 + y) * img.width + x0, (y0 + y) * img.width + x0 + w), y * w);
  return encodeGrayJpeg(crop, w, h, 95);
}

/**
 * The original facerecclient's file mode: reads the JPEGs, then sends one of them, drawn at random, to
 * the face lambda once (or `maxRequests` times with `loop`, spaced by `loopDelay` seconds on average,
 * constant, uniform in [0, 2·delay] or exponential, counted from the previous request's start), until
 * `duration` seconds if > 0; with `eyes`, each face found is cropped and sent to the eye lambda (a
 * grayscale JPEG of quality 95; the original sent a colour one), its eyes counted. Each answer prints
 * `elapsed <ms> ms, load <load1>, detected <F> faces and <E> eyes` (ms as a C++ stream prints the double
 * ms + 0.5, eye requests included) or, with a Saver, `<t> <elapsed s> <load1>`. A retcode other than OK
 * throws `error: <retcode>`. The JPEG is sent as read (the original decoded and re-encoded it).
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
  const grays = new Map<Buffer, GrayImage>();
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
    let eyes = 0;
    if (o.eyes && faces.length > 0) {
      const gray = grays.get(datain) ?? grayOf(datain);
      grays.set(datain, gray);
      for (const face of faces) {
        const eye = await client.runLambda({ name: o.lambdaEyes, input: '', datain: cropJpeg(gray, face) });
        if (eye.retcode !== 'OK') throw new Error(`error: ${eye.retcode}`);
        eyes += parseObjects(eye.output).length;
      }
    }
    const total = o.eyes ? (performance.now() - lastStart) / 1000 : elapsed;
    if (o.saver !== undefined) o.saver.write(total, res.load1);
    else
      o.print(
        `elapsed ${formatG(total * 1e3 + 0.5)} ms, load ${res.load1}, detected ${faces.length} faces and ${eyes} eyes`,
      );
  }
}
