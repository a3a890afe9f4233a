// The /v1/aggregates operations: parsing (S-expressions and lists), errors, overlap, fill and operators.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  evaluateOperations,
  metricReferences,
  parseOperations,
  type EvaluateOptions,
  type MetricReference,
} from './aggregates.js';
import { TimeseriesError, type ErrorDescription } from './errors.js';
import type { Point } from './model.js';
import { parseTimestamp } from './timestamp.js';

const DAY = 86400;
const D1 = parseTimestamp('2024-01-01');
const day = (i: number): number => D1 + i * DAY;
const daily = (values: (number | undefined)[], granularity = DAY): Point[] =>
  values.flatMap((v, i): Point[] => (v === undefined ? [] : [[day(i), granularity, v]]));

const LOMBARDIA = daily([1.5, 2.5, 42, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912, 913, 914]);
const NUOVA = daily([7]);

function fails(fn: () => unknown, status: number, description: ErrorDescription): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TimeseriesError, String(e));
    assert.equal(e.status, status);
    assert.deepEqual(e.description, description);
    return true;
  });
}

function run(operations: unknown, data: Record<string, Point[]>, options?: EvaluateOptions): unknown {
  return evaluateOperations(parseOperations(operations), (ref: MetricReference) => data[ref.metric], options);
}

void test('S-expression and list forms parse to the same tree', () => {
  const fromString = parseOperations('(aggregate sum (metric (A sum) (B mean)))');
  const fromList = parseOperations(['aggregate', 'sum', ['metric', ['A', 'sum'], ['B', 'mean']]]);
  assert.deepEqual(fromString, fromList);
  assert.deepEqual(fromString, {
    kind: 'aggregate',
    method: 'sum',
    operand: {
      kind: 'metric',
      refs: [
        { metric: 'A', aggregation: 'sum' },
        { metric: 'B', aggregation: 'mean' },
      ],
    },
  });
  assert.deepEqual(parseOperations('  (* 2 (metric A sum))'), {
    kind: 'binary',
    operator: '*',
    left: { kind: 'constant', value: 2 },
    right: { kind: 'metric', refs: [{ metric: 'A', aggregation: 'sum' }] },
  });
  assert.deepEqual(metricReferences(parseOperations('(+ (metric (A sum) (B sum)) (metric A sum))')), [
    { metric: 'A', aggregation: 'sum' },
    { metric: 'B', aggregation: 'sum' },
  ]);
  assert.deepEqual(parseOperations('(metric "my metric" mean)'), {
    kind: 'metric',
    refs: [{ metric: 'my metric', aggregation: 'mean' }],
  });
  for (const ok of [
    '(resample mean 1w (metric A mean))',
    '(rolling sum 3 (metric A mean))',
    '(clip (metric A mean) 0 10)',
    '(clip_min (rateofchangesec (metric A mean)) 0)',
    '(≥ (abs (metric A mean)) 2.5)',
    '(aggregate rate:mean (metric A mean))',
    '(resample 95pct 3600 (metric A mean))',
  ]) {
    parseOperations(ok);
  }
});

void test('unparsable strings: Invalid operations with pyparsing text', () => {
  const parseError = (detail: string): ErrorDescription => ({
    cause: 'Invalid operations',
    reason: 'Fail to parse the operations string',
    detail,
  });
  fails(
    () => parseOperations('(aggregate sum (metric'),
    400,
    parseError("Expected ')', found '('  (at char 15), (line:1, col:16)"),
  );
  fails(
    () => parseOperations('(metric A mean'),
    400,
    parseError("Expected ')', found end of text  (at char 14), (line:1, col:15)"),
  );
  fails(
    () => parseOperations('metric A mean'),
    400,
    parseError("Expected nested () expression, found 'metric'  (at char 0), (line:1, col:1)"),
  );
  fails(
    () => parseOperations(''),
    400,
    parseError('Expected nested () expression  (at char 0), (line:1, col:1)'),
  );
});

void test('malformed trees: Invalid input on operations', () => {
  const invalid = (reason: string): ErrorDescription => ({
    cause: 'Invalid input',
    reason: `${reason} for dictionary value @ data['operations']`,
    detail: ['operations'],
  });
  fails(
    () => parseOperations('(aggregate summ (metric d229 sum))'),
    400,
    invalid("'aggregate' operation invalid"),
  );
  fails(
    () => parseOperations('(aggregate sum (metrix A sum))'),
    400,
    invalid("'aggregate' operation invalid"),
  );
  fails(() => parseOperations('(rolling sum 0 (metric A sum))'), 400, invalid("'rolling' operation invalid"));
  fails(
    () => parseOperations('(resample sum 1year (metric A sum))'),
    400,
    invalid("'resample' operation invalid"),
  );
  fails(() => parseOperations('(metric A)'), 400, invalid("'metric' operation invalid"));
  fails(() => parseOperations({}), 400, invalid("Expected a tuple/list, got a <class 'dict'>"));
  fails(() => parseOperations([]), 400, invalid('Operation must not be empty'));
  fails(() => parseOperations(['metric']), 400, invalid('Operation need at least one argument'));
  fails(() => parseOperations('(* 2 3)'), 400, {
    cause: 'Operations is invalid',
    reason: "At least one 'metric' is required",
    detail: ['*', '2', '3'],
  });
});

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
    reason: "granularity '60' is missing",
    detail: [['C', 'mean']],
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
  assert.deepEqual(agg('rate:sum'), [4, 4]);
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
  assert.deepEqual(values('(rolling rate:sum 3 (metric A m))'), [3, 10]);
  assert.deepEqual(values('(resample sum 2d (metric A m))'), [1, 2, 8]);
  fails(() => run('(rolling sum 5 (metric A m))', data), 400, {
    cause: "Metrics can't being aggregated",
    reason: "Rolling window '5' is greater than serie length '4'",
    detail: [['A', 'm']],
  });
});
