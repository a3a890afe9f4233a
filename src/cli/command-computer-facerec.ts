import '../platform/computer-types.js';
import { FACEREC_OPTIONS, facerecSettings } from './facerec-options.js';
import { logger } from '../support/logger.js';
import { TELEMETRY_OPTIONS } from '../telemetry/component-telemetry.js';
import { defineCommand } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';
import { checkLambdaServerOptions, LAMBDA_SERVER_OPTIONS } from './server-command.js';
import { serveTypedComputer } from './typed-computer-command.js';

const log = logger('computer');

/** `soe computer-facerec` / `edgecomputerfacerec`: face and eye detection on JPEGs (spec §1.13). */
export const computerFacerecCommand = defineCommand({
  name: 'computer-facerec',
  alias: 'edgecomputerfacerec',
  summary: 'Run an edge computer detecting faces and eyes in JPEG images with Haar cascades (spec §1.13).',
  details:
    'Each lambda of --models takes a JPEG in datain and answers {"objects":[{"h":…,"w":…,"x":…,"y":…}]} ' +
    '(numbers printed as doubles, 177.0, and multiplied by --scale), as the original: EXIF orientation ' +
    'applied, gray, resized by 1/scale, histogram equalised, Haar cascade with scale factor 1.1, 2 minimum ' +
    'neighbours, 30×30 minimum size; the rectangles equal native OpenCV 4.6 (single thread) on the test ' +
    'photos. Detection runs in --num-threads worker threads, each with its own OpenCV.js instance (the ' +
    'WebAssembly compiled once and its code shared): memory is about 125 MB plus, per thread, 25 MB and ' +
    'about 45 bytes per pixel of the largest image it has seen (measured: 1 thread, 151 MB ready; 2 ' +
    'threads, 640×480 photos: 199 MB peak; 1 thread, 4-megapixel photo: 332 MB peak), so --max-pixels and ' +
    '--num-threads bound it. An image ' +
    'that cannot be decoded, a CMYK JPEG or one over --max-pixels gets `Could not read image (size N ' +
    'bytes)`. The dummy lambda answers OK at once; other names get `Unsupported lambda: <n> (supported ' +
    'lambdas: <list>)`. ptime is the processing time in ms; the loads are the process CPU normalised by ' +
    '--num-threads (0 without a utilization stream). The model files are looked up as given, then among ' +
    'the cascades shipped in data/haarcascades (Debian opencv-data 4.6). Differences from the original: ' +
    '--num-threads sets the detector threads (the original declared it twice, quirk Q17); a truncated JPEG ' +
    'is refused where cv::imdecode decoded what it could.',
  options: [
    ...LAMBDA_SERVER_OPTIONS.filter((o) => o.name !== 'num-threads'),
    {
      name: 'num-threads',
      kind: 'integer',
      default: 4,
      description: 'detector threads (the original: OpenCV threads); also normalises the loads',
    },
    {
      name: 'utilization-endpoint',
      kind: 'string',
      default: '0.0.0.0:6476',
      description: 'utilization stream end-point (<cpu>-usr, <cpu>-sys every second); empty: disabled',
    },
    ...FACEREC_OPTIONS,
    ...SECURE_OPTIONS,
    ...TELEMETRY_OPTIONS,
  ],
  async run(o) {
    if (o['server-endpoint'] === '') throw new Error(`Empty end-point: ${o['server-endpoint']}`);
    checkLambdaServerOptions(o);
    const tls = tlsFromOptions(o, { serve: true, call: o['controller-endpoint'] !== '' });
    return serveTypedComputer(
      {
        type: 'facerec',
        serverEndpoint: o['server-endpoint'],
        utilizationEndpoint: o['utilization-endpoint'],
        samplePeriod: o['utilization-endpoint'] === '' ? 0 : 1,
        settings: facerecSettings(o, o['num-threads']),
        tls,
      },
      o['controller-endpoint'],
      log,
      o,
    );
  },
});
