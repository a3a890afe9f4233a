// Archive-policy validation (§1.1) with Gnocchi's reasons and detail paths, PATCH rules and the JSON form.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DEFAULT_ARCHIVE_POLICIES,
  DEFAULT_ARCHIVE_POLICY_RULE,
  archivePolicyToJson,
  parseArchivePolicy,
  patchArchivePolicy,
} from './archive-policy.js';
import { TimeseriesError, type ErrorDescription } from './errors.js';

function fails(fn: () => unknown, description: ErrorDescription): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TimeseriesError, String(e));
    assert.equal(e.status, 400);
    assert.deepEqual(e.description, description);
    return true;
  });
}

function invalid(reason: string, detail: string[]): ErrorDescription {
  return { cause: 'Invalid input', reason, detail };
}

const json = (body: unknown): unknown => archivePolicyToJson(parseArchivePolicy(body));

void test('transcript: 1 day × 365 days, sum', () => {
  assert.deepEqual(
    JSON.stringify(
      json({
        name: 'years_rate',
        back_window: 0,
        definition: [{ granularity: '1 day', timespan: '365 days' }],
        aggregation_methods: ['sum'],
      }),
    ),
    '{"name":"years_rate","back_window":0,"definition":[{"timespan":"365 days, 0:00:00","granularity":"1 day, 0:00:00","points":365}],"aggregation_methods":["sum"]}',
  );
});

void test('transcript: timespan not a multiple of the granularity is rounded down', () => {
  assert.deepEqual(
    json({
      name: 'b',
      definition: [{ granularity: '7 hours', timespan: '1 day' }],
      aggregation_methods: ['sum'],
    }),
    {
      name: 'b',
      back_window: 0,
      definition: [{ timespan: '21:00:00', granularity: '7:00:00', points: 3 }],
      aggregation_methods: ['sum'],
    },
  );
});

void test('transcript: granularity number + points, +/- methods', () => {
  const p = parseArchivePolicy({
    name: 'pts',
    definition: [{ granularity: 86400, points: 365 }],
    aggregation_methods: ['+sum', '-mean'],
  });
  assert.deepEqual(p, {
    name: 'pts',
    back_window: 0,
    aggregation_methods: ['min', 'max', 'sum', 'std', 'count'],
    definition: [{ granularity: 86400, points: 365, timespan: 365 * 86400 }],
  });
});

void test('two of three determine the third', () => {
  const def = (item: unknown): unknown => parseArchivePolicy({ name: 'x', definition: [item] }).definition[0];
  assert.deepEqual(def({ granularity: '1h', timespan: 3600 }), {
    granularity: 3600,
    points: 1,
    timespan: 3600,
  });
  assert.deepEqual(def({ granularity: 7, timespan: '1h' }), { granularity: 7, points: 514, timespan: 3598 });
  assert.deepEqual(json({ name: 'x', definition: [{ granularity: 7, timespan: '1h' }] }), {
    name: 'x',
    back_window: 0,
    definition: [{ timespan: '0:59:58', granularity: '0:00:07', points: 514 }],
    aggregation_methods: ['mean', 'min', 'max', 'sum', 'std', 'count'],
  });
  assert.deepEqual(def({ points: 1000, timespan: '1h' }), { granularity: 3.6, points: 1000, timespan: 3600 });
  assert.deepEqual(
    archivePolicyToJson(parseArchivePolicy({ name: 'x', definition: [{ points: 1000, timespan: '1h' }] }))
      .definition,
    [{ timespan: '1:00:00', granularity: '0:00:03.600000', points: 1000 }],
  );
  assert.deepEqual(def({ granularity: '1 min', points: 60 }), {
    granularity: 60,
    points: 60,
    timespan: 3600,
  });
  assert.deepEqual(def({ granularity: '5min' }), { granularity: 300, points: null, timespan: null });
  assert.deepEqual(
    archivePolicyToJson(parseArchivePolicy({ name: 'x', definition: [{ granularity: 1 }] })).definition,
    [{ timespan: null, granularity: '0:00:01', points: null }],
  );
  assert.deepEqual(def({ granularity: 60, points: 60, timespan: 3600 }), {
    granularity: 60,
    points: 60,
    timespan: 3600,
  });
});

