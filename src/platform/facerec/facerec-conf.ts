import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute, join } from 'node:path';

/** Where the Haar cascades shipped with this release are (data/haarcascades, from Debian's opencv-data). */
export const CASCADE_DIR = fileURLToPath(new URL('../../../../data/haarcascades/', import.meta.url));

/** The original's `--models` default. */
export const DEFAULT_MODELS =
  'facerec0=haarcascade_frontalface_default.xml,eyerec0=haarcascade_eye_tree_eyeglasses.xml';

/** Default bound on the pixels of an input image (an image over it is refused before decoding). */
export const DEFAULT_MAX_PIXELS = 4_000_000;

/** Default number of requests waiting for a detector thread. */
export const DEFAULT_MAX_QUEUED = 100;

/** A facerec computer's settings, checked. */
export interface FacerecConf {
  /** Lambda name → cascade file, sorted by lambda name. */
  models: Map<string, string>;
  scale: number;
  dummyLambda: string;
  /** Detector threads (the original's OpenCV threads); also the load normaliser. */
  threads: number;
  maxPixels: number;
  maxQueued: number;
}

/** A cascade file as given if it exists, else the one of that name shipped in {@link CASCADE_DIR}. */
function modelFile(file: string): string {
  if (existsSync(file) || isAbsolute(file)) return file;
  const shipped = join(CASCADE_DIR, file);
  return existsSync(shipped) ? shipped : file;
}

/** A whole number ≥ `min` from a setting, or an error naming the option. */
function integer(settings: Readonly<Record<string, string>>, name: string, def: number, min: number): number {
  const raw = settings[name];
  if (raw === undefined || raw === '') return def;
  const v = Number(raw);
  if (!Number.isInteger(v) || v < min) throw new Error(`Invalid --${name}: ${raw} (a whole number ≥ ${min})`);
  return v;
}

/**
 * Reads the settings of a facerec computer (`models`, `scale`, `dummy-lambda`, `num-threads`,
 * `max-pixels`, `max-queued`), with the original's defaults and checks.
 */
export function parseFacerecConf(settings: Readonly<Record<string, string>>): FacerecConf {
  const dummyLambda = settings['dummy-lambda'] ?? 'clambda0';
  if (dummyLambda === '') throw new Error('Invalid empty name for the dummy lambda');
  const models = new Map<string, string>();
  for (const pair of (settings.models ?? DEFAULT_MODELS).split(',')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const lambda = eq < 0 ? pair : pair.slice(0, eq);
    const file = eq < 0 ? '' : pair.slice(eq + 1);
    if (lambda === '') throw new Error('Invalid empty face detect lambda name');
    if (lambda === dummyLambda) throw new Error(`Same name for the dummy and real lambda: ${dummyLambda}`);
    if (file === '') throw new Error(`Invalid --models: no model file for lambda ${lambda}`);
    const path = modelFile(file);
    if (!existsSync(path)) throw new Error(`Invalid model file for lambda ${lambda}: ${file} (not found)`);
    models.set(lambda, path);
  }
  if (models.size === 0) throw new Error('Empty list of models');
  const rawScale = settings.scale ?? '1';
  const scale = Number(rawScale);
  if (rawScale.trim() === '' || !Number.isFinite(scale) || scale <= 0) {
    throw new Error(`Invalid --scale: ${rawScale} (a number > 0)`);
  }
  return {
    models: new Map([...models].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    scale,
    dummyLambda,
    threads: integer(settings, 'num-threads', 4, 1),
    maxPixels: integer(settings, 'max-pixels', DEFAULT_MAX_PIXELS, 1),
    maxQueued: integer(settings, 'max-queued', DEFAULT_MAX_QUEUED, 0),
  };
}
