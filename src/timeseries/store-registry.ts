import { FileTimeseriesStore } from './store-file.js';
import { PostgresTimeseriesStore } from './store-postgres.js';
import type { TimeseriesStore } from './store.js';

/** Opens a storage driver from a location: a URL scheme picks it, anything else is a data directory. */
export type StoreOpener = (location: string) => Promise<TimeseriesStore>;

const drivers = new Map<string, StoreOpener>();

/** Registers a storage driver for a URL scheme (`postgres:`); `file:` and plain paths use the embedded one. */
export function registerStore(scheme: string, open: StoreOpener): void {
  drivers.set(scheme, open);
}

/** The registered URL schemes. */
export function storeSchemes(): string[] {
  return [...drivers.keys()];
}

/**
 * Opens the store at `location`: `postgres://…` (or `postgresql://…`) for PostgreSQL, `file:///dir` or a
 * plain directory for the embedded store.
 */
export function openStore(location: string): Promise<TimeseriesStore> {
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(location)?.[1]?.toLowerCase();
  const open = drivers.get(scheme ?? 'file');
  if (open === undefined)
    throw new Error(
      `Unknown storage '${location}': use a directory, file://, or ${storeSchemes().join('://, ')}://`,
    );
  return open(location);
}

registerStore('file', async (location) => {
  const store = new FileTimeseriesStore({ dataDir: location.replace(/^file:\/\//i, '') });
  await store.open();
  return store;
});
for (const scheme of ['postgres', 'postgresql']) {
  registerStore(scheme, async (location) => {
    const store = new PostgresTimeseriesStore({ connectionString: location });
    await store.open();
    return store;
  });
}
