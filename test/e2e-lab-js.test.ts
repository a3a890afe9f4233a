// The lab's live engine on real functions (issue 14): lab/functions/busy.yaml runs its lambda.js on js
// computers; every request is answered OK and measured, and the times are those of the real function.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { COMPONENT_COMMANDS } from '../src/cli/component-commands.js';
import { liveEngine } from '../src/lab/engine-live.js';
import { runVirtual } from '../src/lab/engine-virtual.js';
import { loadExperiment } from '../src/lab/experiment.js';

const EXPERIMENT = fileURLToPath(new URL('../../lab/functions/busy.yaml', import.meta.url));

test(
  'a live run on js computers: every request answered and measured, each taking the real function its time',
  { timeout: 300_000 }, // a hang guard
  async () => {
    const e = loadExperiment(EXPERIMENT);
    const [lambda] = e.functions;
    assert.match(lambda!.js ?? '', /function main\(p\)/);
    const [policy] = e.policies;
    const virtual = await runVirtual(e, policy!, 0);
    // The function takes three times what the model says (at least 15 ms for the smallest size, 5):
    // only the real function can make every measured time that long.
    const slower = {
      ...e,
      functions: [{ ...lambda!, js: lambda!.js!.replace('Date.now() + p.size', 'Date.now() + 3 * p.size') }],
    };
    const live = await liveEngine(COMPONENT_COMMANDS)(slower, policy!, 0);
    assert.equal(live.requests, virtual.requests);
    assert.equal(live.times.length, virtual.times.length);
    assert.ok(Math.min(...live.times) >= 0.015, `fastest live request ${Math.min(...live.times)} s`);
  },
);
