import { setup as setupAsync } from './async.js';
import { setup as setupAsyncPf } from './async-pf.js';
import { setup as setupDelayPerRequest } from './delay-per-request.js';
import { setup as setupNone } from './none.js';
import { setup as setupTrivial } from './trivial.js';

/** The built-in weight optimizers, registered: import this module, not registry.ts, to use them. */
setupNone();
setupTrivial();
setupAsync();
setupAsyncPf();
setupDelayPerRequest();

export { createOptimizer, DEFAULT_OPTIMIZER_CONF, optimizerNames, optimizerTypes } from './registry.js';
export type { OptimizerType } from './registry.js';
