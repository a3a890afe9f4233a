// Evaluation of /v1/aggregates operation trees: overlap, fill, granularities, reductions and operators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { MetricReference } from './aggregates-operation.js';
import { evaluateOperations, MAX_ROLLING_VALUES, type EvaluateOptions } from './aggregates-evaluator.js';
import { parseOperations } from './aggregates-validator.js';
import { assertTimeseriesError } from './timeseries-error.test-support.js';
import type { Point } from './model.js';
import { parseTimestamp } from './timestamp.js';

const DAY = 86400;
const D1 = parseTimestamp('2024-01-01');
const day = (i: number): number => D1 + i * DAY;
const daily = (values: (number | undefined)[], granularity = DAY): Point[] =>
  values.flatMap((v, i): Point[] => (v === undefined ? [] : [[day(i), granularity, v]]));

const LOMBARDIA = daily([1.5, 2.5, 42, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912, 913, 914]);
const NUOVA = daily([7]);

const fails = assertTimeseriesError;

function run(operations: unknown, data: Record<string, Point[]>, options?: EvaluateOptions): unknown {
  return evaluateOperations(parseOperations(operations), (ref: MetricReference) => data[ref.metric], options);
}

void test('sum of two metrics (transcript: default fill = dropna sums what exists)', () => {
  const op = '(aggregate sum (metric (L sum) (N sum)))';
  const expected = { aggregated: [[day(0), DAY, 8.5], ...LOMBARDIA.slice(1)] };
  assert.deepEqual(run(op, { L: LOMBARDIA, N: NUOVA }, { granularity: DAY }), expected);
  assert.deepEqual(run(op, { L: LOMBARDIA, N: NUOVA }, { granularity: DAY, fill: 0 }), expected);
  // needed_overlap=100 without bounds keeps the overlapping range only
  assert.deepEqual(run(op, { L: LOMBARDIA, N: NUOVA }, { granularity: DAY, needed_overlap: 100 }), {
    aggregated: [[day(0), DAY, 8.5]],
  });
});

void test('overlap error: Metrics cannot be aggregated with the percentage', () => {
  const op = '(aggregate sum (metric (L sum) (N sum)))';
  fails(
    () => run(op, { L: LOMBARDIA, N: NUOVA }, { needed_overlap: 100, start: day(0), stop: day(15) }),
    400,
    {
      cause: "Metrics can't being aggregated",
      reason: 'Less than 100.000000% of datapoints overlap in this timespan (6.67%)',
      detail: [
        ['L', 'sum'],
        ['N', 'sum'],
      ],
    },
  );
  const gappy = { A: daily([1, 2, 3]), B: daily([10, undefined, 30]) };
  fails(() => run(op.replace('L', 'A').replace('N', 'B'), gappy, { needed_overlap: 100 }), 400, {
    cause: "Metrics can't being aggregated",
    reason: 'Less than 100.000000% of datapoints overlap in this timespan (66.67%)',
    detail: [
      ['A', 'sum'],
      ['B', 'sum'],
    ],
  });
  assert.deepEqual(run('(aggregate sum (metric (A sum) (B sum)))', gappy, { needed_overlap: 50 }), {
    aggregated: [
      [day(0), DAY, 11],
      [day(1), DAY, 2],
      [day(2), DAY, 33],
    ],
  });
  fails(
    () =>
      run(
        '(aggregate sum (metric (A sum) (B sum)))',
        { A: daily([1]), B: [[day(5), DAY, 2]] },
        { needed_overlap: 100 },
      ),
    400,
    {
      cause: "Metrics can't being aggregated",
      reason: 'No overlap',
      detail: [
        ['A', 'sum'],
        ['B', 'sum'],
      ],
    },
  );
});

void test('fill modes', () => {
  const data = { A: daily([undefined, 2, undefined, 4, undefined]), B: daily([10, 20, 30, 40, 50]) };
  const op = '(metric (A mean) (B mean))';
  const a = (options: EvaluateOptions): number[] => {
    const result = run(op, data, options) as Record<string, Record<string, Point[]>>;
    return (result.A?.mean ?? []).map((p) => p[2]);
  };
  assert.deepEqual(a({ fill: 0 }), [0, 2, 0, 4, 0]);
  assert.deepEqual(a({ fill: 'dropna' }), [2, 4]);
  assert.deepEqual(a({}), [2, 4]);
  assert.deepEqual(a({ fill: 'null' }), [NaN, 2, NaN, 4, NaN]);
  assert.deepEqual(a({ fill: 'ffill' }), [NaN, 2, 2, 4, 4]);
  assert.deepEqual(a({ fill: 'bfill' }), [2, 2, 4, 4, NaN]);
  assert.deepEqual(a({ fill: 'full_ffill' }), [2, 2, 2, 4, 4]);
  assert.deepEqual(a({ fill: 'full_bfill' }), [2, 2, 4, 4, 4]);
  assert.deepEqual(run('(aggregate mean (metric (A mean) (B mean)))', data, { fill: 'null' }), {
    aggregated: [10, 11, 30, 22, 50].map((v, i) => [day(i), DAY, v]),
  });
});

