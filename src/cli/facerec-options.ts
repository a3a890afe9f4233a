import { DEFAULT_MAX_PIXELS, DEFAULT_MAX_QUEUED, DEFAULT_MODELS } from '../platform/facerec/facerec-conf.js';
import { defineOptions, type OptionValues } from '../support/options.js';

/** The facerec computer's options but its thread count (`soe computer-facerec` and `soe computer`). */
export const FACEREC_OPTIONS = defineOptions([
  { name: 'scale', kind: 'number', default: 1, description: 'image scale (the image is resized by 1/scale)' },
  {
    name: 'dummy-lambda',
    kind: 'string',
    default: 'clambda0',
    description: 'name of a lambda that returns immediately with success',
  },
  {
    name: 'models',
    kind: 'string',
    default: DEFAULT_MODELS,
    description: 'comma-separated pairs lambda=cascade XML file',
  },
  {
    name: 'max-pixels',
    kind: 'integer',
    default: DEFAULT_MAX_PIXELS,
    description: 'largest image accepted, in pixels (memory: about 45 bytes per pixel per thread)',
  },
  {
    name: 'max-queued',
    kind: 'integer',
    default: DEFAULT_MAX_QUEUED,
    description: 'requests waiting for a detector thread beyond which new ones are refused',
  },
]);

/** The facerec computer type's settings from {@link FACEREC_OPTIONS} and a thread count. */
export function facerecSettings(
  o: OptionValues<typeof FACEREC_OPTIONS>,
  threads: number,
): Record<string, string> {
  return {
    'num-threads': String(threads),
    scale: String(o.scale),
    'dummy-lambda': o['dummy-lambda'],
    models: o.models,
    'max-pixels': String(o['max-pixels']),
    'max-queued': String(o['max-queued']),
  };
}
