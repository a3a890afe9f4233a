// Port of the original's Test/testlambda.cpp (spec §12.3) plus the §5.2 worked example.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FixedRequirements, Lambda, ProportionalRequirements } from './lambda.js';

const loads = { load1: 0.2, load10: 0.5, load30: 0.1 };

void test('TestLambda.test_ctor', () => {
  assert.doesNotThrow(() => new Lambda('lambda1', new FixedRequirements(0, 0)));
  assert.throws(() => new Lambda('', new FixedRequirements(0, 0)));
});

void test('TestLambda.test_proportional', () => {
  // opCoeff 1, opOffset -100, memCoeff 2, memOffset -200
  const lambda = new Lambda('lambda1', new ProportionalRequirements(1, -100, 2, -200));
  assert.deepEqual(lambda.requirements({ input: 'x'.repeat(1000) }), { ops: 900, mem: 1800 });
  // negative values are clamped at 0
  assert.deepEqual(lambda.requirements({ input: 'x'.repeat(100) }), { ops: 0, mem: 0 });
});

void test('TestLambda.test_fixed', () => {
  const lambda = new Lambda('lambda1', new FixedRequirements(1, 2));
  assert.deepEqual(lambda.requirements({ input: 'x'.repeat(1000) }), { ops: 1, mem: 2 });
});

void test('TestLambda.test_exec_copy_input', () => {
  const lambda = new Lambda('lambda1', new FixedRequirements(1, 2));
  const states = { s1: { name: 's1', location: '', content: Buffer.from('abc') } };
  const res = lambda.execute({ input: 'batman', states }, loads);
  assert.equal(res.load1, 20);
  assert.equal(res.load10, 50);
  assert.equal(res.load30, 10);
  assert.equal(res.output, 'batman');
  assert.equal(res.retcode, 'OK');
  assert.deepEqual(res.states, states); // states are copied from the request
});

void test('TestLambda.test_exec_fixed_output', () => {
  const lambda = new Lambda('lambda1', new FixedRequirements(1, 2), { type: 'fixed', value: 'robin' });
  const res = lambda.execute({ input: 'batman', states: {} }, loads);
  assert.equal(res.load1, 20);
  assert.equal(res.load10, 50);
  assert.equal(res.load30, 10);
  assert.equal(res.output, 'robin');
  assert.equal(res.retcode, 'OK');
});

void test('requirements use the input length in bytes (datain ignored)', () => {
  const lambda = new Lambda('l', new ProportionalRequirements(1, 0, 1, 0));
  assert.deepEqual(lambda.requirements({ input: 'é€' }), { ops: 5, mem: 5 });
});

void test('proportional requirements round half up (float32 coefficients, double sum)', () => {
  assert.deepEqual(new ProportionalRequirements(0.5, 0, 1.5, 0).requirements(3), { ops: 2, mem: 5 });
  // the sum is not rounded to float32: 1e6·1e4 + 4e6 is exact in double (not in float32)
  assert.deepEqual(new ProportionalRequirements(1e6, 4e6, 100, 0).requirements(1e4), {
    ops: 10_004_000_000,
    mem: 1e6,
  });
});

void test('§5.2 worked example: clambda0 with a 100-byte input', () => {
  const clambda0 = new Lambda('clambda0', new ProportionalRequirements(1e6, 4e6, 100, 0));
  assert.deepEqual(clambda0.requirements({ input: 'x'.repeat(100) }), { ops: 1.04e8, mem: 10_000 });
});
