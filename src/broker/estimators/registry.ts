import { Conf } from '../../support/conf.js';
import { Saver } from '../../support/saver.js';
import type { EstimatorEnvironment, PtimeEstimator } from './estimator.js';
import { DelayEstimator } from './delay.js';
import { LedEstimator } from './led.js';
import { ProbeEstimator } from './probe.js';
import { RttEstimator } from './rtt.js';
import { UtilEstimator } from './util.js';
import { monotonicClock } from '../policies/selection-policy.js';

/** The default `--ptimeest-conf` of the dispatcher. */
export const DEFAULT_PTIMEEST_CONF = 'type=rtt,window-size=50,stale-period=10';

/** Builds an estimator from its conf, whose keys have been checked to be all there. */
export type EstimatorFactory = (
  conf: Conf,
  env: Required<Pick<EstimatorEnvironment, 'clock'>> & EstimatorEnvironment,
) => PtimeEstimator;

/** A registered estimator type: its example conf (which lists the required keys) and its factory. */
interface EstimatorType {
  defaultConf: string;
  create: EstimatorFactory;
}

const registry = new Map<string, EstimatorType>();

/**
 * Registers (or replaces) an estimator under the `type=` name of `--ptimeest-conf`. Every key of
 * `defaultConf` is required; the conf is shown in the error when one is missing.
 */
export function registerEstimator(name: string, defaultConf: string, create: EstimatorFactory): void {
  registry.set(name, { defaultConf, create });
}

/** The registered estimator names, in registration order. */
export function estimatorNames(): string[] {
  return [...registry.keys()];
}

/** The example (default) conf of a registered estimator type, or undefined if there is none. */
export function defaultEstimatorConf(name: string): string | undefined {
  return registry.get(name)?.defaultConf;
}

/**
 * Builds the estimator of a `--ptimeest-conf` (spec §4.3). Fails with
 * `Invalid processing time estimator type: <t>`, with `Invalid configuration for type '<t>', use
 * something like: <default conf>` if a key is missing, or with the Conf and Saver errors.
 */
export function createEstimator(confText: string, env: EstimatorEnvironment = {}): PtimeEstimator {
  const conf = Conf.parse(confText);
  const name = conf.get('type');
  const type = registry.get(name);
  if (type === undefined) throw new Error(`Invalid processing time estimator type: ${name}`);
  if (
    Conf.parse(type.defaultConf)
      .keys()
      .some((k) => !conf.has(k))
  ) {
    throw new Error(`Invalid configuration for type '${name}', use something like: ${type.defaultConf}`);
  }
  return type.create(conf, { ...env, clock: env.clock ?? monotonicClock });
}

/** A window size: a positive integer, else `Invalid value '<v>' for key '<k>': must be > 0`. */
function windowSize(conf: Conf, key: string): number {
  const n = conf.getUint(key);
  if (n === 0) throw new Error(`Invalid value '${conf.get(key)}' for key '${key}': must be > 0`);
  return n;
}

/** The Saver of an estimator's measurement file (`output=`): timestamped, flushed per line, truncated. */
function output(conf: Conf): Saver {
  return new Saver(conf.get('output'), { timestamp: true, flush: true, append: false });
}

registerEstimator(
  'rtt',
  DEFAULT_PTIMEEST_CONF,
  (conf, env) => new RttEstimator(windowSize(conf, 'window-size'), conf.getDouble('stale-period'), env.clock),
);
registerEstimator(
  'util',
  'type=util,rtt-window-size=50,rtt-stale-period=10,util-load-timeout=10,util-window-size=50,output=out.dat',
  (conf, env) =>
    new UtilEstimator(
      {
        rttWindowSize: windowSize(conf, 'rtt-window-size'),
        rttStalePeriod: conf.getDouble('rtt-stale-period'),
        utilLoadTimeout: conf.getDouble('util-load-timeout'),
        utilWindowSize: windowSize(conf, 'util-window-size'),
      },
      output(conf),
      env.clock,
    ),
);
registerEstimator(
  'delay',
  'type=delay,util-load-timeout=10,util-window-size=50,output=out.dat',
  (conf, env) =>
    new DelayEstimator(
      {
        utilLoadTimeout: conf.getDouble('util-load-timeout'),
        utilWindowSize: windowSize(conf, 'util-window-size'),
      },
      output(conf),
      env.clock,
    ),
);
registerEstimator(
  'probe',
  'type=probe,max-clients=10,output=out.dat',
  (conf, env) => new ProbeEstimator(conf.getUint('max-clients'), output(conf), env.dryRun),
);
registerEstimator(
  'led',
  'type=led,window-size=50,in-flight-timeout=30',
  (conf, env) =>
    new LedEstimator(
      {
        windowSize: windowSize(conf, 'window-size'),
        inFlightTimeout: conf.getDouble('in-flight-timeout'),
      },
      env.clock,
    ),
);