void test('per-metric results without aggregate (transcript shapes)', () => {
  const result = run('(metric (L sum) (N sum))', { L: LOMBARDIA, N: NUOVA }, { granularity: DAY });
  assert.deepEqual(result, { L: { sum: LOMBARDIA }, N: { sum: NUOVA } });
  assert.deepEqual(run('(* 2 (metric L sum))', { L: LOMBARDIA }, { granularity: DAY }), {
    L: { sum: LOMBARDIA.map(([t, g, v]) => [t, g, 2 * v]) },
  });
  assert.deepEqual(run('(metric L sum)', { L: [] }), { L: { sum: [] } });
});

void test('granularities: common ones coarsest first, explicit one, no match', () => {
  const A = [...daily([1, 2], 3600), ...daily([5], 60)];
  const B = [...daily([10, 20], 3600), ...daily([50], 60)];
  assert.deepEqual(run('(aggregate sum (metric (A mean) (B mean)))', { A, B }), {
    aggregated: [
      [day(0), 3600, 11],
      [day(1), 3600, 22],
      [day(0), 60, 55],
    ],
  });
  assert.deepEqual(run('(aggregate max (metric (A mean) (B mean)))', { A, B }, { granularity: 60 }), {
    aggregated: [[day(0), 60, 50]],
  });
  fails(() => run('(aggregate sum (metric (A mean) (C mean)))', { A, C: daily([1], 300) }), 400, {
    cause: "Metrics can't being aggregated",
    reason: 'No granularity match',
    detail: [
      ['A', 'mean'],
      ['C', 'mean'],
    ],
  });
  fails(() => run('(metric (A mean) (C mean))', { A, C: daily([1], 300) }, { granularity: 60 }), 400, {
    cause: "Metrics can't being aggregated",
    reason: 'Granularities are missing',
    detail: [['C', 'mean', 60]],
  });
  fails(() => run('(metric X mean)', {}), 404, {
    cause: 'Unknown metrics',
    reason: "Provided metrics don't exists",
    detail: ['X'],
  });
});

void test('aggregate methods across series (numpy nan-functions)', () => {
  const data = { A: daily([1, 4]), B: daily([3, 8]), C: daily([5, undefined]) };
  const agg = (method: string): number[] =>
    (
      run(`(aggregate ${method} (metric (A m) (B m) (C m)))`, data, { fill: 'null' }) as {
        aggregated: Point[];
      }
    ).aggregated.map((p) => p[2]);
  assert.deepEqual(agg('mean'), [3, 6]);
  assert.deepEqual(agg('sum'), [9, 12]);
  assert.deepEqual(agg('min'), [1, 4]);
  assert.deepEqual(agg('max'), [5, 8]);
  assert.deepEqual(agg('median'), [3, 6]);
  assert.deepEqual(agg('count'), [3, 2]);
  assert.deepEqual(agg('var'), [8 / 3, 4]);
  assert.deepEqual(agg('std'), [Math.sqrt(8 / 3), 2]);
  assert.deepEqual(agg('rate:sum'), [3]);
});

void test('rate: aggregations reduce across series first, then differ along time from the second timestamp', () => {
  // Gnocchi's gabbit "get aggregates rate:mean": row means 2.5, 6, 4.5 → differences 3.5, -1.5
  const data = { A: daily([1, 4, 5]), B: daily([4, 8, 4]) };
  assert.deepEqual(run('(aggregate rate:mean (metric (A m) (B m)))', data), {
    aggregated: [
      [day(1), DAY, 3.5],
      [day(2), DAY, -1.5],
    ],
  });
  // a gap (fill=null) is skipped by the nan-reduction before the difference
  const gappy = { A: daily([1, undefined, 5]), B: daily([3, 8, 7]) };
  assert.deepEqual(run('(aggregate rate:max (metric (A m) (B m)))', gappy, { fill: 'null' }), {
    aggregated: [
      [day(1), DAY, 5],
      [day(2), DAY, -1],
    ],
  });
});

