import assert from 'node:assert/strict';
import { test } from 'node:test';
import { arrivalRate, meanOps, parseExperiment } from './experiment.js';

/** An experiment whose `lambda:` line is replaced by APPLICATION. */
const BASE = `
name: x
lambda: { op-coeff: 1.0e+6 }
computers:
  - { count: 2, speed: 1.0e+9 }
workload:
  sizes: { min: 10, max: 30 }
  loads: [0.5]
  duration: 10
policies:
  - { name: r, router: { table-conf: type=random } }
`;

const FUNCTIONS = `application:
  functions:
    - { name: f0, op-coeff: 1.0e+6 }
    - { name: f1, op-coeff: 2.0e+6, op-offset: 1.0e+6 }
    - { name: f2, op-coeff: 3.0e+6 }
`;

function withApplication(structure: string, functions = FUNCTIONS): string {
  return BASE.replace('lambda: { op-coeff: 1.0e+6 }\n', functions + structure);
}

test('a chain: its functions, its nodes in order, each the successor of the one before', () => {
  const e = parseExperiment(withApplication('  chain: [f1, f2, f1]\n'), 'x.yaml');
  assert.deepEqual(e.functions, [
    { name: 'f0', opCoeff: 1e6, opOffset: 0 },
    { name: 'f1', opCoeff: 2e6, opOffset: 1e6 },
    { name: 'f2', opCoeff: 3e6, opOffset: 0 },
  ]);
  assert.deepEqual(e.application, {
    kind: 'chain',
    mode: 'client-driven',
    nodes: ['f1', 'f2', 'f1'],
    successors: [[1], [2], []],
  });
  // A request runs every node with its size (mean 20 bytes): 2·(1e6 + 40e6) + 60e6 operations.
  assert.equal(meanOps(e), 142e6);
  assert.equal(arrivalRate(e, 0.5), (0.5 * 2e9) / 142e6);
});

test("a DAG: the original's successors (none listed for the sink) or one list per node", () => {
  const original = parseExperiment(
    withApplication('  dag:\n    nodes: [f0, f1, f2, f2]\n    successors: [[1, 2], [3], [3]]\n'),
    'x.yaml',
  );
  const perNode = parseExperiment(
    withApplication('  dag: { nodes: [f0, f1, f2, f2], successors: [[1, 2], [3], [3], []] }\n'),
    'x.yaml',
  );
  const expected = {
    kind: 'dag',
    mode: 'client-driven',
    nodes: ['f0', 'f1', 'f2', 'f2'],
    successors: [[1, 2], [3], [3], []],
  };
  assert.deepEqual(original.application, expected);
  assert.deepEqual(perNode.application, expected);
  assert.equal(meanOps(original), 20e6 + 41e6 + 2 * 60e6);
});

test('application errors name the file and the field', () => {
  const cases: [string, string][] = [
    [
      BASE.replace('lambda: { op-coeff: 1.0e+6 }\n', ''),
      'x.yaml: lambda: give exactly one of lambda (a single function) or application (a chain or DAG)',
    ],
    [
      BASE.replace('lambda:', `${FUNCTIONS}  chain: [f0]\nlambda:`),
      'x.yaml: lambda: give exactly one of lambda (a single function) or application (a chain or DAG)',
    ],
    [withApplication(''), 'x.yaml: application.chain: give exactly one of chain or dag'],
    [
      withApplication('  chain: [f0]\n  dag: { nodes: [f0], successors: [[]] }\n'),
      'x.yaml: application.chain: give exactly one of chain or dag',
    ],
    [withApplication('  chain: []\n'), 'x.yaml: application.chain: expected a non-empty list'],
    [
      withApplication('  chain: [f0, g, f1]\n'),
      'x.yaml: application.chain[1]: expected a function of application.functions (f0, f1, f2), found "g"',
    ],
    [
      withApplication('  chain: [f0]\n', FUNCTIONS.replace('name: f2', 'name: f0')),
      "x.yaml: application.functions[2].name: duplicate function name 'f0'",
    ],
    [
      withApplication('  chain: [f0]\n', FUNCTIONS.replace('name: f2', "name: 'f 2'")),
      "x.yaml: application.functions[2].name: expected a function name (letters, digits, _ and -, at most 200), found 'f 2'",
    ],
    [
      withApplication('  chain: [f0]\n', FUNCTIONS.replace('op-offset: 1.0e+6', 'js: x')),
      'x.yaml: application.functions[1].js: unknown field (valid: name, op-coeff, op-offset)',
    ],
    [
      withApplication('  chain: [f0]\n', FUNCTIONS.replace('op-coeff: 1.0e+6 }', 'op-coeff: -1 }')),
      'x.yaml: application.functions[0].op-coeff: expected operations per input byte (>= 0), found -1',
    ],
    [
      withApplication('  chain: [f0]\n', FUNCTIONS.replace('op-coeff: 1.0e+6 }', 'op-coeff: 0 }')),
      'x.yaml: application.functions: the mean request needs no operations: give op-coeff or op-offset',
    ],
    [
      withApplication(`  chain: [${Array(1025).fill('f0').join(', ')}]\n`),
      'x.yaml: application.chain: Too many nodes in a DAG: 1025 > 1024',
    ],
    [
      withApplication('  dag: { nodes: [f0, h], successors: [[1]] }\n'),
      'x.yaml: application.dag.nodes[1]: expected a function of application.functions (f0, f1, f2), found "h"',
    ],
    [
      withApplication('  dag: { nodes: [f0, f1, f2], successors: [[1, 2], 2] }\n'),
      'x.yaml: application.dag.successors[1]: expected a list of node indices, found 2',
    ],
    [
      withApplication('  dag: { nodes: [f0, f1, f2, f2], successors: [[1, 2], [2]] }\n'),
      'x.yaml: application.dag.successors: Invalid size of successors and function names: 2 vs 3',
    ],
    [
      withApplication('  dag: { nodes: [f0, f1, f2, f2], successors: [[1, 2], [3], [4]] }\n'),
      'x.yaml: application.dag.successors: Invalid successor graph',
    ],
    [
      withApplication('  dag: { nodes: [f0, f1, f2, f2], successors: [[1, 2], [], [3]] }\n'),
      'x.yaml: application.dag.successors: Invalid successor graph: node 1 has no successors',
    ],
    [
      withApplication('  dag: { nodes: [f0, f1, f2, f2], successors: [[1], [2, 3], [1]] }\n'),
      'x.yaml: application.dag.successors: Invalid successor graph: cycle through node 1',
    ],
    [
      withApplication('  dag: { nodes: [f0, f1, f2], successors: [[2], [2]] }\n'),
      'x.yaml: application.dag.successors: Invalid successor graph: node 1 is not reachable from node 0',
    ],
    [
      withApplication('  dag: { nodes: [f0, f1], successors: [[1], [1]] }\n'),
      'x.yaml: application.dag.successors: Invalid size of successors and function names: 2 vs 1',
    ],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseExperiment(text, 'x.yaml'), { name: 'ExperimentError', message }, message);
  }
});
