import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Chain } from './chain.js';
import { lambdaRequest } from './requests.js';

const example = (): Chain =>
  new Chain(['f1', 'f2', 'f1'], { s0: ['f1'], s1: ['f1', 'f2'], s2: ['f2'], s3: [] });

test('a chain is named by its functions joined by -, repetitions kept', () => {
  assert.equal(example().name(), 'f1-f2-f1');
  assert.equal(example().entryFunctionName(), 'f1');
  assert.equal(new Chain(['f0'], {}).name(), 'f0');
});

test('a state depending on a function not in the chain is refused with the original message', () => {
  assert.throws(
    () => new Chain(['f1', 'f2'], { s0: ['f1'], s1: ['f3'] }),
    new Error("could not find the following function that state 's1' depends on: f3"),
  );
  assert.throws(() => new Chain([], {}), new Error('Invalid empty chain'));
  assert.throws(
    () => new Chain(new Array<string>(1025).fill('f'), {}),
    new Error('Too many functions in a chain: 1025 > 1024'),
  );
});

test('states of a function and the single-function chain the client-driven mode sends', () => {
  const c = example();
  assert.deepEqual(c.statesOf('f1'), ['s0', 's1']);
  assert.deepEqual(c.statesOf('f2'), ['s1', 's2']);
  const single = c.singleFunctionChain('f2');
  assert.deepEqual(single.functions, ['f2']);
  assert.deepEqual(single.dependencies, { s1: ['f2'], s2: ['f2'] });
});

test('a chain round-trips through the request fields and its JSON', () => {
  const c = example();
  const fields = c.toRequestFields();
  assert.deepEqual(fields.chain, ['f1', 'f2', 'f1']);
  assert.deepEqual(fields.dependencies.s1, { functions: ['f1', 'f2'] });
  assert.deepEqual(fields.dependencies.s3, { functions: [] });
  const back = Chain.fromRequest(lambdaRequest(fields));
  assert.deepEqual(back.functions, c.functions);
  assert.deepEqual(back.dependencies, c.dependencies);
  const json = Chain.fromJson(c.toJson());
  assert.deepEqual(json.dependencies, c.dependencies);
  assert.match(c.toJson(), /"s3": null/);
});

test('bad chain JSON is refused naming what is wrong', () => {
  assert.throws(() => Chain.fromJson('{'), /^Error: Invalid JSON content for a chain: /);
  assert.throws(() => Chain.fromJson('[]'), new Error('Invalid JSON content for a chain: not an object'));
  assert.throws(
    () => Chain.fromJson('{"functions": "f1"}'),
    new Error("Invalid JSON content for a chain: 'functions' is not an array of function names"),
  );
  assert.throws(
    () => Chain.fromJson('{"functions": ["f1"], "dependencies": {"s0": 3}}'),
    new Error(
      "Invalid JSON content for a chain: dependencies of state 's0' are not an array of function names or null",
    ),
  );
  const proto = Chain.fromJson('{"functions": ["f1"], "dependencies": {"__proto__": ["f1"]}}');
  assert.deepEqual(proto.statesOf('f1'), ['__proto__']);
});
