import { Conf } from '../../support/conf.js';
import { Registry } from '../../support/registry.js';
import type { EstimatorEnvironment, PtimeEstimator } from './estimator.js';
import { monotonicClock } from '../policies/selection-policy.js';

/** The default `--ptimeest-conf` of the dispatcher. */
export const DEFAULT_PTIMEEST_CONF = 'type=rtt,window-size=50,stale-period=10';

/** Builds an estimator from its conf, whose keys have been checked to be all there. */
export type EstimatorFactory = (
  conf: Conf,
  env: Required<Pick<EstimatorEnvironment, 'clock'>> & EstimatorEnvironment,
) => PtimeEstimator;

/** A registered estimator type: its example conf (which lists the required keys) and its factory. */
export interface EstimatorType {
  /** Every key of this conf is required; the conf is shown in the error when one is missing. */
  defaultConf: string;
  create: EstimatorFactory;
}

/**
 * The processing time estimators by the `type=` name of `--ptimeest-conf`; each registers itself from
 * its `setup()` (see index.ts, which registers the built-in ones).
 */
export const estimatorTypes = new Registry<EstimatorType>(
  (name) => new Error(`Invalid processing time estimator type: ${name}`),
);

/** The registered estimator names, in registration order. */
export function estimatorNames(): string[] {
  return estimatorTypes.names();
}

/** The example (default) conf of a registered estimator type, or undefined if there is none. */
export function defaultEstimatorConf(name: string): string | undefined {
  return estimatorTypes.find(name)?.defaultConf;
}

/**
 * Builds the estimator of a `--ptimeest-conf` (spec §4.3). Fails with
 * `Invalid processing time estimator type: <t>`, with `Invalid configuration for type '<t>', use
 * something like: <default conf>` if a key is missing, or with the Conf and Saver errors.
 */
export function createEstimator(confText: string, env: EstimatorEnvironment = {}): PtimeEstimator {
  const conf = Conf.parse(confText);
  const name = conf.get('type');
  const type = estimatorTypes.get(name);
  if (
    Conf.parse(type.defaultConf)
      .keys()
      .some((k) => !conf.has(k))
  ) {
    throw new Error(`Invalid configuration for type '${name}', use something like: ${type.defaultConf}`);
  }
  return type.create(conf, { ...env, clock: env.clock ?? monotonicClock });
}