void test('definition errors (400 text descriptions)', () => {
  const body = (item: unknown): unknown => ({ name: 'x', definition: [item] });
  fails(
    () => parseArchivePolicy(body({ granularity: 60, points: 60, timespan: 3000 })),
    'timespan ≠ granularity × points',
  );
  fails(
    () => parseArchivePolicy(body({ points: 10 })),
    'At least two of granularity/points/timespan must be provided',
  );
  fails(
    () => parseArchivePolicy(body({ timespan: '1 day' })),
    'At least two of granularity/points/timespan must be provided',
  );
  fails(
    () => parseArchivePolicy(body({ granularity: '1 day', timespan: '1h' })),
    'Calculated number of points is < 0',
  );
  fails(
    () =>
      parseArchivePolicy({
        name: 'x',
        definition: [
          { granularity: 1, points: 10 },
          { granularity: '1s', timespan: 60 },
        ],
      }),
    "More than one archive policy uses granularity `1.0'",
  );
  fails(
    () =>
      parseArchivePolicy({
        name: 'x',
        definition: [
          { granularity: 3600, points: 1 },
          { granularity: '1h', points: 2 },
        ],
      }),
    "More than one archive policy uses granularity `3600.0'",
  );
});

void test('schema errors: reasons and detail paths', () => {
  fails(
    () => parseArchivePolicy({ name: 'x', definition: [{ granularity: '1 day', timespan: '1 year' }] }),
    invalid("Unable to parse timespan for dictionary value @ data['definition'][0]['timespan']", [
      'definition',
      '0',
      'timespan',
    ]),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', definition: [{ granularity: 1, points: 0 }] }),
    invalid("value must be at least 1 for dictionary value @ data['definition'][0]['points']", [
      'definition',
      '0',
      'points',
    ]),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', definition: [{ granularity: 1, points: 'many' }] }),
    invalid("expected int for dictionary value @ data['definition'][0]['points']", [
      'definition',
      '0',
      'points',
    ]),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', definition: [{ granularity: 0, points: 5 }] }),
    invalid("Timespan must be positive for dictionary value @ data['definition'][0]['granularity']", [
      'definition',
      '0',
      'granularity',
    ]),
  );
  fails(
    () =>
      parseArchivePolicy({
        name: 'x',
        definition: [
          { granularity: 1, points: 5 },
          { granularity: 2, points: 5, foo: 1 },
        ],
      }),
    invalid("extra keys not allowed @ data['definition'][1]['foo']", ['definition', '1', 'foo']),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', definition: [{ granularity: 1, points: 5 }], colour: 'red' }),
    invalid("extra keys not allowed @ data['colour']", ['colour']),
  );
  fails(
    () => parseArchivePolicy({ definition: [{ granularity: 1, points: 5 }] }),
    invalid("required key not provided @ data['name']", ['name']),
  );
  fails(
    () => parseArchivePolicy({ name: 'x' }),
    invalid("required key not provided @ data['definition']", ['definition']),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', definition: [] }),
    invalid("length of value must be at least 1 for dictionary value @ data['definition']", ['definition']),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', definition: {} }),
    invalid("expected a list for dictionary value @ data['definition']", ['definition']),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', definition: ['1 day'] }),
    invalid("expected a dictionary @ data['definition'][0]", ['definition', '0']),
  );
  fails(
    () => parseArchivePolicy({ name: 3, definition: [{ granularity: 1 }] }),
    invalid("expected str for dictionary value @ data['name']", ['name']),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', back_window: -1, definition: [{ granularity: 1 }] }),
    invalid("value must be at least 0 for dictionary value @ data['back_window']", ['back_window']),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', back_window: 'two', definition: [{ granularity: 1 }] }),
    invalid("expected int for dictionary value @ data['back_window']", ['back_window']),
  );
  fails(
    () => parseArchivePolicy({ name: 'x', definition: [{ granularity: 1 }], aggregation_methods: ['summ'] }),
    invalid("not a valid value @ data['aggregation_methods'][0]", ['aggregation_methods', '0']),
  );
  fails(() => parseArchivePolicy([]), invalid('expected a dictionary', []));
});

