import type { Conf } from '../../support/conf.js';
import { Lambda, ProportionalRequirements } from '../lambda.js';

/** Bytes in a GiB. */
export const GIB = 1024 * 1024 * 1024;

/** The unsigned integer of an optional key, `fallback` if it is absent. */
export function countOr(conf: Conf, key: string, fallback: number): number {
  return conf.has(key) ? conf.getUint(key) : fallback;
}

/** `ops = 1e6·L + offset`, `mem = 100·L`: the original's CPU and GPU lambdas. */
export function standardLambda(name: string, opOffset: number): Lambda {
  return new Lambda(name, new ProportionalRequirements(1e6, opOffset, 100, 0));
}
