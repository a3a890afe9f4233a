import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LambdaRequest, LambdaResponse } from '../protocol/messages.js';
import { errorResponse } from '../protocol/responses.js';
import { runVirtual } from './engine-virtual.js';
import { assertLiveRunnable } from './engine-live.js';
import { alone, CHAIN, DAG, EVERY, FUNCTIONS, POLICIES } from './application-fixtures.test-support.js';
import { parseExperiment, type Experiment } from './experiment.js';
import { HopByHop, LAB_CALLBACK } from './hop-by-hop.js';
import { runExperiment } from './lab-run.js';
import { csvTable } from './report.js';

const HOP = '  mode: hop-by-hop\n';
const COMPLETION = '  feedback: completion\n';

test('application.mode: client-driven by default, hop-by-hop when asked, anything else named', () => {
  assert.equal(alone(CHAIN, 1).application.mode, 'client-driven');
  assert.equal(alone(CHAIN + HOP, 1).application.mode, 'hop-by-hop');
  assert.equal(alone(DAG + HOP, 1).application.mode, 'hop-by-hop');
  assert.throws(() => alone(CHAIN + '  mode: hop\n', 1), {
    name: 'ExperimentError',
    message: "alone.yaml: application.mode: expected one of client-driven, hop-by-hop, found 'hop'",
  });
  assert.throws(() => alone(CHAIN + '  mode: [hop-by-hop]\n', 1), {
    message: 'alone.yaml: application.mode: expected a non-empty string, found ["hop-by-hop"]',
  });
  assert.equal(alone(CHAIN + HOP, 1).application.feedback, undefined);
  assert.equal(alone(CHAIN + HOP + '  feedback: ack\n', 1).application.feedback, undefined);
  assert.equal(alone(CHAIN + HOP + COMPLETION, 1).application.feedback, 'completion');
  assert.throws(() => alone(CHAIN + HOP + '  feedback: reply\n', 1), {
    message: "alone.yaml: application.feedback: expected one of ack, completion, found 'reply'",
  });
  assert.throws(() => alone(CHAIN + COMPLETION, 1), {
    message: 'alone.yaml: application.feedback: only with mode: hop-by-hop',
  });
});

test('the live engine refuses hop-by-hop applications, naming the field', () => {
  assert.doesNotThrow(() => assertLiveRunnable(alone(CHAIN, 1)));
  assert.throws(() => assertLiveRunnable(alone(CHAIN + HOP, 1)), {
    message:
      'alone: application.mode: hop-by-hop runs in virtual time only (--engine virtual); ' +
      'the live engine runs applications client-driven',
  });
});

test('a hop-by-hop chain alone takes its function times, 2 hops per function and the callback', async () => {
  for (const [delay, feedback] of [
    [0.0005, ''],
    [0.005, ''],
    [0.005, COMPLETION],
  ] as const) {
    const e = alone(CHAIN + HOP + feedback, 1, delay);
    // 10, 20 and 30 ms; client → broker → computer, twice computer → broker → computer, computer → client.
    const expected = 0.01 + 0.02 + 0.03 + (2 * 3 + 1) * delay;
    for (const policy of EVERY(e)) {
      const { times, requests } = await runVirtual(e, policy, 0);
      assert.equal(requests, 10);
      assert.equal(times.length, 10);
      for (const t of times) assert.ok(Math.abs(t - expected) < 1e-9, `${JSON.stringify(policy)}: ${t} s`);
    }
  }
});

test('in a two-tier topology the companion is the top broker: 3 hops per function (oracles 2), then the callback', async () => {
  const e = parseExperiment(
    `name: tiers
network-delay: 0.005
${FUNCTIONS}${CHAIN}${HOP}computers:
  - { count: 2, speed: 1.0e+9 }
second-tier: 2
workload:
  sizes: { min: 10, max: 10 }
  loads: [0.001]
  duration: 600
${POLICIES}`,
    'tiers.yaml',
  );
  // client → top → second tier → computer, twice computer → top → second tier → computer, then → client;
  // the oracles, as client-driven, place every function on a computer directly from the top.
  for (const policy of EVERY(e)) {
    const hops = typeof policy === 'string' ? 2 : 3;
    const expected = 0.01 + 0.02 + 0.03 + (hops * 3 + 1) * 0.005;
    const { times } = await runVirtual(e, policy, 0);
    assert.ok(times.length > 0);
    for (const t of times) assert.ok(Math.abs(t - expected) < 1e-9, `${JSON.stringify(policy)}: ${t} s`);
  }
});

test('a hop-by-hop DAG alone: its branches in parallel, the join once both finished, 2 hops per level', async () => {
  const e = alone(DAG + HOP, 2);
  // f0, then f1 and f2 each on a core (the join waits for f2, 30 ms), then f3; three levels of 2 hops + 1.
  const expected = 0.01 + 0.03 + 0.01 + (2 * 3 + 1) * 0.0005;
  for (const policy of EVERY(e)) {
    const { times } = await runVirtual(e, policy, 0);
    assert.equal(times.length, 19);
    for (const t of times) assert.ok(Math.abs(t - expected) < 1e-9, `${JSON.stringify(policy)}: ${t} s`);
  }
});

