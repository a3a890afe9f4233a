// Validation of /v1/aggregates operations: the tree of each form, and Gnocchi's errors for malformed ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseOperations } from './aggregates-validator.js';
import type { ErrorDescription } from './errors.js';
import { assertTimeseriesError } from './timeseries-error.test-support.js';

const fails = assertTimeseriesError;

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

void test("Object.prototype's keys are unknown operations and methods, refused like any unknown name", () => {
  const invalid = (head: string): ErrorDescription => ({
    cause: 'Invalid input',
    reason: `'${head}' operation invalid for dictionary value @ data['operations']`,
    detail: ['operations'],
  });
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf']) {
    fails(() => parseOperations([name, ['metric', 'A', 'mean'], 2]), 400, invalid(name));
    fails(() => parseOperations([name, ['metric', 'A', 'mean']]), 400, invalid(name));
    fails(() => parseOperations(`(${name} (metric A mean) 2)`), 400, invalid(name));
    fails(() => parseOperations(['aggregate', name, ['metric', 'A', 'mean']]), 400, invalid('aggregate'));
    fails(() => parseOperations(['rolling', name, 2, ['metric', 'A', 'mean']]), 400, invalid('rolling'));
    fails(() => parseOperations(['resample', name, 60, ['metric', 'A', 'mean']]), 400, invalid('resample'));
    fails(
      () => parseOperations(['aggregate', 'sum', [name, ['metric', 'A', 'mean'], 1]]),
      400,
      invalid('aggregate'),
    );
  }
});
