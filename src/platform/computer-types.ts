import { setup as setupFacerec } from './facerec/facerec-computer-type.js';
import { setup as setupHttp } from './http/http-computer-type.js';
import { setup as setupJs } from './js/js-computer-type.js';
import { setup as setupSim } from './sim-computer-type.js';

/** The built-in computer types, registered: import this module, not computer-type.ts, to use them. */
setupSim();
setupJs();
setupHttp();
setupFacerec();

export { computerTypes } from './computer-type.js';
export type {
  ComputerType,
  ComputerTypeOptions,
  RunningComputer,
  UtilizationListener,
} from './computer-type.js';