void test('operators: arithmetic, comparisons, unary, rates, clip, rolling, resample', () => {
  const data = { A: daily([1, -2, 4, 8]), B: daily([2, 2, 2, 2]) };
  const values = (op: string): number[] => {
    const result = run(op, data) as Record<string, unknown>;
    const points = (result.aggregated ?? (result.A as Record<string, Point[]>).m) as Point[];
    return points.map((p) => p[2]);
  };
  assert.deepEqual(values('(+ (metric A m) (metric B m))'), [3, 0, 6, 10]);
  assert.deepEqual(values('(/ (metric A m) (metric B m))'), [0.5, -1, 2, 4]);
  assert.deepEqual(values('(** (metric A m) 2)'), [1, 4, 16, 64]);
  assert.deepEqual(values('(% (metric A m) 3)'), [1, 1, 1, 2]);
  assert.deepEqual(values('(> (metric A m) (metric B m))'), [0, 0, 1, 1]);
  assert.deepEqual(values('(= (metric A m) 4)'), [0, 0, 1, 0]);
  assert.deepEqual(values('(abs (metric A m))'), [1, 2, 4, 8]);
  assert.deepEqual(values('(neg (metric A m))'), [-1, 2, -4, -8]);
  assert.deepEqual(values('(rateofchange (metric A m))'), [-3, 6, 4]);
  assert.deepEqual(values('(rateofchangesec (metric A m))'), [-3 / DAY, 6 / DAY, 4 / DAY]);
  assert.deepEqual(values('(clip (metric A m) 0 5)'), [1, 0, 4, 5]);
  assert.deepEqual(values('(clip_max (metric A m) 3)'), [1, -2, 3, 3]);
  assert.deepEqual(values('(rolling sum 2 (metric A m))'), [-1, 2, 12]);
  assert.deepEqual(values('(rolling rate:sum 3 (metric A m))'), [7]);
  assert.deepEqual(values('(rolling rate:max 2 (metric A m))'), [3, 4]);
  assert.deepEqual(values('(resample sum 2d (metric A m))'), [1, 2, 8]);
  fails(() => run('(rolling sum 5 (metric A m))', data), 400, {
    cause: "Metrics can't being aggregated",
    reason: "Rolling window '5' is greater than serie length '4'",
    detail: [['A', 'm']],
  });
});

void test("metric names that are Object.prototype's keys are ordinary keys of the per-metric result", () => {
  const data: Record<string, Point[]> = Object.fromEntries([
    ['__proto__', daily([1, 2])],
    ['constructor', daily([3, 4])],
    ['toString', daily([5, 6])],
  ]);
  const result = run('(metric (__proto__ mean) (constructor mean) (toString mean))', data) as Record<
    string,
    Record<string, Point[]>
  >;
  assert.deepEqual(Object.keys(result), ['__proto__', 'constructor', 'toString']);
  assert.equal(Object.getPrototypeOf(result), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(result, '__proto__')?.value, { mean: daily([1, 2]) });
  assert.deepEqual(Object.getOwnPropertyDescriptor(result, 'constructor')?.value, { mean: daily([3, 4]) });
  assert.deepEqual(Object.getOwnPropertyDescriptor(result, 'toString')?.value, { mean: daily([5, 6]) });
  assert.equal(Object.hasOwn(Object.prototype, 'mean'), false);
  assert.equal(Object.hasOwn(Object, 'mean'), false);
});

void test('rolling windows read at most MAX_ROLLING_VALUES values an aggregation, all of them together', () => {
  // 10,000 points: a window of 2,500 reads 7,501 x 2,500 = 18,752,500 values, under the 25,000,000.
  const long = { A: Array.from({ length: 10_000 }, (_, i): Point => [D1 + i, 1, i % 7]) };
  assert.equal(MAX_ROLLING_VALUES, 25_000_000);
  const one = run('(rolling count 2500 (metric A m))', long) as { A: { m: Point[] } };
  assert.deepEqual([one.A.m.length, one.A.m[0]?.[2]], [7501, 2500]);
  fails(() => run('(+ (rolling count 2500 (metric A m)) (rolling count 2500 (metric A m)))', long), 400, {
    cause: 'Rolling window too large',
    reason:
      'rolling windows read at most 25000000 values an aggregation: a window of 2500 over 10000 points ' +
      'of 1 series reads 18752500',
    detail: [['A', 'm']],
  });
});
