import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { CASCADE_DIR } from './facerec-conf.js';
import {
  cmykJpeg,
  expectedHaar,
  photo,
  pngBytes,
  withFrameSize,
  withOrientation,
} from './facerec-fixtures.test-support.js';
import { HaarDetector } from './haar-detector.js';
import { instantiateOpenCv } from './opencv-loader.js';
import { readJpegHeader } from '../../support/jpeg-header.js';
import { jsonDouble, objectsJson } from './objects-json.js';

const MODELS = new Map([
  ['facerec0', `${CASCADE_DIR}haarcascade_frontalface_default.xml`],
  ['eyerec0', `${CASCADE_DIR}haarcascade_eye_tree_eyeglasses.xml`],
]);

describe('HaarDetector', () => {
  let detector: HaarDetector;

  before(async () => {
    const { cv } = await instantiateOpenCv();
    detector = new HaarDetector(cv, MODELS, 12_000_000);
  });

  after(() => detector?.close());

  test('equals native OpenCV 4.6 on every test photo, faces and eyes, scale 1 and 2, in order', () => {
    const { images } = expectedHaar();
    assert.equal(Object.keys(images).length, 5);
    for (const [name, expected] of Object.entries(images)) {
      const jpeg = photo(name);
      for (const lambda of ['facerec0', 'eyerec0'])
        for (const scale of [1, 2]) {
          const got = detector.detect(lambda, jpeg, scale);
          assert.deepEqual(got, { rects: expected[`${lambda}_scale${scale}`] }, `${name} ${lambda} ${scale}`);
        }
    }
  });

  test('applies the EXIF orientation as cv::imdecode (rectangles of native OpenCV 4.6, 1 thread)', () => {
    // With 2 OpenCV threads native OpenCV may list the same rectangles of orientation 3 in the other order.
    const jpeg = photo('grace_hopper.jpg');
    assert.deepEqual(detector.detect('facerec0', withOrientation(jpeg, 3), 1), {
      rects: [
        { x: 397, y: 472, w: 57, h: 57 },
        { x: 164, y: 100, w: 174, h: 174 },
      ],
    });
    assert.deepEqual(detector.detect('facerec0', withOrientation(jpeg, 8), 1), {
      rects: [{ x: 288, y: 247, w: 39, h: 39 }],
    });
    assert.deepEqual(detector.detect('facerec0', withOrientation(jpeg, 6), 1), { rects: [] });
  });

  test('a non-integer scale gives non-integer rectangles, as the original (rect × scale)', () => {
    const got = detector.detect('facerec0', photo('astronaut.jpg'), 1.5);
    assert.ok('rects' in got && got.rects.length > 0);
    for (const r of got.rects) assert.equal(r.x / 1.5, Math.round(r.x / 1.5));
  });

  test('bad input: Could not read image (size N bytes), with why when it is known', () => {
    const jpeg = photo('astronaut.jpg');
    const cases: [Buffer, string][] = [
      [Buffer.alloc(0), 'Could not read image (size 0 bytes)'],
      [jpeg.subarray(0, 300), 'Could not read image (size 300 bytes)'],
      [jpeg.subarray(0, 60000), 'Could not read image (size 60000 bytes)'],
      [pngBytes(), 'Could not read image (size 70 bytes)'],
      [Buffer.from('hello'), 'Could not read image (size 5 bytes)'],
      [
        cmykJpeg(),
        'Could not read image (size 26 bytes): JPEG with 4 colour components (CMYK) not supported',
      ],
      [
        withFrameSize(jpeg, 8000, 5000),
        `Could not read image (size ${jpeg.length} bytes): 8000x5000 pixels, more than the limit of 12000000`,
      ],
    ];
    for (const [bytes, error] of cases) assert.deepEqual(detector.detect('facerec0', bytes, 1), { error });
    assert.deepEqual(detector.detect('facerec0', jpeg, 1), { rects: [{ x: 177, y: 66, w: 95, h: 95 }] });
  });
});

describe('readJpegHeader', () => {
  test('reads size, components and orientation', () => {
    const jpeg = photo('grace_hopper.jpg');
    assert.deepEqual(readJpegHeader(jpeg), { width: 512, height: 600, components: 3, orientation: 1 });
    assert.deepEqual(readJpegHeader(withOrientation(jpeg, 6)), {
      width: 512,
      height: 600,
      components: 3,
      orientation: 6,
    });
    assert.deepEqual(readJpegHeader(photo('cameraman.jpg')), {
      width: 512,
      height: 512,
      components: 1,
      orientation: 1,
    });
    assert.deepEqual(readJpegHeader(cmykJpeg()), { width: 16, height: 16, components: 4, orientation: 1 });
    assert.equal(readJpegHeader(Buffer.alloc(0)), 'not a JPEG');
    assert.equal(readJpegHeader(jpeg.subarray(0, 10)), 'truncated JPEG header');
  });
});

describe('objectsJson', () => {
  test('prints doubles as nlohmann::json does, keys sorted', () => {
    assert.equal(jsonDouble(177), '177.0');
    assert.equal(jsonDouble(49.5), '49.5');
    assert.equal(objectsJson([]), '{"objects":[]}');
    assert.equal(
      objectsJson([{ x: 177, y: 66, w: 95, h: 95 }]),
      '{"objects":[{"h":95.0,"w":95.0,"x":177.0,"y":66.0}]}',
    );
  });
});
