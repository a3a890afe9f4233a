import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseExperiment } from './experiment.js';
import { runExperiment } from './lab-run.js';
import { csvTable } from './report.js';

const EXPERIMENT = `
name: small
seed: SEED
lambda: { op-coeff: 1.0e+6 }
computers:
  - { count: 2, speed: 1.0e+9 }
  - { count: 1, speed: 4.0e+9, cores: 2 }
second-tier: TIER
workload:
  sizes: { min: 10, max: 50 }
  loads: [0.3, 0.7]
  duration: 10
  warm-up: 2
policies:
  - name: random
    router: { table-conf: type=random, optimizer-conf: 'type=trivial,period=1,stat=mean' }
  - name: round-robin
    router: { table-conf: type=round-robin, optimizer-conf: 'type=async,alpha=0.5' }
  - name: probe
    dispatcher: { ptimeest-conf: 'type=probe,max-clients=10,output=/dev/null' }
  - name: led
    dispatcher: { ptimeest-conf: 'type=led,window-size=50,in-flight-timeout=30' }
`;

async function table(seed: number, tier: number): Promise<string> {
  const e = parseExperiment(EXPERIMENT.replace('SEED', String(seed)).replace('TIER', String(tier)), 'small');
  return csvTable(await runExperiment(e), e.metrics);
}

test('virtual time is deterministic: the same seed gives the same table, byte for byte', async () => {
  for (const tier of [0, 2]) {
    const first = await table(5, tier);
    assert.equal(await table(5, tier), first);
    assert.notEqual(await table(6, tier), first, 'another seed, other numbers');
    const lines = first.trimEnd().split('\n');
    assert.equal(lines.length, 1 + 6 * 2);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(',').slice(0, 2).join(',')),
      ['random', 'round-robin', 'probe', 'led', 'oracle-marginal', 'oracle'].flatMap((p) => [
        `${p},0.3`,
        `${p},0.7`,
      ]),
    );
    for (const l of lines.slice(-2)) assert.match(l, /,1\.000,1\.000$/);
  }
});

test('a table restricted to some loads has the same rows for them', async () => {
  const e = parseExperiment(EXPERIMENT.replace('SEED', '5').replace('TIER', '0'), 'small');
  const all = csvTable(await runExperiment(e), e.metrics).split('\n');
  e.workload.loads = [0.7];
  const some = csvTable(await runExperiment(e), e.metrics).split('\n');
  assert.deepEqual(
    some.slice(1, -1),
    all.filter((l) => l.includes(',0.7,')),
  );
});
