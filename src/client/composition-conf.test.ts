import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  CHAIN_TEMPLATE,
  compositionFromConf,
  compositionFromText,
  DAG_TEMPLATE,
} from './composition-conf.js';

test('make-template writes the original chain-example.json and dag-example.json in the current directory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-chains-'));
  const cwd = process.cwd();
  try {
    process.chdir(dir);
    assert.equal(compositionFromConf('chain', 'type=make-template'), undefined);
    assert.equal(compositionFromConf('dag', 'type=make-template'), undefined);
    assert.equal(readFileSync('chain-example.json', 'utf8'), CHAIN_TEMPLATE);
    assert.equal(readFileSync('dag-example.json', 'utf8'), DAG_TEMPLATE);
    const chain = compositionFromConf('chain', 'type=file,filename=chain-example.json');
    assert.equal(chain?.kind, 'chain');
    assert.equal(chain.kind === 'chain' && chain.chain.name(), 'f1-f2-f1');
    assert.deepEqual(
      [...chain.stateSizes],
      [
        ['s0', 10000],
        ['s1', 20000],
        ['s2', 30000],
        ['s3', 40000],
      ],
    );
    const dag = compositionFromConf('dag', 'type=file,filename=dag-example.json');
    assert.equal(dag?.kind === 'dag' && dag.dag.name(), 'f0-f1-f2-f2');
  } finally {
    process.chdir(cwd);
    rmSync(dir, { recursive: true });
  }
});

test('conf errors are the original messages', () => {
  assert.throws(
    () => compositionFromConf('chain', 'filename=x'),
    new Error("No 'type' field found in chain configuration"),
  );
  assert.throws(
    () => compositionFromConf('dag', 'type=file'),
    new Error("No 'filename' field found in dag configuration"),
  );
  assert.throws(
    () => compositionFromConf('dag', 'type=foo'),
    new Error("Invalid 'type' field found in dag configuration"),
  );
  const dir = mkdtempSync(join(tmpdir(), 'soe-chains-'));
  try {
    const f = join(dir, 'c.json');
    writeFileSync(f, '{"functions": ["f1"], "dependencies": {"s0": ["f2"]}}');
    assert.throws(
      () => compositionFromConf('chain', `type=file,filename=${f}`),
      new Error("could not find the following function that state 's0' depends on: f2"),
    );
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test('state sizes: every needed state has one, each an integer in range', () => {
  assert.throws(
    () => compositionFromText('chain', '{"functions": ["f1"], "dependencies": {"s0": ["f1"]}}'),
    new Error("state 's0' has no size in 'state-sizes'"),
  );
  assert.throws(
    () =>
      compositionFromText('chain', '{"functions": ["f1"], "dependencies": {}, "state-sizes": {"s0": -1}}'),
    new Error("Invalid size of state 's0': -1 (an integer in 0..268435456)"),
  );
  const free = compositionFromText('chain', '{"functions": ["f1"], "dependencies": {"s3": null}}');
  assert.equal(free.stateSizes.size, 0);
});
