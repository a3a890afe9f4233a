import { setup as setupDelay } from './delay.js';
import { setup as setupLed } from './led.js';
import { setup as setupProbe } from './probe.js';
import { setup as setupRtt } from './rtt.js';
import { setup as setupUtil } from './util.js';

/** The built-in processing time estimators, registered: import this module, not registry.ts, to use them. */
setupRtt();
setupUtil();
setupDelay();
setupProbe();
setupLed();

export {
  createEstimator,
  DEFAULT_PTIMEEST_CONF,
  defaultEstimatorConf,
  estimatorNames,
  estimatorTypes,
} from './registry.js';
export type { EstimatorFactory, EstimatorType } from './registry.js';
