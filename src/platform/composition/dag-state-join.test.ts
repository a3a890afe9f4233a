import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { test } from 'node:test';
import { GrpcLambdaClient } from '../../client/lambda-client-grpc.js';
import { Dag } from '../../protocol/dag.js';
import { lambdaRequest } from '../../protocol/requests.js';
import { StateClient } from '../../protocol/state/state-client.js';
import { startStateServer } from '../../protocol/state/state-server.js';
import { compositionFromText, DAG_TEMPLATE } from '../../client/composition-conf.js';
import { ChainDagContinuation } from './chain-dag-continuation.js';
import { startCompositionTestbed } from './composition-testbed.test-support.js';
import type { CompletedInvocation, ContinuationContext } from './continuation.js';
import { joinViewName } from './join-views.js';
import { joinTokenName } from './shared-join.js';

// The DAG {{1,2},{3},{3}} over real servers: node 1 (fw) moves the remote state s and writes it, node 2
// (fn) does not depend on it, the join node 3 (fr) reads it. The branches' arrival at the join is forced
// both ways; either way node 3 reads what node 1 wrote (each branch carries its own copy of s's location:
// the join merges them).

/** Holds the continuation of one function until opened; tells when its successors were acknowledged. */
class Gate {
  readonly opened: Promise<void>;
  readonly passed: Promise<void>;
  open!: () => void;
  pass!: () => void;

  constructor() {
    this.opened = new Promise((resolve) => (this.open = resolve));
    this.passed = new Promise((resolve) => (this.pass = resolve));
  }
}

/** A continuation that waits at the gate of the executed DAG node, if any. */
class GatedContinuation extends ChainDagContinuation {
  constructor(private readonly gates: Map<number, Gate>) {
    super();
  }

  override async complete(done: CompletedInvocation, context: ContinuationContext): Promise<void> {
    const gate = this.gates.get(done.request.nextFunctionIndex);
    await gate?.opened;
    try {
      await super.complete(done, context);
    } finally {
      gate?.pass();
    }
  }
}

const CODE = {
  fw: "function main(params) { return { wrote: true, __ow_states: { s: 'written by fw after ' + params.__ow_states.s } }; }\n",
  fr: 'function main(params) { return { seen: params.__ow_states.s }; }\n',
};

test('a join node reads the remote state one branch moved, whichever branch arrives last', async () => {
  const gates = new Map<number, Gate>();
  // fw on computer 1, fn and the join fr on computer 2: node 3 runs where the branch that did not move s ran.
  const bed = await startCompositionTestbed('js', [['f0'], ['fw'], ['fn', 'fr']], {
    code: CODE,
    continuation: () => new GatedContinuation(gates),
  });
  const home = await startStateServer('127.0.0.1:0');
  const client = new GrpcLambdaClient(bed.router.endpoint);
  const [c0, c1, c2] = bed.computers.map((c) => new StateClient(c.stateEndpoint));
  try {
    const dag = new Dag([[1, 2], [3], [3]], ['f0', 'fw', 'fn', 'fr'], { s: ['fw', 'fr'] });
    for (const [first, last] of [
      [1, 2],
      [2, 1],
    ] as const) {
      home.store.put('s', Buffer.from('initial'));
      gates.clear();
      gates.set(1, new Gate()).set(2, new Gate());
      const uuid = randomUUID();
      const ack = await client.runLambda(
        lambdaRequest({
          name: 'f0',
          input: '{}',
          callback: bed.callbacks.endpoint,
          uuid,
          states: { s: { name: 's', location: home.endpoint, content: Buffer.alloc(0) } },
          ...dag.toRequestFields(),
        }),
      );
      assert.deepEqual([ack.retcode, ack.asynchronous], ['OK', true]);
      gates.get(first)!.open();
      await gates.get(first)!.passed; // its arrival at the join is counted: the other one is last
      gates.get(last)!.open();
      const res = await bed.callbacks.next(60_000);
      assert.ok(res !== undefined, 'no callback');
      assert.equal(res.retcode, 'OK', `node ${first} first`);
      assert.deepEqual(JSON.parse(res.output), { seen: 'written by fw after initial' });
      assert.equal(res.hops, 6);
      assert.equal(res.responder, bed.computers[2]!.endpoint);
      assert.deepEqual(res.states, {
        s: { name: 's', location: bed.computers[2]!.stateEndpoint, content: Buffer.alloc(0) },
      });
      // s is only on computer 2's state server now; the join's tokens and views are gone.
      assert.equal((await c2!.get('s')).state?.content.toString(), 'written by fw after initial');
      assert.equal((await c1!.get('s')).retcode, 'could not find state: s');
      assert.equal(home.store.size, 0);
      for (const name of [joinTokenName(uuid, 3, 0), joinTokenName(uuid, 3, 1), joinViewName(uuid, 3, 1)]) {
        assert.equal((await c0!.get(name)).retcode, `could not find state: ${name}`);
      }
      assert.equal((await c0!.get(joinViewName(uuid, 3, 2))).retcode.startsWith('could not find'), true);
      assert.equal((await c2!.del('s')).retcode, 'OK');
    }
    await bed.idle();
    assert.equal(bed.callbacks.queued, 0, 'a join ran twice');
  } finally {
    for (const c of [c0, c1, c2]) c?.close();
    client.close();
    await home.stop();
    await bed.stop();
  }
});

