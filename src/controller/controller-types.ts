import { setup as setupPlain } from './controller-type-plain.js';

/**
 * The built-in controller types, registered: import this module, not controller-type.ts, to use them.
 * The etsi types are registered by the CLI from the mec layer (see mec/etsi-controller-types.ts).
 */
setupPlain();

export { controllerTypes } from './controller-type.js';
export type { ControllerType, ControllerTypeOptions, ControllerTypeRun } from './controller-type.js';