void test('back_window is coerced to int', () => {
  assert.equal(
    parseArchivePolicy({ name: 'x', back_window: '3', definition: [{ granularity: 1 }] }).back_window,
    3,
  );
  assert.equal(
    parseArchivePolicy({ name: 'x', back_window: 2.7, definition: [{ granularity: 1 }] }).back_window,
    2,
  );
});

void test('PATCH: only points/timespan of existing granularities and back_window', () => {
  const medium = DEFAULT_ARCHIVE_POLICIES.find((p) => p.name === 'medium');
  assert.ok(medium);
  const patched = patchArchivePolicy(medium, {
    definition: [
      { granularity: '1h', timespan: '30 days' },
      { granularity: '1 min', points: 20 },
    ],
    back_window: 2,
  });
  assert.deepEqual(patched, {
    name: 'medium',
    back_window: 2,
    aggregation_methods: medium.aggregation_methods,
    definition: [
      { granularity: 3600, points: 720, timespan: 30 * 86400 },
      { granularity: 60, points: 20, timespan: 1200 },
    ],
  });
  fails(
    () => patchArchivePolicy(medium, { definition: [{ granularity: 60, points: 5 }] }),
    'Archive policy medium does not support change: Cannot add or drop granularities',
  );
  fails(
    () =>
      patchArchivePolicy(medium, {
        definition: [
          { granularity: 1, points: 5 },
          { granularity: 3600, points: 5 },
        ],
      }),
    'Archive policy medium does not support change: 60.0 granularity interval was changed',
  );
  fails(
    () => patchArchivePolicy(medium, { back_window: 1 }),
    invalid("required key not provided @ data['definition']", ['definition']),
  );
  fails(
    () => patchArchivePolicy(medium, { definition: [{ granularity: 60 }, { granularity: 3600 }], name: 'y' }),
    invalid("extra keys not allowed @ data['name']", ['name']),
  );
});

void test('default policies and rule', () => {
  assert.deepEqual(
    DEFAULT_ARCHIVE_POLICIES.map((p) => archivePolicyToJson(p)),
    [
      {
        name: 'bool',
        back_window: 3600,
        definition: [{ timespan: '365 days, 0:00:00', granularity: '0:00:01', points: 31536000 }],
        aggregation_methods: ['last'],
      },
      {
        name: 'low',
        back_window: 0,
        definition: [{ timespan: '30 days, 0:00:00', granularity: '0:05:00', points: 8640 }],
        aggregation_methods: ['mean', 'min', 'max', 'sum', 'std', 'count'],
      },
      {
        name: 'medium',
        back_window: 0,
        definition: [
          { timespan: '7 days, 0:00:00', granularity: '0:01:00', points: 10080 },
          { timespan: '365 days, 0:00:00', granularity: '1:00:00', points: 8760 },
        ],
        aggregation_methods: ['mean', 'min', 'max', 'sum', 'std', 'count'],
      },
      {
        name: 'high',
        back_window: 0,
        definition: [
          { timespan: '1:00:00', granularity: '0:00:01', points: 3600 },
          { timespan: '7 days, 0:00:00', granularity: '0:01:00', points: 10080 },
          { timespan: '365 days, 0:00:00', granularity: '1:00:00', points: 8760 },
        ],
        aggregation_methods: ['mean', 'min', 'max', 'sum', 'std', 'count'],
      },
    ],
  );
  assert.deepEqual(DEFAULT_ARCHIVE_POLICY_RULE, {
    name: 'default',
    metric_pattern: '*',
    archive_policy_name: 'low',
  });
});
