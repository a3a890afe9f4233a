import type { Conf } from '../../support/conf.js';

/**
 * What the original policies do with a destination whose weight the controller installed (weight 1,
 * one second) and no optimizer has measured since: `none` (the original) takes the weight as it is, so
 * against destinations measured in milliseconds it is (almost) never tried; `unmeasured` charges it the
 * smallest measured weight of the lambda until its first measurement, so it is tried at once.
 */
export type Explore = 'none' | 'unmeasured';

/** Reads the optional `explore=none|unmeasured` key (default `none`); fails with `Invalid explore: <v>`. */
export function parseExplore(conf: Conf): Explore {
  if (!conf.has('explore')) return 'none';
  const value = conf.get('explore');
  if (value === 'none' || value === 'unmeasured') return value;
  throw new Error(`Invalid explore: ${value}`);
}
