// `soe lab run --engine live` refuses a hop-by-hop experiment at once, before any run (the oracles
// included), naming the field.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SOE = fileURLToPath(new URL('./support/soe-of-this-build.js', import.meta.url));

test('soe lab run --engine live refuses lab/chain-hop.yaml, naming application.mode', () => {
  const run = spawnSync(process.execPath, [SOE, 'lab', 'run', 'lab/chain-hop.yaml', '--engine', 'live'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(run.status, 1);
  assert.equal(run.stdout, '');
  assert.match(
    run.stderr,
    /chain-hop: application\.mode: hop-by-hop runs in virtual time only \(--engine virtual\); the live engine runs applications client-driven\n$/,
  );
  assert.doesNotMatch(run.stderr, / at load /, 'nothing ran');
});
