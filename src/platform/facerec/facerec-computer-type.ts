import { computerTypes, type ComputerTypeOptions } from '../computer-type.js';
import { DetectorPool } from './detector-pool.js';
import { FacerecComputer } from './facerec-computer.js';
import { parseFacerecConf } from './facerec-conf.js';

/**
 * Starts a facerec computer from its settings (see parseFacerecConf), once every detector thread has
 * loaded OpenCV.js and the cascades.
 */
export async function startFacerecComputer(options: ComputerTypeOptions): Promise<FacerecComputer> {
  const conf = parseFacerecConf(options.settings);
  const pool = await DetectorPool.start({
    models: [...conf.models],
    maxPixels: conf.maxPixels,
    workers: conf.threads,
    maxQueued: conf.maxQueued,
  });
  return new FacerecComputer(options.name, conf, pool, options.samplePeriod ?? 1);
}

/** Registers the `facerec` computer type (face and eye detection, spec §1.13). */
export function setup(): void {
  computerTypes.register('facerec', { start: startFacerecComputer });
}
