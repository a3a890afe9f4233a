import { setup as setupLeastImpedance } from './least-impedance.js';
import { setup as setupProportionalFairness } from './proportional-fairness.js';
import { setup as setupRandom } from './random.js';
import { setup as setupRoundRobin } from './round-robin.js';
import { setup as setupShortestExpectedDelay } from './shortest-expected-delay.js';

/** The built-in selection policies, registered: import this module, not registry.ts, to use them. */
setupRandom();
setupLeastImpedance();
setupRoundRobin();
setupProportionalFairness();
setupShortestExpectedDelay();

export { DestinationLoads } from './destination-loads.js';
export { createPolicyFactory, policyNames, policyTypes } from './registry.js';
export type { PolicyEnvironment, PolicyFactory, PolicyType } from './registry.js';
