// The 216 aggregation methods, their resolution in a policy and the per-period computations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AGGREGATION_METHODS,
  DEFAULT_AGGREGATION_METHODS,
  aggregate,
  aggregateAll,
  isAggregationMethod,
  resolveAggregationMethods,
} from './aggregation-methods.js';
import { TimeseriesError } from './errors.js';

void test('216 valid methods: 9 base, 99 percentiles, and their rate: versions', () => {
  assert.equal(AGGREGATION_METHODS.length, 216);
  assert.equal(new Set(AGGREGATION_METHODS).size, 216);
  assert.deepEqual(AGGREGATION_METHODS.slice(0, 10), [
    'mean',
    'sum',
    'last',
    'max',
    'min',
    'std',
    'median',
    'first',
    'count',
    '1pct',
  ]);
  assert.equal(AGGREGATION_METHODS[107], '99pct');
  assert.equal(AGGREGATION_METHODS[108], 'rate:mean');
  assert.equal(AGGREGATION_METHODS[215], 'rate:99pct');
  for (const name of ['median', 'rate:count', 'rate:54pct', '1pct', '99pct', 'rate:first']) {
    assert.ok(isAggregationMethod(name), name);
  }
  for (const name of ['summ', '0pct', '100pct', '05pct', 'rate:rate:mean', 'var', '*', '+mean', 1]) {
    assert.ok(!isAggregationMethod(name), String(name));
  }
  assert.deepEqual(DEFAULT_AGGREGATION_METHODS, ['mean', 'min', 'max', 'sum', 'std', 'count']);
});

void test('resolution: explicit list, modifiers, *, empty, undefined', () => {
  assert.deepEqual(resolveAggregationMethods(['sum']), ['sum']);
  assert.deepEqual(resolveAggregationMethods(['mean', 'max', 'mean']), ['mean', 'max']);
  assert.deepEqual(resolveAggregationMethods(['+sum', '-mean']), ['min', 'max', 'sum', 'std', 'count']);
  assert.deepEqual(resolveAggregationMethods(['+median', '-std']), [
    'mean',
    'min',
    'max',
    'sum',
    'count',
    'median',
  ]);
  assert.deepEqual(resolveAggregationMethods(['mean', '+95pct']), ['mean', '95pct']);
  assert.deepEqual(resolveAggregationMethods(['*']), [...AGGREGATION_METHODS]);
  assert.equal(resolveAggregationMethods(['*', '-rate:mean']).length, 215);
  assert.deepEqual(resolveAggregationMethods([]), [...DEFAULT_AGGREGATION_METHODS]);
  assert.deepEqual(resolveAggregationMethods(undefined), [...DEFAULT_AGGREGATION_METHODS]);
  assert.deepEqual(resolveAggregationMethods(['+last'], ['mean']), ['mean', 'last']);
});

void test('resolution: unknown name → 400 not a valid value with its index', () => {
  const check = (spec: unknown, reason: string, detail: string[]): void => {
    assert.throws(
      () => resolveAggregationMethods(spec),
      (e: unknown) => {
        assert.ok(e instanceof TimeseriesError);
        assert.equal(e.status, 400);
        assert.deepEqual(e.description, { cause: 'Invalid input', reason, detail });
        return true;
      },
    );
  };
  check(['summ'], "not a valid value @ data['aggregation_methods'][0]", ['aggregation_methods', '0']);
  check(['mean', '+nope'], "not a valid value @ data['aggregation_methods'][1]", [
    'aggregation_methods',
    '1',
  ]);
  check(['mean', 3], "not a valid value @ data['aggregation_methods'][1]", ['aggregation_methods', '1']);
  check('mean', "expected a list for dictionary value @ data['aggregation_methods']", [
    'aggregation_methods',
  ]);
});

void test("Object.prototype's keys are not aggregation methods, with or without a modifier", () => {
  for (const name of ['toString', 'constructor', '__proto__']) {
    assert.equal(isAggregationMethod(name), false);
    assert.equal(isAggregationMethod(`rate:${name}`), false);
    for (const entry of [name, `+${name}`, `-${name}`]) {
      assert.throws(
        () => resolveAggregationMethods(['mean', entry]),
        (e: unknown) => {
          assert.ok(e instanceof TimeseriesError);
          assert.deepEqual(e.description, {
            cause: 'Invalid input',
            reason: "not a valid value @ data['aggregation_methods'][1]",
            detail: ['aggregation_methods', '1'],
          });
          return true;
        },
      );
    }
    assert.throws(() => aggregate(name, [1, 2]), { message: `Unknown aggregation method \`${name}'` });
  }
});

void test('base methods on known data (time order)', () => {
  const values = [4, 1, 3, 2, 10];
  assert.equal(aggregate('mean', values), 4);
  assert.equal(aggregate('sum', values), 20);
  assert.equal(aggregate('min', values), 1);
  assert.equal(aggregate('max', values), 10);
  assert.equal(aggregate('first', values), 4);
  assert.equal(aggregate('last', values), 10);
  assert.equal(aggregate('count', values), 5);
  assert.equal(aggregate('median', values), 3);
  assert.equal(aggregate('median', [4, 1, 3, 2]), 2.5);
  // sample standard deviation (ddof = 1): sqrt(((0)+(9)+(1)+(4)+(36))/4)
  assert.equal(aggregate('std', values), Math.sqrt(50 / 4));
  assert.ok(Number.isNaN(aggregate('std', [7])));
  // numpy percentile, linear: position (n-1)·q/100
  assert.equal(aggregate('95pct', values), 4 * (4 - 4 * 0.95) + 10 * (4 * 0.95 - 3));
  assert.ok(Math.abs(aggregate('95pct', values) - 8.8) < 1e-12);
  assert.equal(aggregate('50pct', values), 3);
  assert.equal(aggregate('25pct', values), 2);
  assert.equal(aggregate('1pct', [1, 2]), 1.01);
  assert.equal(aggregate('count', []), 0);
  assert.ok(Number.isNaN(aggregate('mean', [])));
  assert.throws(() => aggregate('summ', values), /Unknown aggregation method/);
});

void test('aggregateAll shares one sort', () => {
  assert.deepEqual(aggregateAll(['median', 'min', '50pct', 'count'], [3, 1, 2]), [2, 1, 2, 3]);
  const empty = aggregateAll(['count', 'mean'], []);
  assert.equal(empty[0], 0);
  assert.ok(Number.isNaN(empty[1]));
});
