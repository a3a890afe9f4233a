import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { hopByHopRequest, embeddedStates } from '../../client/composition-client.js';
import { compositionFromText } from '../../client/composition-conf.js';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import { Chain } from '../../protocol/chain.js';
import { Dag } from '../../protocol/dag.js';
import { lambdaRequest } from '../../protocol/requests.js';
import { startCompositionTestbed, type TestbedKind } from './composition-testbed.test-support.js';

// The original's TestChainDagTransactionGrpc over real servers: a router, two asynchronous computers
// (f0 on computer 0, f1 on computer 1) whose companion is the router, each with its state server.

const INPUT = '{"input":"AAAA"}';
const state = (name: string, content: string) => ({ name, location: '', content: Buffer.from(content) });

for (const kind of ['sim', 'js'] as TestbedKind[]) {
  describe(`chains and DAGs hop by hop on ${kind} computers`, () => {
    test('test_chain_correct: f0,f1,f0 → hops 6; f1,f1,f0,f1,f1 → hops 10; output = input, states kept', async () => {
      const bed = await startCompositionTestbed(kind, [['f0'], ['f1']]);
      const client = new GrpcLambdaClient(bed.router.endpoint);
      try {
        for (const [functions, hops] of [
          [['f0', 'f1', 'f0'], 6],
          [['f1', 'f1', 'f0', 'f1', 'f1'], 10],
        ] as const) {
          const chain = new Chain(functions, { s0: ['f0'] });
          const ack = await client.runLambda(
            lambdaRequest({
              name: functions[0],
              input: INPUT,
              callback: bed.callbacks.endpoint,
              uuid: randomUUID(),
              states: { s0: state('s0', 'zero'), s9: state('s9', 'nine') },
              ...chain.toRequestFields(),
            }),
          );
          assert.deepEqual([ack.retcode, ack.asynchronous, ack.hops], ['OK', true, 2]);
          const res = await bed.callbacks.next(60_000);
          assert.ok(res !== undefined, 'no callback');
          assert.equal(res.retcode, 'OK');
          assert.equal(res.hops, hops);
          assert.equal((JSON.parse(res.output) as { input: string }).input, 'AAAA');
          assert.equal(res.asynchronous, false);
          assert.equal(res.responder, bed.computers[functions.at(-1) === 'f0' ? 0 : 1]!.endpoint);
          assert.deepEqual(res.states, { s0: state('s0', 'zero'), s9: state('s9', 'nine') });
        }
      } finally {
        client.close();
        await bed.stop();
      }
    });

    test('test_chain_incorrect: a function without destination stops the chain, no callback; a valid chain then works', async () => {
      const bed = await startCompositionTestbed(kind, [['f0'], ['f1']]);
      const client = new GrpcLambdaClient(bed.router.endpoint);
      try {
        const bad = new Chain(['f0', 'fX', 'f1'], {});
        const ack = await client.runLambda(
          lambdaRequest({
            name: 'f0',
            input: INPUT,
            callback: bed.callbacks.endpoint,
            ...bad.toRequestFields(),
          }),
        );
        assert.deepEqual([ack.retcode, ack.asynchronous], ['OK', true]);
        // f0 ran and its computer was refused by the router for fX: nothing more will happen.
        await bed.idle();
        assert.equal(bed.callbacks.queued, 0);
        const good = new Chain(['f0', 'f1'], {});
        await client.runLambda(
          lambdaRequest({
            name: 'f0',
            input: INPUT,
            callback: bed.callbacks.endpoint,
            ...good.toRequestFields(),
          }),
        );
        const res = await bed.callbacks.next(60_000);
        assert.equal(res?.hops, 4);
      } finally {
        client.close();
        await bed.stop();
      }
    });

    test('test_dag: successors {{1,2},{3},{3}}, names f0,f1,f0,f1 → one callback, hops 6', async () => {
      const bed = await startCompositionTestbed(kind, [['f0'], ['f1']]);
      const client = new GrpcLambdaClient(bed.router.endpoint);
      try {
        const dag = new Dag([[1, 2], [3], [3]], ['f0', 'f1', 'f0', 'f1'], {});
        for (let run = 0; run < 3; run++) {
          const ack = await client.runLambda(
            lambdaRequest({
              name: 'f0',
              input: INPUT,
              callback: bed.callbacks.endpoint,
              uuid: randomUUID(),
              ...dag.toRequestFields(),
            }),
          );
          assert.deepEqual([ack.retcode, ack.asynchronous], ['OK', true]);
          const res = await bed.callbacks.next(60_000);
          assert.ok(res !== undefined, 'no callback');
          assert.deepEqual([res.retcode, res.hops, res.states], ['OK', 6, {}]);
        }
        await bed.idle();
        assert.equal(bed.callbacks.queued, 0, 'a join ran twice');
        assert.deepEqual(
          bed.continuations.map((c) => c.pendingJoins),
          [0, 0],
        );
      } finally {
        client.close();
        await bed.stop();
      }
    });
  });
}

