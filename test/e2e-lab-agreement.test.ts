// The two engines of the lab agree: the same small scenario run live (real processes on loopback, real
// time) and in virtual time gives mean response times within 10% and the same ranking of the policies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMPONENT_COMMANDS } from '../src/cli/component-commands.js';
import { liveEngine } from '../src/lab/engine-live.js';
import { runVirtual } from '../src/lab/engine-virtual.js';
import { loadExperiment } from '../src/lab/experiment.js';
import { statistic } from '../src/lab/stats.js';

// lab/agreement/flat.yaml: two single-core computers, speeds 1:2, requests of 50-150 ms on the slow one;
// round-robin (no optimizer) loads the slow computer to 90%, led spreads the load. docs/evaluation.md
// shows a second scenario (lab/agreement/two-tier.yaml) run by hand.
const EXPERIMENT = fileURLToPath(new URL('../../lab/agreement/flat.yaml', import.meta.url));

test(
  'live and virtual-time runs agree: mean response times within 10%, same ranking',
  { timeout: 90_000 },
  async () => {
    const e = loadExperiment(EXPERIMENT);
    const means: Record<'live' | 'virtual', number[]> = { live: [], virtual: [] };
    for (const policy of e.policies) {
      const virtual = await runVirtual(e, policy, 0);
      const live = await liveEngine(COMPONENT_COMMANDS)(e, policy, 0);
      assert.equal(live.times.length, virtual.times.length, `${policy.name}: measured requests`);
      means.virtual.push(statistic(virtual.times, 'mean'));
      means.live.push(statistic(live.times, 'mean'));
    }
    e.policies.forEach((p, i) => {
      const [v, l] = [means.virtual[i]!, means.live[i]!];
      assert.ok(Math.abs(l - v) <= 0.1 * v, `${p.name}: live mean ${l} s, virtual ${v} s`);
    });
    const rank = (xs: number[]): number[] => xs.map((_, i) => i).sort((a, b) => xs[a]! - xs[b]!);
    assert.deepEqual(rank(means.live), rank(means.virtual));
    assert.deepEqual(rank(means.virtual), [1, 0], 'led before round-robin');
  },
);
