import { GrpcLambdaClient } from '../client/lambda-client-grpc.js';
import { runFacerecClient, type FacerecLambdaClient } from '../client/facerec-client.js';
import { AppContextManager } from '../mec/app-context-manager.js';
import { EtsiEdgeClient } from '../mec/etsi-edge-client.js';
import { Saver } from '../support/saver.js';
import { commaList } from './command-client.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';

const LOOP_TYPES = ['constant', 'uniform', 'poisson'] as const;

/** `soe facerec-client` / `facerecclient`: sends JPEGs to a face detection lambda (spec §1.13). */
export const facerecClientCommand = defineCommand({
  name: 'facerec-client',
  alias: 'facerecclient',
  summary: 'Send JPEG images to a face detection lambda and print the latency and faces found (spec §1.13).',
  details:
    'File mode of the original facerecclient: --image (comma list, one drawn at random per request) is sent ' +
    'to --lambda-faces once, or --max-requests times with --loop, spaced by --loop-delay seconds on average ' +
    '(--loop-type constant, uniform or poisson), for at most --duration seconds. Each answer prints ' +
    '`elapsed <ms> ms, load <load1>, detected <F> faces and <E> eyes`, or with --output-file a Saver line ' +
    '`<t> <elapsed s> <load1>`; a retcode other than OK ends it with `error: <retcode>`. With --eyes each ' +
    'face found is cropped and sent to --lambda-eyes as a grayscale JPEG (quality 95; the original sent ' +
    "it in colour, which the lambda turns to gray anyway). --save PREFIX writes each answer's image as " +
    '<PREFIX><n>.png (n from 0), as shown (EXIF orientation applied) with a red box per face and a green ' +
    'one per eye. Not in this release: --show and --camera (no display or camera); the image is sent as read, where the original ' +
    're-encoded it; the random draws are not libstdc++’s, so a seed picks other images than the original.',
  options: [
    { name: 'server-endpoint', kind: 'string', default: 'localhost:6473', description: 'server end-point' },
    {
      name: 'etsi-notification-uri',
      kind: 'string',
      default: 'http://localhost:6600',
      description: 'base URI for notifications of the ETSI UE application LCM proxy',
    },
    {
      name: 'etsi-api-root',
      kind: 'string',
      default: '',
      description: 'ETSI UE application LCM proxy API root; if set, it is used instead of --server-endpoint',
    },
    { name: 'lambda-faces', kind: 'string', default: 'facerec0', description: 'face detection lambda' },
    { name: 'lambda-eyes', kind: 'string', default: 'eyerec0', description: 'eye detection lambda' },
    {
      name: 'output-file',
      kind: 'string',
      default: '',
      description: 'output file name; if specified suppresses normal output',
    },
    { name: 'output-append', kind: 'flag', description: 'open the output file in append mode' },
    { name: 'output-time-offset', kind: 'number', default: 0, description: 'time offset in the output file' },
    {
      name: 'image',
      kind: 'string',
      default: '',
      description: 'JPEG files, comma-separated, drawn at random',
    },
    {
      name: 'save',
      kind: 'string',
      default: '',
      description: 'save each image with its faces and eyes boxed to <save><n>.png',
    },
    { name: 'loop-delay', kind: 'number', default: 0, description: 'average delay between requests, in s' },
    { name: 'duration', kind: 'number', default: 0, description: 'end the loop after this many s; 0: never' },
    {
      name: 'loop-type',
      kind: 'string',
      default: 'constant',
      description: 'one of: constant, uniform, poisson',
    },
    {
      name: 'max-requests',
      kind: 'integer',
      default: Number.MAX_SAFE_INTEGER,
      description: 'number of requests with --loop',
    },
    { name: 'eyes', kind: 'flag', description: 'detect eyes in each face found (one request per face)' },
    { name: 'show', kind: 'flag', description: 'display the image (not supported: no display)' },
    { name: 'camera', kind: 'flag', description: 'stream from a camera (not supported: no camera)' },
    { name: 'loop', kind: 'flag', description: 'request detection repeatedly' },
    { name: 'seed', kind: 'integer', default: 0, description: 'seed of the random draws (0: the time now)' },
    ...SECURE_OPTIONS,
  ],
  async run(o) {
    if (o['server-endpoint'] === '' && o['etsi-api-root'] === '') {
      throw new Error('Both --server and --etsi-ue-app-lcm-proxy-root are empty');
    }
    if (Number(o.camera) + Number(o.loop) + Number(o.show) > 1) {
      throw new Error('Pick only one of: camera, loop, show');
    }
    const loopType = o['loop-type'] as (typeof LOOP_TYPES)[number];
    if (!LOOP_TYPES.includes(loopType)) {
      throw new Error('Invalid loop type, choose one of: constant, uniform, poisson');
    }
    if (o.show || o.camera) throw new Error('--show and --camera need a display and a camera: not supported');
    const tls = tlsFromOptions(o, { serve: false, call: true });
    const root = o['etsi-api-root'];
    const manager = root === '' ? undefined : new AppContextManager({ apiRoot: root });
    const client: FacerecLambdaClient & { close?(): unknown } =
      manager !== undefined
        ? new EtsiEdgeClient(manager, tls)
        : new GrpcLambdaClient(o['server-endpoint'], { tls });
    const saver =
      o['output-file'] === ''
        ? undefined
        : new Saver(o['output-file'], { append: o['output-append'], timeOffset: o['output-time-offset'] });
    let stopped = false;
    const stop = (): void => {
      stopped = true;
    };
    process.once('SIGINT', stop);
    try {
      await runFacerecClient(client, {
        images: commaList(o.image),
        lambdaFaces: o['lambda-faces'],
        lambdaEyes: o['lambda-eyes'],
        eyes: o.eyes,
        loop: o.loop,
        loopDelay: o['loop-delay'],
        loopType,
        duration: o.duration,
        maxRequests: o['max-requests'],
        seed: o.seed === 0 ? Date.now() % 2 ** 31 : o.seed,
        print: (line) => process.stdout.write(`${line}\n`),
        ...(saver !== undefined ? { saver } : {}),
        save: o.save,
        stopped: () => stopped,
      });
    } finally {
      process.off('SIGINT', stop);
      saver?.close();
      client.close?.();
      await manager?.close();
    }
    return 0;
  },
});
