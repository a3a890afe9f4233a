import type { Conf } from '../../support/conf.js';
import { Saver } from '../../support/saver.js';

/** A window size of an estimator's conf: a positive integer, else `Invalid value '<v>' for key '<k>': must be > 0`. */
export function windowSize(conf: Conf, key: string): number {
  const n = conf.getUint(key);
  if (n === 0) throw new Error(`Invalid value '${conf.get(key)}' for key '${key}': must be > 0`);
  return n;
}

/** The Saver of an estimator's measurement file (`output=`): timestamped, flushed per line, truncated. */
export function outputSaver(conf: Conf): Saver {
  return new Saver(conf.get('output'), { timestamp: true, flush: true, append: false });
}
