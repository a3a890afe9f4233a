// The two engines of the lab agree: the same small scenario run live (real processes on loopback, real
// time) and in virtual time gives mean response times within 10% and the same ranking of the policies.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runLive } from '../src/lab/engine-live.js';
import { runVirtual } from '../src/lab/engine-virtual.js';
import { parseExperiment } from '../src/lab/experiment.js';
import { statistic } from '../src/lab/stats.js';

// Two single-core computers, speeds 1:2, requests of 50-150 ms on the slow one. round-robin with no
// optimizer never leaves its first destination (every deficit starts at FLT_MAX, spec §3.1.3), so it
// loads the slow computer to 90%; led spreads the load. The network delay models the loopback gRPC
// overhead per hop.
const EXPERIMENT = `
name: agreement
seed: 3
network-delay: 0.0015
lambda: { name: clambda0, op-coeff: 1.0e+6 }
computers:
  - { count: 1, speed: 1.0e+9, cores: 1, workers: 100 }
  - { count: 1, speed: 2.0e+9, cores: 1, workers: 100 }
workload:
  arrivals: poisson
  sizes: { min: 50, max: 150 }
  loads: [0.3]
  duration: 12
  warm-up: 1
policies:
  - name: round-robin
    router: { table-conf: type=round-robin, optimizer-conf: type=none }
  - name: led
    dispatcher: { ptimeest-conf: 'type=led,window-size=50,in-flight-timeout=30' }
`;

test(
  'live and virtual-time runs agree: mean response times within 10%, same ranking',
  { timeout: 90_000 },
  async () => {
    const e = parseExperiment(EXPERIMENT, 'agreement');
    const means: Record<'live' | 'virtual', number[]> = { live: [], virtual: [] };
    for (const policy of e.policies) {
      const virtual = await runVirtual(e, policy, 0);
      const live = await runLive(e, policy, 0);
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
