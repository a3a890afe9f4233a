// Port of the original's Test/testcomposer.cpp (spec §12.3) and the composer profiles of spec §5.6.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compose, jsonExample, profileTypes } from './composer.js';
import { Computer } from './computer.js';

const GIB = 1024 * 1024 * 1024;
const DEFAULT_CONF =
  'type=raspberry,num-cpu-containers=1,num-cpu-workers=4,num-gpu-containers=1,num-gpu-workers=2';

/** Runs `body` with a fresh computer (no utilization sampling), closed afterwards. */
function withComputer(body: (computer: Computer) => void): void {
  const computer = new Computer('my-computer', 0);
  try {
    body(computer);
  } finally {
    computer.close();
  }
}

/** Runs `body` with a temporary directory, removed afterwards. */
function withTmpDir(body: (dir: string) => void): void {
  const dir = mkdtempSync(join(tmpdir(), 'soe-composer-'));
  try {
    body(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Processors as plain records. */
function processors(computer: Computer): unknown[] {
  return computer.processorList().map((p) => ({
    name: p.name,
    type: p.type,
    speed: p.speed,
    cores: p.cores,
    memory: p.memory,
  }));
}

/** Containers as plain records. */
function containers(computer: Computer): unknown[] {
  return computer.containerList().map((c) => ({
    name: c.name,
    processor: c.processor.name,
    lambda: c.lambda.name,
    workers: c.numWorkers,
  }));
}

type Obj = Record<string, unknown>;

/** The first element of an array member of the example JSON. */
const first = (json: Obj, key: string): Obj => (json[key] as Obj[])[0]!;
/** The example's first processor, container and lambda. */
const proc0 = (json: Obj): Obj => first(json, 'processors');
const cont0 = (json: Obj): Obj => first(json, 'containers');
const lam0 = (json: Obj): Obj => cont0(json)['lambda'] as Obj;

/** Loads the JSON example, modified by `edit`, from a temporary file. */
function composeExample(computer: Computer, edit: (json: Obj) => void): void {
  withTmpDir((dir) => {
    const json = JSON.parse(jsonExample()) as Obj;
    edit(json);
    const path = join(dir, 'a.json');
    writeFileSync(path, JSON.stringify(json));
    compose(computer, `type=file,path=${path}`);
  });
}

void test('TestComposer.test_types', () => {
  assert.deepEqual(profileTypes(), ['file', 'intel-server', 'raspberry']);
});

void test('TestComposer.test_raspberry (default --conf)', () => {
  withComputer((computer) => {
    compose(computer, DEFAULT_CONF);
    assert.deepEqual(processors(computer), [
      { name: 'arm', type: 'GenericCpu', speed: 1e11, cores: 4, memory: 536_870_912 },
      { name: 'bm2837', type: 'GenericGpu', speed: 1e11, cores: 1, memory: 536_870_912 },
    ]);
    assert.deepEqual(containers(computer), [
      { name: 'ccontainer0', processor: 'arm', lambda: 'clambda0', workers: 4 },
      { name: 'gcontainer0', processor: 'bm2837', lambda: 'glambda0', workers: 2 },
    ]);
    // ops = 1e6·L + 4e6 (cpu) or + 1e6 (gpu), mem = 100·L
    assert.deepEqual(computer.container('clambda0').lambda.requirements({ input: 'x'.repeat(10) }), {
      ops: 1.4e7,
      mem: 1000,
    });
    assert.deepEqual(computer.container('glambda0').lambda.requirements({ input: 'x'.repeat(10) }), {
      ops: 1.1e7,
      mem: 1000,
    });
  });
});

void test('raspberry without counts uses the default --conf values', () => {
  withComputer((computer) => {
    compose(computer, 'type=raspberry');
    assert.deepEqual(containers(computer), [
      { name: 'ccontainer0', processor: 'arm', lambda: 'clambda0', workers: 4 },
      { name: 'gcontainer0', processor: 'bm2837', lambda: 'glambda0', workers: 2 },
    ]);
  });
});

void test('raspberry with more containers', () => {
  withComputer((computer) => {
    compose(
      computer,
      'type=raspberry,num-cpu-containers=3,num-cpu-workers=1,num-gpu-containers=2,num-gpu-workers=7',
    );
    assert.deepEqual(containers(computer), [
      { name: 'ccontainer0', processor: 'arm', lambda: 'clambda0', workers: 1 },
      { name: 'ccontainer1', processor: 'arm', lambda: 'clambda1', workers: 1 },
      { name: 'ccontainer2', processor: 'arm', lambda: 'clambda2', workers: 1 },
      { name: 'gcontainer0', processor: 'bm2837', lambda: 'glambda0', workers: 7 },
      { name: 'gcontainer1', processor: 'bm2837', lambda: 'glambda1', workers: 7 },
    ]);
  });
});

void test('TestComposer.test_intelserver', () => {
  withComputer((computer) => {
    compose(computer, 'type=intel-server,num-containers=1,num-workers=4');
    assert.deepEqual(processors(computer), [
      { name: 'xeon', type: 'GenericCpu', speed: 4e9, cores: 20, memory: 128 * GIB },
    ]);
    assert.deepEqual(containers(computer), [
      { name: 'ccontainer0', processor: 'xeon', lambda: 'clambda0', workers: 4 },
    ]);
    assert.deepEqual(computer.container('clambda0').lambda.requirements({ input: 'x'.repeat(100) }), {
      ops: 1.04e8,
      mem: 10_000,
    });
  });
});

void test('TestComposer.test_file: the --json-example text loads', () => {
  withComputer((computer) => {
    withTmpDir((dir) => {
      const path = join(dir, 'a.json');
      writeFileSync(path, jsonExample());
      compose(computer, `type=file,path=${path}`);
    });
    assert.deepEqual(processors(computer), [
      { name: 'arm', type: 'GenericCpu', speed: 4e9, cores: 1, memory: 500e6 },
    ]);
    assert.deepEqual(containers(computer), [
      { name: 'ccontainer0', processor: 'arm', lambda: 'clambda@1', workers: 1 },
    ]);
    const lambda = computer.container('clambda@1').lambda;
    assert.deepEqual(lambda.requirements({ input: 'x'.repeat(100) }), { ops: 1.04e8, mem: 10_000 });
    assert.deepEqual(lambda.output, { type: 'copy-input' });
    // ≈26 ms per 100-byte call at 4e9 ops/s (spec §5.6)
    assert.ok(
      Math.abs(computer.simulate({ name: 'clambda@1', input: 'x'.repeat(100) }).seconds - 0.026) < 1e-12,
    );
  });
});

void test('file: fixed output type', () => {
  withComputer((computer) => {
    composeExample(computer, (json) => {
      lam0(json)['output-type'] = 'fixed';
      lam0(json)['output-value'] = 'robin';
    });
    assert.deepEqual(computer.container('clambda@1').lambda.output, { type: 'fixed', value: 'robin' });
  });
});

void test('file: errors', () => {
  const cases: [string, (json: Obj) => void, string][] = [
    ['missing version', (j) => delete j['version'], 'Missing key: version'],
    ['wrong version', (j) => (j['version'] = '2.0'), 'Invalid version found: 2.0'],
    ['missing processors', (j) => delete j['processors'], 'Missing key: processors'],
    // docs/raspberry.json lacks the cores (quirk Q9)
    ['missing cores', (j) => delete proc0(j)['cores'], 'Missing key: cores'],
    ['missing containers', (j) => delete j['containers'], 'Missing key: containers'],
    ['missing num-workers', (j) => delete cont0(j)['num-workers'], 'Missing key: num-workers'],
    ['missing lambda', (j) => delete cont0(j)['lambda'], 'Missing key: lambda'],
    ['missing output-type', (j) => delete lam0(j)['output-type'], 'Missing key: output-type'],
    ['missing output-value', (j) => (lam0(j)['output-type'] = 'fixed'), 'Missing key: output-value'],
    [
      // all keys are checked before the values, in sorted order, as the original
      'missing key before a bad value',
      (j) => {
        lam0(j)['requirements'] = 'fixed';
        delete lam0(j)['op-offset'];
        delete lam0(j)['op-coeff'];
      },
      'Missing key: op-coeff',
    ],
    [
      'unsupported requirements',
      (j) => (lam0(j)['requirements'] = 'fixed'),
      'Unsupported requirements in lambda: fixed',
    ],
    [
      'unsupported output-type',
      (j) => (lam0(j)['output-type'] = 'random'),
      'Unsupported output-type in lambda: random',
    ],
    [
      'unknown processor',
      (j) => (cont0(j)['processor'] = 'gpu'),
      'No processor gpu found in computer my-computer',
    ],
  ];
  for (const [what, edit, message] of cases) {
    withComputer((computer) => {
      assert.throws(() => composeExample(computer, edit), { message }, what);
    });
  }
});

void test('file: unreadable file and bad JSON', () => {
  withTmpDir((dir) => {
    const missing = join(dir, 'missing.json');
    withComputer((computer) => {
      assert.throws(() => compose(computer, `type=file,path=${missing}`), {
        message: `Could not open configuration file: ${missing}`,
      });
    });
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{ "version": "1.0", ');
    withComputer((computer) => {
      assert.throws(
        () => compose(computer, `type=file,path=${bad}`),
        (err: Error) => err.message.startsWith(`Invalid JSON in configuration file ${bad}: `),
      );
    });
  });
  withComputer((computer) => {
    assert.throws(() => compose(computer, 'type=file'), { message: 'No value found for key: path' });
  });
});

void test('unknown type', () => {
  withComputer((computer) => {
    assert.throws(() => compose(computer, 'type=foo'), {
      message: 'Invalid type: foo, possible values: file, intel-server, raspberry',
    });
    assert.throws(() => compose(computer, 'num-workers=1'), { message: 'No value found for key: type' });
  });
});
