import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { startTypedComputerServer, type EdgeComputerServer } from '../platform/computer-server.js';
import '../platform/computer-types.js';
import { decodeWithPillow } from '../support/pillow.test-support.js';
import { Saver } from '../support/saver.js';
import { runFacerecClient, type FacerecClientOptions } from './facerec-client.js';
import { GrpcLambdaClient } from './lambda-client-grpc.js';

const FACES = fileURLToPath(new URL('../../../data/faces/', import.meta.url));

describe('facerec client against a facerec computer', () => {
  let server: EdgeComputerServer;
  let client: GrpcLambdaClient;
  const dir = mkdtempSync(join(tmpdir(), 'soe-facerec-client-'));

  before(async () => {
    server = await startTypedComputerServer({
      type: 'facerec',
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '',
      samplePeriod: 0,
      settings: { 'num-threads': '1' },
    });
    client = new GrpcLambdaClient(server.endpoint);
  });

  after(async () => {
    client?.close();
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const options = (lines: string[], more: Partial<FacerecClientOptions> = {}): FacerecClientOptions => ({
    images: [`${FACES}kpa_bar55_2.jpg`],
    lambdaFaces: 'facerec0',
    lambdaEyes: 'eyerec0',
    eyes: false,
    loop: false,
    loopDelay: 0,
    loopType: 'constant',
    duration: 0,
    maxRequests: Number.MAX_SAFE_INTEGER,
    seed: 1,
    print: (line) => lines.push(line),
    stopped: () => false,
    ...more,
  });

  test('prints the original line once per request: elapsed, load and the faces found', async () => {
    const lines: string[] = [];
    await runFacerecClient(client, options(lines));
    assert.equal(lines.length, 1);
    assert.match(lines[0]!, /^elapsed \d+(\.\d+)? ms, load 0, detected 5 faces and 0 eyes$/);
  });

  test('with --eyes, sends each face found to the eye lambda and counts the eyes', async () => {
    // The original (colour crops through cv::imencode, native OpenCV 4.6) finds 1 eye here too.
    const lines: string[] = [];
    await runFacerecClient(client, options(lines, { eyes: true }));
    assert.match(lines[0]!, /^elapsed \d+(\.\d+)? ms, load 0, detected 5 faces and 1 eyes$/);
  });

  test('loops --max-requests times over images drawn at random, Saver lines with --output-file', async () => {
    const file = join(dir, 'out.txt');
    const saver = new Saver(file);
    const images = ['astronaut.jpg', 'cameraman.jpg'].map((f) => `${FACES}${f}`);
    await runFacerecClient(
      client,
      options([], { images, loop: true, maxRequests: 3, loopDelay: 0.01, loopType: 'poisson', saver }),
    );
    saver.close();
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.equal(lines.length, 3);
    for (const line of lines) assert.match(line, /^\S+ \S+ 0$/);
  });

  test('--save writes each image as shown, with a red box per face and a green one per eye', async () => {
    const expected = JSON.parse(readFileSync(`${FACES}expected-haar.json`, 'utf8')) as {
      images: Record<string, Record<string, { x: number; y: number; w: number; h: number }[]>>;
    };
    const lines: string[] = [];
    await runFacerecClient(
      client,
      options(lines, { images: [`${FACES}astronaut.jpg`], eyes: true, save: join(dir, 'shot-') }),
    );
    assert.match(lines[0]!, /detected 1 faces and 2 eyes$/);
    const png = decodeWithPillow(join(dir, 'shot-0.png'));
    assert.deepEqual([png.mode, png.width, png.height], ['RGB', 512, 512]);
    const pixel = (x: number, y: number): number[] => [
      ...png.pixels.subarray((y * 512 + x) * 3, (y * 512 + x) * 3 + 3),
    ];
    const [face] = expected.images['astronaut.jpg']!['facerec0_scale1']!;
    assert.deepEqual(pixel(face!.x, face!.y), [255, 0, 0]);
    assert.deepEqual(pixel(face!.x + face!.w - 1, face!.y + face!.h - 1), [255, 0, 0]);
    assert.notDeepEqual(pixel(face!.x + 10, face!.y + 10), [255, 0, 0]);
    let green = 0;
    for (let i = 0; i < png.pixels.length; i += 3) {
      if (png.pixels[i] === 0 && png.pixels[i + 1] === 255 && png.pixels[i + 2] === 0) green++;
    }
    assert.ok(green > 100, `${green} green pixels`);
  });

  test('errors: a retcode other than OK, a missing image, no image', async () => {
    await assert.rejects(runFacerecClient(client, options([], { lambdaFaces: 'nope' })), {
      message: 'error: Unsupported lambda: nope (supported lambdas: eyerec0,facerec0)',
    });
    await assert.rejects(runFacerecClient(client, options([], { images: ['/nonexistent.jpg'] })), {
      message: 'Could not load image: /nonexistent.jpg',
    });
    await assert.rejects(runFacerecClient(client, options([], { images: [] })), {
      message: 'No image file specified',
    });
  });
});
