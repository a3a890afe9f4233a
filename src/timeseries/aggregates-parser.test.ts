// The string form of /v1/aggregates operations: pyparsing's nested expressions and its error text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSExpression } from './aggregates-parser.js';
import type { ErrorDescription } from './errors.js';
import { assertTimeseriesError } from './timeseries-error.test-support.js';

const fails = assertTimeseriesError;

void test('groups nest, words stay strings, quotes are removed', () => {
  assert.deepEqual(parseSExpression('(aggregate sum (metric (A sum) (B mean)))'), [
    'aggregate',
    'sum',
    ['metric', ['A', 'sum'], ['B', 'mean']],
  ]);
  assert.deepEqual(parseSExpression("  (* 2 (metric \"my metric\" 'it\\'s'))"), [
    '*',
    '2',
    ['metric', 'my metric', "it's"],
  ]);
  assert.deepEqual(parseSExpression('(a)(b)'), ['a']);
  assert.deepEqual(parseSExpression('(\n≥\t(abs x)\n2.5)'), ['≥', ['abs', 'x'], '2.5']);
  assert.deepEqual(parseSExpression('()'), []);
});

void test('unparsable strings: Invalid operations with pyparsing text', () => {
  const parseError = (detail: string): ErrorDescription => ({
    cause: 'Invalid operations',
    reason: 'Fail to parse the operations string',
    detail,
  });
  fails(
    () => parseSExpression('(aggregate sum (metric'),
    400,
    parseError("Expected ')', found '('  (at char 15), (line:1, col:16)"),
  );
  fails(
    () => parseSExpression('(metric A mean'),
    400,
    parseError("Expected ')', found end of text  (at char 14), (line:1, col:15)"),
  );
  fails(
    () => parseSExpression('metric A mean'),
    400,
    parseError("Expected nested () expression, found 'metric'  (at char 0), (line:1, col:1)"),
  );
  fails(
    () => parseSExpression(''),
    400,
    parseError('Expected nested () expression  (at char 0), (line:1, col:1)'),
  );
});

void test('a failure deep inside is reported at the outermost nested group, as pyparsing does', () => {
  fails(() => parseSExpression('(a (b (c (d'), 400, {
    cause: 'Invalid operations',
    reason: 'Fail to parse the operations string',
    detail: "Expected ')', found '('  (at char 3), (line:1, col:4)",
  });
});

void test('nesting is bounded: 100 groups parse, 101 or a megabyte of ( are a 400, not a stack overflow', () => {
  let expected: unknown = [];
  for (let i = 1; i < 100; i++) expected = [expected];
  assert.deepEqual(parseSExpression(`${'('.repeat(100)}${')'.repeat(100)}`), expected);
  const tooDeep = {
    cause: 'Invalid operations',
    reason: 'Fail to parse the operations string',
    detail: 'More than 100 nested groups  (at char 100)',
  };
  fails(() => parseSExpression(`${'('.repeat(101)}${')'.repeat(101)}`), 400, tooDeep);
  fails(() => parseSExpression('('.repeat(1 << 20)), 400, tooDeep);
});