/** A network of computers whose executions the test settles by hand; logs every step. */
class FakeNetwork {
  readonly log: string[] = [];
  readonly pending = new Map<number, (retcode: string) => void>();
  hop!: HopByHop;
  /** The computer the broker places each node on: node i on c<i mod 2>. */
  toBroker = (req: LambdaRequest): Promise<LambdaResponse> => {
    const computer = `c${req.nextFunctionIndex % 2}`;
    this.log.push(`send ${req.nextFunctionIndex} ${req.name} to ${computer}`);
    assert.equal(req.callback, LAB_CALLBACK);
    return Promise.resolve(this.hop.accept(computer, req).ack);
  };
  execute = (computer: string, req: LambdaRequest): Promise<LambdaResponse> => {
    assert.equal(req.callback, '');
    return new Promise((resolve) => {
      const node = Number(req.name.slice(1));
      this.pending.set(node, (retcode) => resolve(errorResponse(retcode, 1)));
    });
  };
  sleep = (): Promise<void> => Promise.resolve();
  delay = 0;

  async settle(node: number, retcode = 'OK'): Promise<void> {
    this.log.push(`finish ${node}`);
    this.pending.get(node)!(retcode);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** The diamond whose node i runs function fi. */
const DIAMOND = {
  kind: 'dag' as const,
  mode: 'hop-by-hop' as const,
  nodes: ['f0', 'f1', 'f2', 'f3'],
  successors: [[1, 2], [3], [3], []],
};

test('hop by hop, the join node is sent once, by the last predecessor to finish, on whichever computer', async () => {
  for (const order of [
    [1, 2],
    [2, 1],
  ]) {
    const net = new FakeNetwork();
    net.hop = new HopByHop(DIAMOND, net);
    let result: string | undefined | null = null;
    const run = net.hop.run(4).then((r) => (result = r));
    await new Promise((resolve) => setImmediate(resolve));
    await net.settle(0);
    await net.settle(order[0]!);
    assert.deepEqual(net.log.at(-1), `finish ${order[0]}`, 'the join waits for its other predecessor');
    await net.settle(order[1]!);
    assert.equal(result, null, 'no callback before the sink finished');
    await net.settle(3);
    await run;
    assert.equal(result, undefined);
    assert.deepEqual(net.log, [
      'send 0 f0 to c0',
      'finish 0',
      'send 1 f1 to c1',
      'send 2 f2 to c0',
      `finish ${order[0]}`,
      `finish ${order[1]}`,
      'send 3 f3 to c1',
      'finish 3',
    ]);
  }
});

test('hop by hop, a failed function calls back with its retcode and nothing more is sent', async () => {
  const net = new FakeNetwork();
  net.hop = new HopByHop(DIAMOND, net);
  const run = net.hop.run(4);
  await new Promise((resolve) => setImmediate(resolve));
  await net.settle(0);
  await net.settle(1, 'Timeout');
  await net.settle(2);
  assert.equal(await run, 'Timeout');
  assert.deepEqual(net.log, [
    'send 0 f0 to c0',
    'finish 0',
    'send 1 f1 to c1',
    'send 2 f2 to c0',
    'finish 1',
    'finish 2',
  ]);
});

test('hop by hop, a forward the broker refuses ends the run with its retcode', async () => {
  const hop = new HopByHop(DIAMOND, {
    delay: 0,
    sleep: () => Promise.resolve(),
    toBroker: () => Promise.resolve(errorResponse('no destination for f0', 1)),
    execute: () => assert.fail('nothing runs'),
  });
  assert.equal(await hop.run(4), 'no destination for f0');
});

/** Three computers of speeds 1:2:4 running an application at loads 0.3 and 0.7. */
function small(structure: string, seed: number): Experiment {
  return parseExperiment(
    `name: small
seed: ${seed}
network-delay: 0.005
${FUNCTIONS}${structure}
computers:
  - { speed: 0.5e+9 }
  - { speed: 1.0e+9 }
  - { speed: 2.0e+9 }
workload:
  sizes: { min: 10, max: 50 }
  loads: [0.3, 0.7]
  duration: 20
  warm-up: 5
${POLICIES}`,
    'small',
  );
}

test('hop-by-hop applications in virtual time are deterministic, and differ from client-driven ones', async () => {
  for (const structure of [CHAIN, DAG]) {
    const table = async (seed: number, mode = HOP): Promise<string> => {
      const e = small(structure + mode, seed);
      return csvTable(await runExperiment(e), e.metrics);
    };
    const first = await table(3);
    assert.equal(await table(3), first);
    assert.notEqual(await table(3, ''), first, 'client-driven, other numbers');
    const informed = await table(3, HOP + COMPLETION);
    assert.equal(await table(3, HOP + COMPLETION), informed);
    assert.notEqual(informed, first, 'brokers learning from completions, other numbers');
  }
});
