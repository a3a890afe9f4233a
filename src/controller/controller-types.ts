import { setup as setupEtsi } from './controller-type-etsi.js';
import { setup as setupPlain } from './controller-type-plain.js';

/** The built-in controller types, registered: import this module, not controller-type.ts, to use them. */
setupPlain();
setupEtsi();

export { controllerTypes } from './controller-type.js';
export type { ControllerType } from './controller-type.js';
