import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { arrivalRate, capacity, loadExperiment, meanOps, parseExperiment } from './experiment.js';

const MINIMAL = `
name: x
lambda: { op-coeff: 1.0e+6 }
computers:
  - { count: 2, speed: 1.0e+9, cores: 2 }
  - { speed: 2.0e+9 }
workload:
  sizes: { min: 10, max: 30 }
  loads: [0.5]
  duration: 10
policies:
  - { name: r, router: { table-conf: type=random } }
  - { name: d, dispatcher: { ptimeest-conf: 'type=led,window-size=5,in-flight-timeout=3' } }
`;

test('lambda.js: a real function for the live engine', () => {
  const text = MINIMAL.replace(
    'lambda: { op-coeff: 1.0e+6 }',
    "lambda: { name: busy, op-coeff: 1.0e+6, js: 'function main(p) { return p; }' }",
  );
  assert.deepEqual(parseExperiment(text, 'x.yaml').functions, [
    {
      name: 'busy',
      opCoeff: 1e6,
      opOffset: 0,
      js: 'function main(p) { return p; }',
    },
  ]);
});

test('a minimal experiment gets the documented defaults', () => {
  const e = parseExperiment(MINIMAL, 'x.yaml');
  assert.equal(e.seed, 1);
  assert.equal(e.networkDelay, 0.0005);
  assert.deepEqual(e.functions, [{ name: 'clambda0', opCoeff: 1e6, opOffset: 0 }]);
  assert.deepEqual(e.application, {
    kind: 'function',
    mode: 'client-driven',
    nodes: ['clambda0'],
    successors: [[]],
  });
  assert.deepEqual(e.computers, [
    { count: 2, speed: 1e9, cores: 2, workers: 1000 },
    { count: 1, speed: 2e9, cores: 1, workers: 1000 },
  ]);
  assert.equal(e.secondTier, 0);
  assert.equal(e.routerConf, 'max-pending-clients=0,min-forward-time=0,max-forward-time=0');
  assert.equal(e.workload.arrivals, 'poisson');
  assert.equal(e.workload.warmUp, 0);
  assert.deepEqual(e.policies[0]!.broker, {
    kind: 'router',
    tableConf: 'type=random',
    optimizerConf: 'type=trivial,period=1,stat=mean',
  });
  assert.deepEqual(e.metrics, ['mean', 'p99']);
  assert.equal(capacity(e), 6e9);
  assert.equal(meanOps(e), 2e7);
  assert.equal(arrivalRate(e, 0.5), 150);
});

