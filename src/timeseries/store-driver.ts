/**
 * The storage drivers of the timeseries service by URL scheme (`file`, `postgres`, ...). Drivers register
 * themselves from their `setup()` (see store-drivers.ts, which registers the built-in ones); this module
 * imports none of them. A location names its driver by scheme (`postgres://…`); a plain directory is the
 * `file` driver's.
 */
import { Registry } from '../support/registry.js';
import type { TimeseriesStore } from './store.js';

/** Opens (and makes ready) the store at a location of the driver's scheme. */
export type StoreOpener = (location: string) => Promise<TimeseriesStore>;

function unknownStorage(location: string, known: readonly string[]): Error {
  return new Error(
    `Unknown storage '${location}': use a directory or ${known.map((scheme) => `${scheme}://`).join(', ')}`,
  );
}

/** The storage drivers by URL scheme (lower case, without `://`). */
export const storeDrivers = new Registry<StoreOpener>((scheme, known) =>
  unknownStorage(`${scheme}://`, known),
);

/** The URL scheme of a location, lower case; `file` for a plain directory. */
export function storeScheme(location: string): string {
  return /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase() ?? 'file';
}

/**
 * Opens the store at `location` with the driver of its scheme: `postgres://…` (or `postgresql://…`) for
 * PostgreSQL, `file:///dir` or a plain directory for the embedded store. An unknown scheme fails with
 * `Unknown storage '<location>': use a directory or file://, postgres://, postgresql://`.
 */
export function openStore(location: string): Promise<TimeseriesStore> {
  const open = storeDrivers.find(storeScheme(location));
  if (open === undefined) return Promise.reject(unknownStorage(location, storeDrivers.names()));
  return open(location);
}
