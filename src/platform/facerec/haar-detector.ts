import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { decode } from '@cwasm/jpeg-turbo';
import type * as OpenCv from '@techstark/opencv-js';
import { readJpegHeader } from '../../support/jpeg-header.js';
import { grayInto } from '../../support/rgba-image.js';
import type { Cv } from './opencv-loader.js';
import type { ObjectRect } from './objects-json.js';

type Mat = OpenCv.Mat;

/** A detection's outcome: rectangles in input pixels (times the scale), or why there are none. */
export type Detection = { rects: ObjectRect[] } | { error: string };

/**
 * The original's Haar pipeline (OpenCV/cvutils.cpp, facedetectcomputer.cpp) on OpenCV.js: decode the JPEG
 * (libjpeg-turbo, the pixels cv::imdecode gives), apply its EXIF orientation, gray, resize by 1/scale
 * (INTER_LINEAR_EXACT), equalize the histogram, detectMultiScale(1.1, 2, CASCADE_SCALE_IMAGE, 30×30), and
 * multiply each rectangle by the scale. Images over `maxPixels` and CMYK JPEGs are refused before decoding.
 */
export class HaarDetector {
  private readonly classifiers = new Map<string, OpenCv.CascadeClassifier>();

  /** Loads one cascade per model (lambda name → cascade XML file); throws on a file OpenCV rejects. */
  constructor(
    private readonly cv: Cv,
    models: ReadonlyMap<string, string>,
    private readonly maxPixels: number,
  ) {
    let i = 0;
    for (const [lambda, file] of models) {
      const name = `cascade${i++}-${basename(file)}`;
      cv.FS_createDataFile('/', name, new Uint8Array(readFileSync(file)), true, false, false);
      const classifier = new cv.CascadeClassifier();
      if (!classifier.load(`/${name}`)) {
        classifier.delete();
        throw new Error(`Invalid model file for lambda ${lambda}: ${file}`);
      }
      this.classifiers.set(lambda, classifier);
    }
  }

  /** Detects the objects of model `lambda` in a JPEG. */
  detect(lambda: string, jpeg: Uint8Array, scale: number): Detection {
    const classifier = this.classifiers.get(lambda);
    if (classifier === undefined) return { error: `Unsupported lambda: ${lambda}` };
    const unreadable = `Could not read image (size ${jpeg.length} bytes)`;
    const header = readJpegHeader(jpeg);
    if (typeof header === 'string') return { error: unreadable };
    if (header.width * header.height > this.maxPixels) {
      return {
        error: `${unreadable}: ${header.width}x${header.height} pixels, more than the limit of ${this.maxPixels}`,
      };
    }
    if (header.components !== 1 && header.components !== 3) {
      return {
        error: `${unreadable}: JPEG with ${header.components} colour components (CMYK) not supported`,
      };
    }
    let image: { data: Uint8ClampedArray; width: number; height: number };
    try {
      image = decode(jpeg);
    } catch {
      return { error: unreadable };
    }
    return { rects: this.haar(classifier, image, header.orientation, scale) };
  }

  /** Frees the cascades. */
  close(): void {
    for (const c of this.classifiers.values()) c.delete();
    this.classifiers.clear();
  }

  private haar(
    classifier: OpenCv.CascadeClassifier,
    image: { data: Uint8ClampedArray; width: number; height: number },
    orientation: number,
    scale: number,
  ): ObjectRect[] {
    const cv = this.cv;
    const mats: Mat[] = [];
    const mat = (m: Mat): Mat => (mats.push(m), m);
    const rects = new cv.RectVector();
    try {
      let gray = mat(new cv.Mat(image.height, image.width, cv.CV_8UC1));
      // Straight into the WebAssembly heap: a 4-channel copy there would cost memory that never shrinks.
      grayInto(image.data, gray.data);
      gray = this.orient(gray, orientation, mat);
      const small = mat(new cv.Mat());
      cv.resize(gray, small, new cv.Size(0, 0), 1 / scale, 1 / scale, cv.INTER_LINEAR_EXACT as number);
      cv.equalizeHist(small, small);
      classifier.detectMultiScale(
        small,
        rects,
        1.1,
        2,
        cv.CASCADE_SCALE_IMAGE as number,
        new cv.Size(30, 30),
        new cv.Size(0, 0),
      );
      const out: ObjectRect[] = [];
      for (let i = 0; i < rects.size(); i++) {
        const r = rects.get(i);
        out.push({ x: r.x * scale, y: r.y * scale, w: r.width * scale, h: r.height * scale });
      }
      return out;
    } finally {
      rects.delete();
      for (const m of mats) m.delete();
    }
  }

  /** Applies an EXIF orientation as cv::imdecode does (ExifTransform: transpose, then flip). */
  private orient(src: Mat, orientation: number, mat: (m: Mat) => Mat): Mat {
    if (orientation <= 1 || orientation > 8) return src;
    const cv = this.cv;
    let img = src;
    if (orientation >= 5) {
      const t = mat(new cv.Mat());
      cv.transpose(img, t);
      img = t;
    }
    const flipCode = { 2: 1, 3: -1, 4: 0, 6: 1, 7: -1, 8: 0 }[orientation];
    if (flipCode === undefined) return img;
    const f = mat(new cv.Mat());
    cv.flip(img, f, flipCode);
    return f;
  }
}
