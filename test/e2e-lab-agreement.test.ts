// The two engines of the lab agree: the same small scenario run live (real processes on loopback, real
// time) and in virtual time gives mean response times within 10% and the same policy (round-robin) slowest.
// On a busy machine every wake-up of the live processes comes late, which the model does not include:
// the live mean may then exceed the virtual one by that lateness, as measured during the run.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { COMPONENT_COMMANDS } from '../src/cli/component-commands.js';
import { liveEngine } from '../src/lab/engine-live.js';
import { runVirtual } from '../src/lab/engine-virtual.js';
import { loadExperiment } from '../src/lab/experiment.js';
import { statistic } from '../src/lab/stats.js';

// lab/agreement/flat.yaml: two single-core computers, speeds 1:2, requests of 50-150 ms on the slow one;
// round-robin (no optimizer) loads the slow computer to 90%, led and the router's shortest-expected-delay
// spread the load. docs/evaluation.md
// shows a second scenario (lab/agreement/two-tier.yaml) run by hand.
const EXPERIMENT = fileURLToPath(new URL('../../lab/agreement/flat.yaml', import.meta.url));

/** A request of the live run waits for about this many wake-ups: client, broker, computer, broker again. */
const WAKE_UPS = 4;

/**
 * Runs `f`, also returning the mean lateness (seconds) of a 10 ms timer of this process meanwhile: how late
 * the machine's load made wake-ups during the run (about 1 ms on an idle machine, 20 ms at a load of 15 on
 * two cores).
 */
async function withLateness<T>(f: () => Promise<T>): Promise<{ result: T; lateness: number }> {
  const delays = monitorEventLoopDelay({ resolution: 10 });
  delays.enable();
  try {
    const result = await f();
    return { result, lateness: Math.max(0, delays.mean / 1e9 - 0.01) };
  } finally {
    delays.disable();
  }
}

test(
  'live and virtual-time runs agree: mean response times within 10% (plus measured lateness), round-robin slowest',
  { timeout: 600_000 }, // a hang guard: the run takes 30 s on an idle machine, a few minutes on a busy one
  async (t) => {
    const e = loadExperiment(EXPERIMENT);
    const means: Record<'live' | 'virtual', number[]> = { live: [], virtual: [] };
    const lateness: number[] = [];
    for (const policy of e.policies) {
      const virtual = await runVirtual(e, policy, 0);
      const live = await withLateness(() => liveEngine(COMPONENT_COMMANDS)(e, policy, 0));
      assert.equal(live.result.times.length, virtual.times.length, `${policy.name}: measured requests`);
      means.virtual.push(statistic(virtual.times, 'mean'));
      means.live.push(statistic(live.result.times, 'mean'));
      lateness.push(live.lateness);
    }
    e.policies.forEach((p, i) => {
      const [v, l, late] = [means.virtual[i]!, means.live[i]!, lateness[i]!];
      t.diagnostic(
        `${p.name}: live ${l.toFixed(4)} s, virtual ${v.toFixed(4)} s, timers ${(late * 1000).toFixed(1)} ms late`,
      );
      assert.ok(
        l >= 0.9 * v && l <= 1.1 * v + WAKE_UPS * late,
        `${p.name}: live mean ${l} s, virtual ${v} s, timers ${(late * 1000).toFixed(1)} ms late`,
      );
    });
    // led and shortest-expected-delay take nearly the same decisions, so only round-robin's place is ranked.
    for (const engine of ['live', 'virtual'] as const) {
      const [roundRobin, ...spreading] = means[engine];
      for (const m of spreading) assert.ok(m < roundRobin!, `${engine}: round-robin is the slowest`);
    }
  },
);
