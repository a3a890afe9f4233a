import { Conf } from '../../support/conf.js';
import { Registry } from '../../support/registry.js';
import { realScheduler } from '../../support/scheduler.js';
import type { OptimizerOptions, WeightOptimizer, WeightTable } from './weight-optimizer.js';

/** The default `--optimizer-conf` of the router. */
export const DEFAULT_OPTIMIZER_CONF = 'type=trivial,period=10,stat=mean';

/** A registered optimizer type: reads its keys of the conf (throwing on errors) and builds the optimizer. */
export type OptimizerType = (
  conf: Conf,
  table: WeightTable,
  options: Required<OptimizerOptions>,
) => WeightOptimizer;

/**
 * The weight optimizers by the `type=` name of `--optimizer-conf`; each registers itself from its
 * `setup()` (see index.ts, which registers the built-in ones).
 */
export const optimizerTypes = new Registry<OptimizerType>(
  (name) => new Error(`Invalid local optimizer type: ${name}`),
);

/** The registered optimizer names, in registration order. */
export function optimizerNames(): string[] {
  return optimizerTypes.names();
}

/**
 * Builds the optimizer of a `--optimizer-conf` (`type=none`, `type=trivial,period=<s>,stat=mean|min|max`,
 * `type=async,alpha=<a>`, `type=asyncPF`) writing to `table`. Fails with
 * `Invalid local optimizer type: <t>`, `Invalid stat: <s>`, `No value found for key: <k>` or the Conf errors.
 */
export function createOptimizer(
  confText: string,
  table: WeightTable,
  options: OptimizerOptions = {},
): WeightOptimizer {
  const conf = Conf.parse(confText);
  const type = optimizerTypes.get(conf.get('type'));
  const scheduler = options.scheduler ?? realScheduler;
  const clock = options.clock ?? (() => scheduler.now());
  return type(conf, table, { clock, timer: options.timer ?? true, scheduler });
}
