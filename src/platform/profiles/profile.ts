import { Conf } from '../../support/conf.js';
import { Registry } from '../../support/registry.js';
import type { Computer } from '../computer.js';

/** Fills a computer with processors and containers from its `--conf` (the keys after `type=`). */
export type Profile = (computer: Computer, conf: Conf) => void;

/**
 * The computer profiles by the `type=` name of `--conf`; each registers itself from its `setup()` (see
 * composer.ts, which registers the built-in ones). An unknown name lists the known ones, sorted.
 */
export const profiles = new Registry<Profile>(
  (name, known) => new Error(`Invalid type: ${name}, possible values: ${[...known].sort().join(', ')}`),
);

/** Profile type names, sorted. */
export function profileTypes(): string[] {
  return profiles.names().sort();
}

/**
 * Fills a computer according to a `--conf` string (`type=raspberry,...`); fails with `Invalid type: <t>,
 * possible values: <sorted names>`, the Conf errors or the profile's own.
 */
export function compose(computer: Computer, confText: string): void {
  const conf = Conf.parse(confText);
  profiles.get(conf.get('type'))(computer, conf);
}
