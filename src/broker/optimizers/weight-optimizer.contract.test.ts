import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { setLogSink } from '../../support/logger.js';
import { VirtualScheduler } from '../../support/virtual-scheduler.js';
import { ForwardingTable } from '../router/forwarding-table.js';
import { createOptimizer, optimizerNames } from './index.js';
import type { WeightOptimizer } from './weight-optimizer.js';

/** Extra conf keys the built-in optimizers require; other registered optimizers get just `type=<name>`. */
const REQUIRED_KEYS = new Map([
  ['trivial', ',period=1,stat=mean'],
  ['async', ',alpha=0.5'],
]);

// Skipped weight updates are logged as warnings: keep them out of the test output.
let restoreLog: () => void = () => {};
before(() => {
  restoreLog = setLogSink(() => {});
});
after(() => restoreLog());

/** An optimizer of a registered type on virtual time, writing to a table with l → a, b (weight 1). */
function makeOptimizer(name: string): {
  optimizer: WeightOptimizer;
  table: ForwardingTable;
  scheduler: VirtualScheduler;
} {
  const table = new ForwardingTable('type=least-impedance');
  table.change('l', 'a', 1, true);
  table.change('l', 'b', 1, true);
  const scheduler = new VirtualScheduler();
  const optimizer = createOptimizer(`type=${name}${REQUIRED_KEYS.get(name) ?? ''}`, table, { scheduler });
  return { optimizer, table, scheduler };
}

/** The table's weights as `lambda/destination weight` lines. */
function weights(table: ForwardingTable): string[] {
  return table.entries().map((e) => `${e.lambda}/${e.destination} ${e.weight}`);
}

for (const name of optimizerNames()) {
  describe(`WeightOptimizer contract: ${name}`, () => {
    test('is built from its conf and reports its type name', () => {
      const { optimizer } = makeOptimizer(name);
      assert.equal(optimizer.type, name);
      optimizer.stop();
    });

    test('samples of pairs not in the table change nothing and do not throw', async () => {
      const { optimizer, table, scheduler } = makeOptimizer(name);
      optimizer.onSample('l', 'ghost', 0.5);
      optimizer.onSample('ghost', 'a', 0.5);
      await scheduler.run(10);
      assert.deepEqual(weights(table), ['l/a 1', 'l/b 1']);
      optimizer.stop();
    });

    test('after stop, samples change no weight and no timer is left', async () => {
      const { optimizer, table, scheduler } = makeOptimizer(name);
      optimizer.stop();
      optimizer.onSample('l', 'a', 0.5);
      await scheduler.run(10);
      assert.deepEqual(weights(table), ['l/a 1', 'l/b 1']);
      assert.equal(scheduler.pending, 0);
    });
  });
}

describe('WeightOptimizer registry', () => {
  test("Object.prototype's keys are unknown optimizer types", () => {
    const table = new ForwardingTable('type=least-impedance');
    for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
      assert.throws(() => createOptimizer(`type=${name}`, table), {
        message: `Invalid local optimizer type: ${name}`,
      });
    }
  });
});
