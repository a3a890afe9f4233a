import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
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

/** The number of objects in a face/eye lambda's output, or an error naming what is wrong. */
export function countObjects(output: string): number {
  const parsed = JSON.parse(output) as { objects?: unknown };
  if (!Array.isArray(parsed.objects)) throw new Error(`invalid detection output: ${output}`);
  return parsed.objects.length;
}

/**
 * The original facerecclient's file mode: reads the JPEGs, then sends one of them, drawn at random, to
 * the face lambda once (or `maxRequests` times with `loop`, spaced by `loopDelay` seconds on average,
 * constant, uniform in [0, 2·delay] or exponential, counted from the previous request's start), until
 * `duration` seconds if > 0. Each answer prints `elapsed <ms> ms, load <load1>, detected <F> faces and 0
 * eyes` (ms as a C++ stream prints the double ms + 0.5) or, with a Saver, `<t> <elapsed s> <load1>`. A
 * retcode other than OK throws `error: <retcode>`. The JPEG is sent as read (the original decoded and
 * re-encoded it).
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
    const faces = countObjects(res.output);
    if (o.saver !== undefined) o.saver.write(elapsed, res.load1);
    else
      o.print(
        `elapsed ${formatG(elapsed * 1e3 + 0.5)} ms, load ${res.load1}, detected ${faces} faces and 0 eyes`,
      );
  }
}
