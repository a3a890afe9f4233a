// The operation tree of /v1/aggregates: the series it reads and the error of a malformed one.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { invalidOperations, metricReferences, type Operation } from './aggregates-operation.js';

void test('references: each series once, in order of appearance, through every kind of node', () => {
  const A = { metric: 'A', aggregation: 'sum' };
  const B = { metric: 'B', aggregation: 'sum' };
  const C = { metric: 'C', aggregation: 'mean' };
  const Amean = { metric: 'A', aggregation: 'mean' };
  const op: Operation = {
    kind: 'binary',
    operator: '+',
    left: { kind: 'aggregate', method: 'sum', operand: { kind: 'metric', refs: [A, B] } },
    right: {
      kind: 'clip',
      operand: { kind: 'rolling', method: 'max', window: 2, operand: { kind: 'metric', refs: [A] } },
      min: { kind: 'constant', value: 0 },
      max: {
        kind: 'resample',
        method: 'mean',
        granularity: 60,
        operand: { kind: 'unary', operator: 'abs', operand: { kind: 'metric', refs: [C, Amean] } },
      },
    },
  };
  assert.deepEqual(metricReferences(op), [A, B, C, Amean]);
  assert.deepEqual(metricReferences({ kind: 'constant', value: 1 }), []);
});

void test("a malformed tree is Gnocchi's Invalid input on operations", () => {
  const error = invalidOperations("'aggregate' operation invalid");
  assert.equal(error.status, 400);
  assert.deepEqual(error.description, {
    cause: 'Invalid input',
    reason: "'aggregate' operation invalid for dictionary value @ data['operations']",
    detail: ['operations'],
  });
});
