import { setup as setupFlat } from './installer-flat.js';
import { setup as setupHier } from './installer-hier.js';

/** The built-in installer logics, registered: import this module, not installer-logic.ts, to use them. */
setupFlat();
setupHier();

export { createInstallerLogic, installerTypeNames, installerTypes } from './installer-logic.js';
export type { InstallerFactory } from './installer-logic.js';