test('every error names the file and the field', () => {
  const cases: [string, string, string][] = [
    [
      'loads: [0.5]',
      'loads: [0.5, 1.5]',
      'x.yaml: workload.loads[1]: expected a fraction of the capacity in (0, 1), found 1.5',
    ],
    [
      '{ speed: 2.0e+9 }',
      '{ speed: -1 }',
      'x.yaml: computers[1].speed: expected a positive number of operations/s, found -1',
    ],
    [
      '{ speed: 2.0e+9 }',
      '{ speed: 2.0e+9, ram: 3 }',
      'x.yaml: computers[1].ram: unknown field (valid: count, speed, cores, workers)',
    ],
    ['cores: 2 }', 'cores: 1.5 }', 'x.yaml: computers[0].cores: expected a positive integer, found 1.5'],
    [
      'name: x\n',
      'name: x\nsecond-tier: 4\n',
      'x.yaml: second-tier: expected a number of second-tier brokers in [0, 3] (the computers), found 4',
    ],
    [
      'duration: 10',
      'duration: 10\n  warm-up: 10',
      'x.yaml: workload.warm-up: expected seconds in [0, duration), found 10',
    ],
    [
      'sizes: { min: 10, max: 30 }',
      'sizes: { min: 10, max: 3 }',
      'x.yaml: workload.sizes.max: expected an integer >= min (10), found 3',
    ],
    [
      '  sizes:',
      '  arrivals: bursty\n  sizes:',
      "x.yaml: workload.arrivals: expected one of poisson, uniform, on-off, trace, found 'bursty'",
    ],
    ['  sizes:', '  arrivals: on-off\n  on: 2\n  sizes:', 'x.yaml: workload.off: missing'],
    [
      'name: r,',
      'name: oracle,',
      "x.yaml: policies[0].name: 'oracle' is reserved: the oracles are always run",
    ],
    [
      'name: r,',
      'name: oracle-marginal,',
      "x.yaml: policies[0].name: 'oracle-marginal' is reserved: the oracles are always run",
    ],
    ['name: d,', 'name: r,', "x.yaml: policies[1].name: duplicate policy name 'r'"],
    [
      '{ name: r, router: { table-conf: type=random } }',
      '{ name: r }',
      'x.yaml: policies[0].router: give exactly one of router or dispatcher',
    ],
    [
      'name: x\n',
      'name: x\nmetrics: [mean, p42]\n',
      'x.yaml: metrics[1]: expected one of mean, p50, p90, p95, p99, p999, max, found "p42"',
    ],
    [
      'name: x\n',
      'name: x\nseeds: 3\n',
      'x.yaml: seeds: unknown field (valid: name, description, seed, network-delay, lambda, application, computers, second-tier, router-conf, workload, policies, metrics)',
    ],
    ['  duration: 10\n', '', 'x.yaml: workload.duration: missing'],
    [
      'lambda: { op-coeff: 1.0e+6 }',
      "lambda: { name: 'a b', op-coeff: 1.0e+6, js: 'function main() {}' }",
      'x.yaml: lambda.name: with js, a function name (letters, digits, _ and -, at most 200)',
    ],
  ];
  for (const [from, to, message] of cases) {
    const text = MINIMAL.replace(from, to);
    assert.notEqual(text, MINIMAL, from);
    assert.throws(() => parseExperiment(text, 'x.yaml'), { name: 'ExperimentError', message });
  }
  assert.throws(() => parseExperiment('[1, 2]', 'x.yaml'), {
    message: 'x.yaml: expected a mapping at the top level',
  });
  assert.throws(() => parseExperiment('a: [', 'x.yaml'), { message: /^x\.yaml: invalid YAML: / });
});

test('the shipped scenarios are valid and compare every original policy, led and shortest-expected-delay', () => {
  const dir = new URL('../../../lab/', import.meta.url);
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  assert.deepEqual(files, [
    'chain-hop.yaml',
    'chain.yaml',
    'dag.yaml',
    'heterogeneous.yaml',
    'homogeneous.yaml',
    'scale-100.yaml',
    'two-tier.yaml',
  ]);
  const scale = loadExperiment(new URL('scale-100.yaml', dir).pathname);
  assert.deepEqual(
    scale.policies.map((p) => p.name),
    ['random', 'led', 'shortest-expected-delay'],
  );
  assert.equal(scale.workload.duration, 600);
  for (const f of files.filter((name) => name !== 'scale-100.yaml')) {
    const e = loadExperiment(new URL(f, dir).pathname);
    assert.deepEqual(
      e.policies.map((p) => p.name),
      [
        'random',
        'least-impedance',
        'round-robin',
        'proportional-fairness',
        'rtt',
        'util',
        'delay',
        'probe',
        'led',
        'shortest-expected-delay',
      ],
    );
    assert.deepEqual(e.workload.loads, [0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
  }
  const chain = loadExperiment(new URL('chain.yaml', dir).pathname);
  assert.deepEqual(chain.application, {
    kind: 'chain',
    mode: 'client-driven',
    nodes: ['f0', 'f1', 'f2'],
    successors: [[1], [2], []],
  });
  const dag = loadExperiment(new URL('dag.yaml', dir).pathname);
  assert.deepEqual(dag.application, {
    kind: 'dag',
    mode: 'client-driven',
    nodes: ['f0', 'f1', 'f2', 'f3'],
    successors: [[1, 2], [3], [3], []],
  });
  // chain-hop.yaml is chain.yaml hop by hop at a 5 ms network delay.
  const hop = loadExperiment(new URL('chain-hop.yaml', dir).pathname);
  assert.deepEqual(hop.application, { ...chain.application, mode: 'hop-by-hop' });
  assert.equal(hop.networkDelay, 0.005);
  assert.deepEqual(
    { ...hop, name: '', application: null, networkDelay: 0 },
    {
      ...chain,
      name: '',
      application: null,
      networkDelay: 0,
    },
  );
});
