// The lab's live engine runs applications (issue 16): a chain and the diamond DAG, client-driven through a
// real router to real computers serving every function; every request is answered and measured, and each
// takes at least its critical path's processing on the fastest computer (so every function ran, and the
// join waited for both branches).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMPONENT_COMMANDS } from '../src/cli/component-commands.js';
import { liveEngine } from '../src/lab/engine-live.js';
import { runVirtual } from '../src/lab/engine-virtual.js';
import { parseExperiment } from '../src/lab/experiment.js';

/** Functions of 1, 2, 3 and 1 ms per byte on the fast computer; every input is 30 bytes. */
function experiment(structure: string) {
  return parseExperiment(
    `name: live-application
network-delay: 0.0015
application:
  functions:
    - { name: f0, op-coeff: 1.0e+6 }
    - { name: f1, op-coeff: 2.0e+6 }
    - { name: f2, op-coeff: 3.0e+6 }
    - { name: f3, op-coeff: 1.0e+6 }
${structure}
computers:
  - { speed: 0.5e+9 }
  - { speed: 1.0e+9 }
workload:
  sizes: { min: 30, max: 30 }
  loads: [0.3]
  duration: 6
  warm-up: 1
policies:
  - name: shortest-expected-delay
    router: { table-conf: type=shortest-expected-delay, optimizer-conf: type=delay-per-request }
`,
    'live-application',
  );
}

const CASES: [string, string, number][] = [
  ['a chain f0-f1-f2', '  chain: [f0, f1, f2]', 0.03 + 0.06 + 0.09],
  [
    'the diamond DAG',
    '  dag: { nodes: [f0, f1, f2, f3], successors: [[1, 2], [3], [3]] }',
    0.03 + 0.09 + 0.03,
  ],
];

for (const [what, structure, criticalPath] of CASES) {
  test(
    `a live run of ${what}: every request answered and measured, none faster than its critical path`,
    { timeout: 300_000 }, // a hang guard
    async () => {
      const e = experiment(structure);
      const policy = e.policies[0]!;
      const virtual = await runVirtual(e, policy, 0);
      const live = await liveEngine(COMPONENT_COMMANDS)(e, policy, 0);
      assert.equal(live.requests, virtual.requests);
      assert.equal(live.times.length, virtual.times.length);
      assert.ok(live.times.length > 0);
      assert.ok(Math.min(...live.times) >= criticalPath, `fastest live request ${Math.min(...live.times)} s`);
      assert.ok(Math.min(...virtual.times) >= criticalPath);
    },
  );
}
