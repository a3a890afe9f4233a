import { Conf } from '../../support/conf.js';
import { realScheduler } from '../../support/scheduler.js';
import { AsyncOptimizer } from './async.js';
import { AsyncPfOptimizer } from './async-pf.js';
import { NoneOptimizer } from './none.js';
import { TrivialOptimizer, parseStat } from './trivial.js';
import type { OptimizerOptions, WeightOptimizer, WeightTable } from './weight-optimizer.js';

/** The default `--optimizer-conf` of the router. */
export const DEFAULT_OPTIMIZER_CONF = 'type=trivial,period=10,stat=mean';

/** A registered optimizer type: reads its keys of the conf (throwing on errors) and builds the optimizer. */
export type OptimizerType = (
  conf: Conf,
  table: WeightTable,
  options: Required<OptimizerOptions>,
) => WeightOptimizer;

const registry = new Map<string, OptimizerType>();

/** Registers (or replaces) an optimizer under the `type=` name of `--optimizer-conf`. */
export function registerOptimizer(name: string, type: OptimizerType): void {
  registry.set(name, type);
}

/** The registered optimizer names, in registration order. */
export function optimizerNames(): string[] {
  return [...registry.keys()];
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
  const name = conf.get('type');
  const type = registry.get(name);
  if (type === undefined) throw new Error(`Invalid local optimizer type: ${name}`);
  const scheduler = options.scheduler ?? realScheduler;
  const clock = options.clock ?? (() => scheduler.now());
  return type(conf, table, { clock, timer: options.timer ?? true, scheduler });
}

registerOptimizer('none', () => new NoneOptimizer());
registerOptimizer(
  'trivial',
  (conf, table, options) =>
    new TrivialOptimizer(
      table,
      conf.getDouble('period'),
      parseStat(conf.get('stat')),
      options.timer,
      options.scheduler,
    ),
);
registerOptimizer(
  'async',
  (conf, table, options) => new AsyncOptimizer(table, conf.getDouble('alpha'), options.clock),
);
registerOptimizer('asyncPF', (_conf, table) => new AsyncPfOptimizer(table));
