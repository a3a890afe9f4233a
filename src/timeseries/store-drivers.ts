import { setup as setupFile } from './store-file.js';
import { setup as setupPostgres } from './store-postgres.js';

/** The built-in storage drivers, registered: import this module, not store-driver.ts, to open stores. */
setupFile();
setupPostgres();

export { openStore, storeDrivers, storeScheme } from './store-driver.js';
export type { StoreOpener } from './store-driver.js';
