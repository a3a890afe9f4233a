import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Dag } from './dag.js';
import { lambdaRequest } from './requests.js';

const example = (): Dag =>
  new Dag([[1, 2], [3], [3]], ['f0', 'f1', 'f2', 'f2'], { s0: ['f0'], s1: ['f0', 'f1'], s2: ['f2'], s3: [] });

test('a DAG is named by its functions joined by -; predecessors and successors', () => {
  const d = example();
  assert.equal(d.name(), 'f0-f1-f2-f2');
  assert.equal(d.entryFunctionName(), 'f0');
  assert.equal(d.numFunctions(), 4);
  assert.deepEqual(d.successorsOf(0), [1, 2]);
  assert.deepEqual(d.successorsOf(3), []);
  assert.deepEqual(d.predecessorsOf(3), [1, 2]);
  assert.deepEqual(d.predecessorsOf(0), []);
});

test('callable(completed): the nodes not completed whose ancestors all are', () => {
  const d = example();
  assert.deepEqual(d.callable(new Set()), [0]);
  assert.deepEqual(d.callable(new Set([0])), [1, 2]);
  assert.deepEqual(d.callable(new Set([0, 1])), [2]);
  assert.deepEqual(d.callable(new Set([0, 1, 2])), [3]);
  assert.deepEqual(d.callable(new Set([0, 1, 2, 3])), []);
  // every ancestor, not only the predecessors: 0 -> 1 -> 2 with only 1 completed
  const line = new Dag([[1], [2]], ['a', 'b', 'c'], {});
  assert.deepEqual(line.callable(new Set([1])), [0]);
});

test('the original validation messages', () => {
  assert.throws(
    () => new Dag([[1, 2], [3]], ['f0', 'f1', 'f2', 'f3'], {}),
    new Error('Invalid successor graph'),
  );
  assert.throws(() => new Dag([[0]], ['f0', 'f1'], {}), new Error('Invalid successor graph'));
  assert.throws(
    () => new Dag([[1], [2]], ['f0', 'f1', 'f2', 'f3'], {}),
    new Error('Invalid size of successors and function names: 2 vs 3'),
  );
  assert.throws(
    () => new Dag([[1]], ['f0', 'f1'], { s: ['f9'] }),
    new Error("could not find the following function that state 's' depends on: f9"),
  );
});

test('cycles, unreachable nodes, dead ends and repeated successors are refused (the original let them through)', () => {
  assert.throws(
    () => new Dag([[1], [2], [1]], ['a', 'b', 'c', 'd'], {}),
    new Error('Invalid successor graph: cycle through node 1'),
  );
  assert.throws(
    () => new Dag([[2], [2]], ['a', 'b', 'c'], {}),
    new Error('Invalid successor graph: node 1 is not reachable from node 0'),
  );
  assert.throws(
    () => new Dag([[1, 2], [], [3]], ['a', 'b', 'c', 'd'], {}),
    new Error('Invalid successor graph: node 1 has no successors'),
  );
  assert.throws(
    () => new Dag([[1, 1]], ['a', 'b'], {}),
    new Error('Invalid successor graph: node 0 lists successor 1 twice'),
  );
  assert.throws(() => new Dag([], [], {}), new Error('Invalid empty DAG'));
});

test('a DAG round-trips through the request fields and its JSON; single-function DAGs', () => {
  const d = example();
  const fields = d.toRequestFields();
  assert.deepEqual(fields.dag, {
    successors: [{ functions: [1, 2] }, { functions: [3] }, { functions: [3] }],
    names: ['f0', 'f1', 'f2', 'f2'],
  });
  const back = Dag.fromRequest(lambdaRequest(fields));
  assert.deepEqual(back.successors, d.successors);
  assert.deepEqual(back.dependencies, d.dependencies);
  assert.deepEqual(Dag.fromJson(d.toJson()).functionNames, d.functionNames);
  const single = d.singleFunctionDag('f0');
  assert.deepEqual(single.toRequestFields().dag, { successors: [], names: ['f0'] });
  assert.deepEqual(single.dependencies, { s0: ['f0'], s1: ['f0'] });
});

test('bad DAG JSON is refused with the original messages or naming what is wrong', () => {
  assert.throws(() => Dag.fromJson('{"functionNames": []}'), new Error('Invalid JSON content for a DAG'));
  assert.throws(
    () => Dag.fromJson('{"successors": [], "functionNames": ["f"]}'),
    new Error('Invalid JSON content for state dependencies'),
  );
  assert.throws(
    () => Dag.fromJson('{"successors": [["1"]], "functionNames": ["a", "b"], "dependencies": {}}'),
    new Error("Invalid JSON content for a DAG: 'successors' is not an array of arrays of node indices"),
  );
});