test('a join whose predecessors run on two different computers runs once, on the last arrival', async () => {
  // 0 (fa, computer 0) → 1 (fb, computer 1) and 2 (fc, computer 2) → 3 (fd, computers 0 and 1: either)
  const bed = await startCompositionTestbed('sim', [['fa', 'fd'], ['fb', 'fd'], ['fc']]);
  const client = new GrpcLambdaClient(bed.router.endpoint);
  try {
    const dag = new Dag([[1, 2], [3], [3]], ['fa', 'fb', 'fc', 'fd'], {});
    const runs = 8;
    for (let run = 0; run < runs; run++) {
      const ack = await client.runLambda(
        lambdaRequest({
          name: 'fa',
          input: INPUT,
          callback: bed.callbacks.endpoint,
          uuid: randomUUID(),
          ...dag.toRequestFields(),
        }),
      );
      assert.equal(ack.retcode, 'OK');
    }
    const hops: number[] = [];
    for (let run = 0; run < runs; run++) hops.push((await bed.callbacks.next(60_000))?.hops ?? -1);
    assert.deepEqual(hops, new Array<number>(runs).fill(6));
    await bed.idle();
    assert.equal(bed.callbacks.queued, 0, 'a join ran twice');
    // Local counters were never used: the tokens lived on computer 0's state server, and are all claimed.
    assert.deepEqual(
      bed.continuations.map((c) => c.pendingJoins),
      [0, 0, 0],
    );
  } finally {
    client.close();
    await bed.stop();
  }
});

test('hop-by-hop request of the client: entry function, whole chain, index 0, non-free states only', () => {
  const c = compositionFromText(
    'chain',
    '{"functions": ["f1", "f2", "f1"], "dependencies": {"s0": ["f1"], "s3": null}, "state-sizes": {"s0": 2, "s3": 4}}',
  );
  const req = hopByHopRequest(c, 'in', embeddedStates(c.stateSizes), '127.0.0.1:6480', 'u');
  assert.equal(req.name, 'f1');
  assert.deepEqual(req.chain, ['f1', 'f2', 'f1']);
  assert.equal(req.nextFunctionIndex, 0);
  assert.deepEqual(Object.keys(req.states!), ['s0']);
  assert.equal(req.states!.s0!.content.toString(), 'AA');
});

test('bad compositions get the specified error in the ack, nothing queued', async () => {
  const bed = await startCompositionTestbed('sim', [['f0']]);
  const client = new GrpcLambdaClient(bed.computers[0]!.endpoint);
  const callback = bed.callbacks.endpoint;
  const dag = (successors: number[][], names: string[], extra = {}) =>
    lambdaRequest({
      name: names[0],
      input: 'x',
      callback,
      uuid: 'u',
      dag: { successors: successors.map((functions) => ({ functions })), names },
      ...extra,
    });
  try {
    const cases: [ReturnType<typeof lambdaRequest>, string][] = [
      [dag([[1], [2], [1]], ['f0', 'f0', 'f0', 'f0']), 'Invalid successor graph: cycle through node 1'],
      [dag([[2], [2]], ['f0', 'f0', 'f0']), 'Invalid successor graph: node 1 is not reachable from node 0'],
      [dag([[5]], ['f0', 'f0']), 'Invalid successor graph'],
      [dag([[1]], ['f0', 'f0'], { uuid: '' }), 'Cannot execute a DAG without a UUID in the request'],
      [
        dag([[1]], ['f0', 'f0'], { nextFunctionIndex: 2 }),
        'Out-of-range function execution requested in a DAG',
      ],
      [
        dag([[1]], ['f0', 'f0'], { dependencies: { s: { functions: ['fZ'] } } }),
        "could not find the following function that state 's' depends on: fZ",
      ],
      [
        lambdaRequest({ name: 'f0', callback, chain: ['f0', 'f0'], nextFunctionIndex: 2 }),
        'Out-of-range function execution requested in a chain',
      ],
      [
        lambdaRequest({ name: 'f0', chain: ['f0', 'f0'] }),
        'Cannot handle multiple functions without a callback in the request',
      ],
    ];
    for (const [req, retcode] of cases) {
      const res = await client.runLambda(req);
      assert.deepEqual([res.retcode, res.asynchronous], [retcode, false]);
    }
    await bed.computers[0]!.front.whenIdle();
    assert.equal(bed.callbacks.queued, 0);
  } finally {
    client.close();
    await bed.stop();
  }
});
