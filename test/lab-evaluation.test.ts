// docs/evaluation.md publishes the tables of the shipped scenarios: `soe lab run` reproduces them (virtual
// time is deterministic). Checked here on the heterogeneous scenario at 80% load (the rows of one load
// do not depend on the other loads), and for every scenario, the CSV files next to the page.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { loadExperiment } from '../src/lab/experiment.js';
import { runExperiment } from '../src/lab/lab-run.js';
import { csvTable } from '../src/lab/report.js';

const ROOT = new URL('../../', import.meta.url);
const page = readFileSync(new URL('docs/evaluation.md', ROOT), 'utf8');

/** The CSV block published for a scenario: the ```csv block after its `soe lab run lab/<name>.yaml` command. */
function published(name: string): string {
  const command = page.indexOf(`soe lab run lab/${name}.yaml`);
  assert.ok(command >= 0, `docs/evaluation.md shows the command of ${name}`);
  const m = /```csv\n([\s\S]*?)```/.exec(page.slice(command));
  assert.ok(m, `docs/evaluation.md has the table of ${name}`);
  return m[1]!;
}

for (const name of ['homogeneous', 'heterogeneous', 'two-tier', 'scale-100', 'chain', 'dag', 'chain-hop']) {
  test(`the published table of ${name} is the committed docs/evaluation/${name}.csv`, () => {
    assert.equal(published(name), readFileSync(new URL(`docs/evaluation/${name}.csv`, ROOT), 'utf8'));
  });
}

// The timeout is a hang guard only: the run is about 11 s of CPU, which a busy machine stretches to minutes.
test(
  'soe lab run reproduces the published heterogeneous rows at 80% load',
  { timeout: 900_000 },
  async () => {
    const e = loadExperiment(fileURLToPath(new URL('lab/heterogeneous.yaml', ROOT)));
    e.workload.loads = [0.8];
    const rows = csvTable(await runExperiment(e), e.metrics).split('\n');
    const expected = published('heterogeneous')
      .split('\n')
      .filter((l, i) => i === 0 || l.split(',')[1] === '0.8');
    assert.deepEqual(rows.slice(0, -1), expected);
  },
);

test(
  'soe lab run reproduces the published rows of the DAG application at 50% load',
  { timeout: 900_000 },
  async () => {
    const e = loadExperiment(fileURLToPath(new URL('lab/dag.yaml', ROOT)));
    e.workload.loads = [0.5];
    const rows = csvTable(await runExperiment(e), e.metrics).split('\n');
    const expected = published('dag')
      .split('\n')
      .filter((l, i) => i === 0 || l.split(',')[1] === '0.5');
    assert.deepEqual(rows.slice(0, -1), expected);
  },
);

test(
  'soe lab run reproduces the published rows of the hop-by-hop chain at 50% load',
  { timeout: 900_000 },
  async () => {
    const e = loadExperiment(fileURLToPath(new URL('lab/chain-hop.yaml', ROOT)));
    e.workload.loads = [0.5];
    const rows = csvTable(await runExperiment(e), e.metrics).split('\n');
    const expected = published('chain-hop')
      .split('\n')
      .filter((l, i) => i === 0 || l.split(',')[1] === '0.5');
    assert.deepEqual(rows.slice(0, -1), expected);
  },
);
