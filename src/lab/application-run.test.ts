import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LambdaResponse } from '../protocol/messages.js';
import { errorResponse } from '../protocol/responses.js';
import { runApplication } from './application-run.js';
import { runVirtual } from './engine-virtual.js';
import { alone, CHAIN, DAG, EVERY, FUNCTIONS, POLICIES } from './application-fixtures.test-support.js';
import { ORACLE, parseExperiment, type Experiment } from './experiment.js';
import { runExperiment } from './lab-run.js';
import { csvTable } from './report.js';

test('a chain alone on one computer takes the sum of its function times and of its hop delays', async () => {
  const e = alone(CHAIN, 1);
  // 10, 20 and 30 ms of processing; each call crosses four hops of 0.5 ms (client, broker, computer, back).
  const expected = 0.01 + 0.02 + 0.03 + 3 * 4 * 0.0005;
  for (const policy of EVERY(e)) {
    const { times, requests } = await runVirtual(e, policy, 0);
    assert.equal(requests, 10);
    assert.equal(times.length, 10);
    for (const t of times) assert.ok(Math.abs(t - expected) < 1e-9, `${JSON.stringify(policy)}: ${t} s`);
  }
});

test('a DAG runs its parallel branches in parallel: end to end is less than the sum of its node times', async () => {
  const e = alone(DAG, 2);
  // f1 and f2 start together, each on a core: the join waits for f2 (30 ms), not for f1 + f2 (50 ms).
  const expected = 0.01 + 0.03 + 0.01 + 3 * 4 * 0.0005;
  const sequential = 0.01 + 0.02 + 0.03 + 0.01 + 4 * 4 * 0.0005;
  for (const policy of EVERY(e)) {
    const { times } = await runVirtual(e, policy, 0);
    assert.equal(times.length, 19);
    for (const t of times) {
      assert.ok(Math.abs(t - expected) < 1e-9, `${JSON.stringify(policy)}: ${t} s`);
      assert.ok(t < sequential);
    }
  }
});

/** Three computers of the given speeds running a chain or the diamond DAG at loads 0.2 and 0.6. */
function small(structure: string, seed: number, speeds = ['1.0e+9', '1.0e+9', '1.0e+9']): Experiment {
  return parseExperiment(
    `name: small
seed: ${seed}
${FUNCTIONS}${structure}
computers:
${speeds.map((s) => `  - { speed: ${s} }`).join('\n')}
workload:
  sizes: { min: 10, max: 50 }
  loads: [0.2, 0.6]
  duration: 30
  warm-up: 5
${POLICIES}`,
    'small',
  );
}

// On identical computers. With speeds 1:2:4 `led` beats the greedy oracle's mean from load 0.3, as it does
// for single functions (docs/evaluation.md says why).
test('the oracle, placing every function of a chain, has a mean no worse than any policy', async () => {
  const e = small(CHAIN, 1);
  const rows = await runExperiment(e);
  assert.equal(rows.length, 6 * 2);
  for (const load of e.workload.loads) {
    const at = rows.filter((r) => r.load === load);
    const oracle = at.find((r) => r.policy === ORACLE)!.values.mean!;
    for (const r of at.filter((x) => e.policies.some((p) => p.name === x.policy)))
      assert.ok(r.values.mean! >= oracle, `${r.policy} at ${load}: ${r.values.mean} < ${oracle}`);
  }
});

test('applications in virtual time are deterministic: the same seed gives the same table, byte for byte', async () => {
  const speeds = ['0.5e+9', '1.0e+9', '2.0e+9'];
  for (const structure of [CHAIN, DAG]) {
    const table = async (seed: number): Promise<string> => {
      const e = small(structure, seed, speeds);
      return csvTable(await runExperiment(e), e.metrics);
    };
    const first = await table(3);
    assert.equal(await table(3), first);
    assert.notEqual(await table(4), first, 'another seed, other numbers');
  }
});

test('a chain of one function is the single-function experiment', async () => {
  const single = small(CHAIN, 2);
  single.functions = [{ name: 'f0', opCoeff: 1e6, opOffset: 0 }];
  single.application = { kind: 'function', mode: 'client-driven', nodes: ['f0'], successors: [[]] };
  const chain = {
    ...single,
    application: { kind: 'chain' as const, mode: 'client-driven' as const, nodes: ['f0'], successors: [[]] },
  };
  assert.equal(
    csvTable(await runExperiment(chain), chain.metrics),
    csvTable(await runExperiment(single), single.metrics),
  );
});

/** A response of `retcode` (the runner reads only that). */
function reply(retcode: string): LambdaResponse {
  return errorResponse(retcode, 1);
}

test('runApplication calls a node when all its predecessors returned, parallel branches at once', async () => {
  const app = parseExperiment(
    `name: x
${FUNCTIONS}  dag: { nodes: [f0, f1, f2, f3], successors: [[1, 2], [3], [3]] }
computers: [{ speed: 1 }]
workload: { sizes: { min: 1, max: 1 }, loads: [0.5], duration: 1 }
${POLICIES}`,
    'x',
  ).application;
  const log: string[] = [];
  const pending = new Map<number, () => void>();
  const run = runApplication(app, (fn, node) => {
    log.push(`call ${node} ${fn}`);
    return new Promise((resolve) => pending.set(node, () => resolve(reply('OK'))));
  });
  const settle = async (node: number): Promise<void> => {
    log.push(`return ${node}`);
    pending.get(node)!();
    await new Promise((resolve) => setImmediate(resolve));
  };
  await settle(0);
  await settle(2);
  await settle(1);
  await settle(3);
  assert.equal(await run, undefined);
  assert.deepEqual(log, [
    'call 0 f0',
    'return 0',
    'call 1 f1',
    'call 2 f2',
    'return 2',
    'return 1',
    'call 3 f3',
    'return 3',
  ]);
});

test('runApplication stops at the first failure and reports it once every call started has settled', async () => {
  const chain = {
    kind: 'chain' as const,
    mode: 'client-driven' as const,
    nodes: ['a', 'b', 'c'],
    successors: [[1], [2], []],
  };
  const called: string[] = [];
  const failed = await runApplication(chain, (fn) => {
    called.push(fn);
    return Promise.resolve(reply(fn === 'b' ? 'Timeout' : 'OK'));
  });
  assert.equal(failed, 'Timeout');
  assert.deepEqual(called, ['a', 'b']);
  const diamond = {
    kind: 'dag' as const,
    mode: 'client-driven' as const,
    nodes: ['a', 'b', 'c', 'd'],
    successors: [[1, 2], [3], [3], []],
  };
  called.length = 0;
  const thrown = await runApplication(diamond, (fn) => {
    called.push(fn);
    return fn === 'c' ? Promise.reject(new Error('Cannot connect')) : Promise.resolve(reply('OK'));
  });
  assert.equal(thrown, 'Cannot connect');
  assert.deepEqual(called, ['a', 'b', 'c']);
});