test('the original dag-example.json with remote states finishes whichever branch arrives last (sim)', async () => {
  // f1 (node 1) depends on s1; f2 on s2, at node 2 (a branch) and at the join node 3.
  const gates = new Map<number, Gate>();
  const bed = await startCompositionTestbed('sim', [['f0'], ['f1'], ['f2']], {
    continuation: () => new GatedContinuation(gates),
  });
  const home = await startStateServer('127.0.0.1:0');
  const client = new GrpcLambdaClient(bed.router.endpoint);
  const [s0, s1, s2, s3] = ['s0', 's1', 's2', 's3'];
  try {
    const c = compositionFromText('dag', DAG_TEMPLATE);
    if (c.kind !== 'dag') throw new Error('not a DAG');
    for (const [first, last] of [
      [1, 2],
      [2, 1],
    ] as const) {
      for (const name of [s0, s1, s2, s3]) home.store.put(name, Buffer.from(name));
      gates.clear();
      gates.set(1, new Gate()).set(2, new Gate());
      const ack = await client.runLambda(
        lambdaRequest({
          name: 'f0',
          input: '{}',
          callback: bed.callbacks.endpoint,
          uuid: randomUUID(),
          states: Object.fromEntries(
            [s0, s1, s2, s3].map((name) => [
              name,
              { name, location: home.endpoint, content: Buffer.alloc(0) },
            ]),
          ),
          ...c.dag.toRequestFields(),
        }),
      );
      assert.equal(ack.retcode, 'OK');
      gates.get(first)!.open();
      await gates.get(first)!.passed;
      gates.get(last)!.open();
      const res = await bed.callbacks.next(60_000);
      assert.ok(res !== undefined, 'no callback');
      assert.deepEqual([res.retcode, res.hops], ['OK', 6], `node ${first} first`);
      const at = (i: number) => bed.computers[i]!.stateEndpoint;
      assert.deepEqual(
        Object.fromEntries(Object.entries(res.states).map(([name, state]) => [name, state.location])),
        { s0: at(0), s1: at(1), s2: at(2), s3: home.endpoint },
      );
      // Back home for the next run.
      for (const [name, i] of [
        [s0, 0],
        [s1, 1],
        [s2, 2],
      ] as const) {
        const held = new StateClient(at(i));
        try {
          assert.equal((await held.del(name)).retcode, 'OK');
        } finally {
          held.close();
        }
      }
    }
  } finally {
    client.close();
    await home.stop();
    await bed.stop();
  }
});

test('after a nested fork, the join finds the state where the branch that moved it last left it (sim)', async () => {
  // 0 → 1 → {2, 3} → 4. s is moved by node 1 (fa), again by node 2 (fb), not by node 3 (fc), read at 4 (fd):
  // node 2 names fb's server, node 3 fa's; neither names where node 0 handed it out. Node 3 arrives last.
  const gates = new Map<number, Gate>();
  const bed = await startCompositionTestbed('sim', [['f0'], ['fa'], ['fb'], ['fc', 'fd']], {
    continuation: () => new GatedContinuation(gates),
  });
  const home = await startStateServer('127.0.0.1:0');
  const client = new GrpcLambdaClient(bed.router.endpoint);
  try {
    home.store.put('s', Buffer.from('s'));
    gates.set(2, new Gate()).set(3, new Gate());
    const dag = new Dag([[1], [2, 3], [4], [4]], ['f0', 'fa', 'fb', 'fc', 'fd'], { s: ['fa', 'fb', 'fd'] });
    const ack = await client.runLambda(
      lambdaRequest({
        name: 'f0',
        input: '{}',
        callback: bed.callbacks.endpoint,
        uuid: randomUUID(),
        states: { s: { name: 's', location: home.endpoint, content: Buffer.alloc(0) } },
        ...dag.toRequestFields(),
      }),
    );
    assert.equal(ack.retcode, 'OK');
    gates.get(2)!.open();
    await gates.get(2)!.passed;
    gates.get(3)!.open();
    const res = await bed.callbacks.next(60_000);
    assert.ok(res !== undefined, 'no callback');
    assert.deepEqual([res.retcode, res.hops], ['OK', 8]);
    assert.equal(res.states.s?.location, bed.computers[3]!.stateEndpoint);
  } finally {
    client.close();
    await home.stop();
    await bed.stop();
  }
});
