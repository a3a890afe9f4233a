import { randomInt } from 'node:crypto';
import { Conf } from '../../support/conf.js';
import { Random } from '../../support/random.js';
import { Registry } from '../../support/registry.js';
import { DestinationLoads } from './destination-loads.js';
import { monotonicClock, type Clock, type SelectionPolicy } from './selection-policy.js';

/** What a table shares with the policies it creates; every field has a default. */
export interface PolicyEnvironment {
  /** Time in seconds for time-based policies (default: `performance.now()` in seconds). */
  clock?: Clock;
  /** Random numbers for the random policy, shared by all lambdas of a table (default: randomly seeded). */
  random?: Random;
  /**
   * The requests in flight per destination, counted by every policy of the table (all its lambdas) and
   * of whatever else shares the counter (an e-router passes one to both its tables); default: one per
   * factory, so per table.
   */
  loads?: DestinationLoads;
}

/** Makes a fresh policy object for one lambda. */
export type PolicyFactory = () => SelectionPolicy;

/**
 * A registered policy type: validates its keys of the `--table-conf` once (throwing on errors) and
 * returns the factory a table calls for every new lambda; its policies count their requests in flight in
 * `env.loads` (BaseSelectionPolicy does, given it).
 */
export type PolicyType = (conf: Conf, env: Required<PolicyEnvironment>) => PolicyFactory;

/**
 * The selection policies by the `type=` name of `--table-conf`; each registers itself from its `setup()`
 * (see index.ts, which registers the built-in ones).
 */
export const policyTypes = new Registry<PolicyType>(
  (name) => new Error(`Invalid forwarding table type: ${name}`),
);

/** The registered policy names, in registration order. */
export function policyNames(): string[] {
  return policyTypes.names();
}

/**
 * Parses a `--table-conf` (`type=random|least-impedance|round-robin|proportional-fairness`, the last
 * requiring `alpha` and `beta`; other keys are ignored) into the factory of per-lambda policies.
 * Fails with `Invalid forwarding table type: <t>`, `No value found for key: <k>` or the Conf errors.
 */
export function createPolicyFactory(confText: string, env: PolicyEnvironment = {}): PolicyFactory {
  const conf = Conf.parse(confText);
  const type = policyTypes.get(conf.get('type'));
  const random = env.random ?? new Random(randomInt(0, 2 ** 32));
  const loads = env.loads ?? new DestinationLoads();
  return type(conf, { clock: env.clock ?? monotonicClock, random, loads });
}
