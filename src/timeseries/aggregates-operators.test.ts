// The operators of /v1/aggregates: what each name computes, and unknown names (prototype keys included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binaryOperators, OPERATION_AGGREGATES, unaryOperators } from './aggregates-operators.js';
import { TimeseriesError } from './errors.js';

function unknownOperation(name: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof TimeseriesError, String(e));
    assert.equal(e.status, 400);
    assert.deepEqual(e.description, {
      cause: 'Invalid input',
      reason: `'${name}' operation invalid for dictionary value @ data['operations']`,
      detail: ['operations'],
    });
    return true;
  };
}

void test('every spelling of a binary operator computes the same thing', () => {
  const apply = (name: string, a: number, b: number): number => binaryOperators.get(name)(a, b);
  for (const name of ['+', 'add']) assert.equal(apply(name, 2, 3), 5);
  for (const name of ['-', 'sub']) assert.equal(apply(name, 2, 3), -1);
  for (const name of ['*', '×', 'mul']) assert.equal(apply(name, 2, 3), 6);
  for (const name of ['/', '÷', 'div']) assert.equal(apply(name, 3, 2), 1.5);
  for (const name of ['**', '^', 'pow']) assert.equal(apply(name, 2, 3), 8);
  for (const name of ['=', '==', 'eq']) assert.deepEqual([apply(name, 2, 2), apply(name, 2, 3)], [1, 0]);
  for (const name of ['!=', '≠', 'ne']) assert.deepEqual([apply(name, 2, 2), apply(name, 2, 3)], [0, 1]);
  for (const name of ['<', 'lt']) assert.deepEqual([apply(name, 2, 3), apply(name, 3, 3)], [1, 0]);
  for (const name of ['<=', '≤', 'le']) assert.deepEqual([apply(name, 3, 3), apply(name, 4, 3)], [1, 0]);
  for (const name of ['>', 'gt']) assert.deepEqual([apply(name, 3, 2), apply(name, 3, 3)], [1, 0]);
  for (const name of ['>=', '≥', 'ge']) assert.deepEqual([apply(name, 3, 3), apply(name, 2, 3)], [1, 0]);
});

void test("mod follows Python's sign rule; clip keeps NaN", () => {
  const mod = binaryOperators.get('mod');
  assert.deepEqual(
    [mod(7, 3), mod(-7, 3), mod(7, -3), mod(-6, 3), mod(6, -3), mod(1, 0)],
    [1, 2, -2, 0, -0, NaN],
  );
  assert.equal(binaryOperators.get('%'), mod);
  assert.deepEqual(
    [binaryOperators.get('clip_min')(-1, 0), binaryOperators.get('clip_min')(NaN, 0)],
    [0, NaN],
  );
  assert.deepEqual(
    [binaryOperators.get('clip_max')(9, 5), binaryOperators.get('clip_max')(NaN, 5)],
    [5, NaN],
  );
});

void test('unary operators: point by point, or rates of change', () => {
  const pointwise = (name: string, a: number): number => {
    const operator = unaryOperators.get(name);
    assert.equal(operator.kind, 'pointwise');
    return operator.kind === 'pointwise' ? operator.apply(a) : NaN;
  };
  assert.deepEqual([pointwise('abs', -2), pointwise('absolute', -2)], [2, 2]);
  assert.deepEqual([pointwise('neg', 2), pointwise('negative', -2)], [-2, 2]);
  assert.deepEqual([pointwise('floor', 1.5), pointwise('ceil', 1.5), pointwise('cos', 0)], [1, 2, 1]);
  assert.deepEqual([pointwise('sin', 0), pointwise('tan', 0)], [0, 0]);
  assert.deepEqual(unaryOperators.get('rateofchange'), { kind: 'rate-of-change', perSecond: false });
  assert.deepEqual(unaryOperators.get('rateofchangesec'), { kind: 'rate-of-change', perSecond: true });
});

void test("Object.prototype's keys are unknown operators, with Gnocchi's error for an unknown operation", () => {
  for (const name of ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'nope']) {
    assert.equal(binaryOperators.has(name), false);
    assert.equal(unaryOperators.has(name), false);
    assert.throws(() => binaryOperators.get(name), unknownOperation(name));
    assert.throws(() => unaryOperators.get(name), unknownOperation(name));
    assert.equal(OPERATION_AGGREGATES.includes(name), false);
  }
});

void test('aggregate and rolling methods: the numpy reductions and their rate: forms', () => {
  assert.deepEqual(OPERATION_AGGREGATES, [
    'mean',
    'median',
    'std',
    'min',
    'max',
    'sum',
    'var',
    'count',
    'rate:mean',
    'rate:median',
    'rate:std',
    'rate:min',
    'rate:max',
    'rate:sum',
    'rate:var',
    'rate:count',
  ]);
});
