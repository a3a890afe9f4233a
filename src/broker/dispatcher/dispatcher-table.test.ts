import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DestinationTable } from './dispatcher-table.js';
import { ForwardingTableError } from '../forwarding-table-error.js';

/** A table whose hooks only log (the spec's "trivial estimator"). */
function trivialTable(): { table: DestinationTable; hooks: string[] } {
  const hooks: string[] = [];
  const table = new DestinationTable({
    added: (lambda, destination) => hooks.push(`add ${lambda} ${destination}`),
    removed: (lambda, destination) => hooks.push(`del ${lambda} ${destination}`),
  });
  return { table, hooks };
}

test('TestPtimeEstimator.test_ctor', () => {
  const { table, hooks } = trivialTable();
  assert.deepEqual(table.lambdas(), []);
  assert.deepEqual(table.entries(), []);
  assert.deepEqual(hooks, []);
});

test('TestPtimeEstimator.test_add_remove', () => {
  const { table, hooks } = trivialTable();
  table.change('l1', 'd1', -42, true);
  assert.deepEqual(table.entries(), [{ lambda: 'l1', destination: 'd1', weight: 1, final: true }]);
  table.changeWeight('l1', 'd1', 99);
  table.changeWeight('l1', 'unknown', 99);
  assert.deepEqual(table.entries(), [{ lambda: 'l1', destination: 'd1', weight: 1, final: true }]);
  table.change('l2', 'd2', 1, false);
  table.change('l2', 'd3', 0, false);
  table.change('l2', 'd3', 7, true);
  assert.deepEqual(table.lambdas(), ['l1', 'l2']);
  assert.deepEqual(table.destinations('l2'), ['d2', 'd3']);
  assert.equal(table.has('l2', 'd3'), true);
  table.remove('l2');
  assert.deepEqual(table.lambdas(), ['l1']);
  table.remove('l2');
  table.remove('unknown');
  table.remove('l1', 'unknown');
  table.remove('unknown', 'd1');
  table.change('l1', 'd9', 1, false);
  assert.deepEqual(table.destinations('l1'), ['d1', 'd9']);
  table.remove('l1', 'd9');
  table.remove('l1', 'd9');
  table.remove('l1', 'd1');
  assert.deepEqual(table.lambdas(), []);
  assert.throws(() => table.destinations('l1'), ForwardingTableError);
  assert.deepEqual(hooks, [
    'add l1 d1',
    'add l2 d2',
    'add l2 d3',
    'del l2 d2',
    'del l2 d3',
    'add l1 d9',
    'del l1 d9',
    'del l1 d1',
  ]);
});

test('TestPtimeEstimator.test_print', () => {
  const { table } = trivialTable();
  assert.equal(table.toString(), '');
  table.change('lambda1', 'dest1', 1, true);
  table.change('lambda1', 'dest2', 1, false);
  table.change('lambda2', 'dest1', 1, true);
  assert.equal(table.toString(), 'lambda1 [1] dest1 (F)\n        [1] dest2\nlambda2 [1] dest1 (F)\n');
});

test('FLUSH removes every pair through the hooks; an empty destination is refused', () => {
  const { table, hooks } = trivialTable();
  table.change('b', 'y', 1, true);
  table.change('a', 'z', 1, true);
  table.change('a', 'x', 1, true);
  hooks.length = 0;
  table.flush();
  assert.deepEqual(hooks, ['del a x', 'del a z', 'del b y']);
  assert.equal(table.toString(), '');
  assert.throws(
    () => table.change('a', '', 1, true),
    (err: unknown) => err instanceof ForwardingTableError && err.kind === 'InvalidDestination',
  );
  assert.throws(
    () => table.destinations('a'),
    (err: unknown) => err instanceof Error && err.message === 'No destinations found for the entry',
  );
});
