import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import { streamUtilization } from '../../client/utilization-client.js';
import { startTypedComputerServer, type EdgeComputerServer } from '../computer-server.js';
import '../computer-types.js';
import { cpuName } from './facerec-computer.js';
import { parseFacerecConf } from './facerec-conf.js';
import { cmykJpeg, photo, pngBytes, withFrameSize } from './facerec-fixtures.test-support.js';

const ASTRONAUT_FACES = '{"objects":[{"h":95.0,"w":95.0,"x":177.0,"y":66.0}]}';
const ASTRONAUT_EYES =
  '{"objects":[{"h":33.0,"w":33.0,"x":186.0,"y":86.0},{"h":38.0,"w":38.0,"x":228.0,"y":84.0}]}';

describe('facerec computer over gRPC', () => {
  let server: EdgeComputerServer;
  let client: GrpcLambdaClient;

  before(async () => {
    server = await startTypedComputerServer({
      type: 'facerec',
      serverEndpoint: '127.0.0.1:0',
      utilizationEndpoint: '127.0.0.1:0',
      samplePeriod: 0.1,
      settings: { 'num-threads': '2' },
    });
    client = new GrpcLambdaClient(server.endpoint);
  });

  after(async () => {
    client?.close();
    await server?.stop();
  });

  test('faces and eyes of a photo, as the original prints them, with a ptime and loads', async () => {
    const jpeg = photo('astronaut.jpg');
    const faces = await client.runLambda({ name: 'facerec0', datain: jpeg, hops: 1 });
    assert.equal(faces.retcode, 'OK');
    assert.equal(faces.output, ASTRONAUT_FACES);
    assert.equal(faces.hops, 2);
    assert.ok(Number.isInteger(faces.ptime) && faces.ptime > 0, `ptime ${faces.ptime}`);
    for (const l of [faces.load1, faces.load10, faces.load30]) assert.ok(l >= 0 && l <= 100, `load ${l}`);
    const eyes = await client.runLambda({ name: 'eyerec0', datain: jpeg });
    assert.equal(eyes.output, ASTRONAUT_EYES);
  });

  test('the dummy lambda, unsupported lambdas and dry runs', async () => {
    const dummy = await client.runLambda({ name: 'clambda0', input: 'x' });
    assert.deepEqual([dummy.retcode, dummy.output, dummy.ptime], ['OK', '', 0]);
    const other = await client.runLambda({ name: 'nope', datain: photo('astronaut.jpg') });
    assert.equal(other.retcode, 'Unsupported lambda: nope (supported lambdas: eyerec0,facerec0)');
    const dry = await client.runLambda({ name: 'facerec0', datain: photo('astronaut.jpg') }, true);
    assert.deepEqual([dry.retcode, dry.output], ['OK', '']);
  });

  test('bad images get a clear retcode and the computer keeps serving, concurrently', async () => {
    const jpeg = photo('astronaut.jpg');
    const bad: [Buffer, string][] = [
      [Buffer.alloc(0), 'Could not read image (size 0 bytes)'],
      [jpeg.subarray(0, 1000), 'Could not read image (size 1000 bytes)'],
      [pngBytes(), 'Could not read image (size 70 bytes)'],
      [
        cmykJpeg(),
        'Could not read image (size 26 bytes): JPEG with 4 colour components (CMYK) not supported',
      ],
      [
        withFrameSize(jpeg, 8000, 5000),
        `Could not read image (size ${jpeg.length} bytes): 8000x5000 pixels, more than the limit of 4000000`,
      ],
    ];
    const answers = await Promise.all([
      ...bad.map(([datain]) => client.runLambda({ name: 'facerec0', datain })),
      client.runLambda({ name: 'facerec0', datain: jpeg }),
      client.runLambda({ name: 'facerec0', datain: jpeg }),
      client.runLambda({ name: 'facerec0', datain: jpeg }),
    ]);
    assert.deepEqual(
      answers.map((a) => a.retcode),
      [...bad.map(([, retcode]) => retcode), 'OK', 'OK', 'OK'],
    );
    for (const a of answers.slice(bad.length)) assert.equal(a.output, ASTRONAUT_FACES);
  });

  test('announces the original containers and streams <cpu>-usr and <cpu>-sys', async () => {
    const host = hostname();
    assert.deepEqual(server.computer.containers(), [
      { name: 'clambda0', processor: cpuName(), lambda: 'clambda0', numWorkers: 1 },
      { name: `${host}_eyerec0`, processor: 'unknown_cpu', lambda: 'eyerec0', numWorkers: 2 },
      { name: `${host}_facerec0`, processor: 'unknown_cpu', lambda: 'facerec0', numWorkers: 2 },
    ]);
    const abort = new AbortController();
    for await (const { values } of streamUtilization(server.utilizationEndpoint, abort.signal)) {
      assert.deepEqual(Object.keys(values).sort(), [`${cpuName()}-sys`, `${cpuName()}-usr`]);
      abort.abort();
    }
  });
});

describe('parseFacerecConf', () => {
  test("the original's defaults and errors naming the option", () => {
    const conf = parseFacerecConf({});
    assert.deepEqual([...conf.models.keys()], ['eyerec0', 'facerec0']);
    assert.deepEqual([conf.scale, conf.dummyLambda, conf.threads], [1, 'clambda0', 4]);
    assert.throws(() => parseFacerecConf({ 'dummy-lambda': '' }), {
      message: 'Invalid empty name for the dummy lambda',
    });
    assert.throws(() => parseFacerecConf({ models: 'clambda0=haarcascade_frontalface_default.xml' }), {
      message: 'Same name for the dummy and real lambda: clambda0',
    });
    assert.throws(() => parseFacerecConf({ models: 'f=nosuch.xml' }), {
      message: 'Invalid model file for lambda f: nosuch.xml (not found)',
    });
    assert.throws(() => parseFacerecConf({ models: '' }), { message: 'Empty list of models' });
    assert.throws(() => parseFacerecConf({ scale: '0' }), { message: 'Invalid --scale: 0 (a number > 0)' });
    assert.throws(() => parseFacerecConf({ 'num-threads': '0' }), {
      message: 'Invalid --num-threads: 0 (a whole number ≥ 1)',
    });
  });
});
