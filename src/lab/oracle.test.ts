import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Computer } from '../platform/computer.js';
import { FixedRequirements, Lambda } from '../platform/lambda.js';
import { VirtualScheduler } from '../support/virtual-scheduler.js';
import { completionTime, Oracle, simulate, snapshot } from './oracle.js';

/** A computer on `scheduler` with one single-core processor of `speed` ops/s serving `f` (`ops` per request). */
function computer(scheduler: VirtualScheduler, name: string, speed: number, ops: number): Computer {
  const c = new Computer(name, 0, scheduler);
  c.addProcessor('cpu', 'GenericCpu', speed, 1, 1e9);
  c.addContainer('c0', 'cpu', new Lambda('f', new FixedRequirements(ops, 0)), 10);
  return c;
}

function close(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) < 1e-9, `${what}: expected ${expected}, got ${actual}`);
}

test('completion time under processor sharing, hand-checked', () => {
  const one = (active: number[], pending: number[] = [], workers = 10) => ({
    speed: 1,
    cores: 1,
    containers: [{ workers, active, pending }],
  });
  close(completionTime(one([]), [{ delay: 0, container: 0, ops: 4 }]), 4, 'idle');
  close(completionTime(one([]), [{ delay: 0.5, container: 0, ops: 4 }]), 4.5, 'idle, after a network delay');
  // Residuals 1 and 3 and a new 4: all at 1/3 until 1 is done (t=3), then 1/2 until 3 is done (t=3+4=7), then alone: 7+1 = 8.
  close(completionTime(one([1, 3]), [{ delay: 0, container: 0, ops: 4 }]), 8, 'two active');
  // The delay lets the task of 1 finish first: 1 s alone... both at 1/2: 1 is done at 2 (delay 2 consumed), 3 has 2 left.
  close(
    completionTime(one([1, 3]), [{ delay: 2, container: 0, ops: 4 }]),
    2 + 4 + 2,
    'arriving after a completion',
  );
  // One worker: the new task waits for 3, then runs alone.
  close(
    completionTime(one([3], [], 1), [{ delay: 0, container: 0, ops: 4 }]),
    7,
    'queued behind a busy worker',
  );
  close(
    completionTime(one([3], [2], 1), [{ delay: 0, container: 0, ops: 4 }]),
    9,
    'queued behind a pending task',
  );
  // Another task of 2 arrives at 1 s: 3 then has 2 left; both share until 2 is done at 1 + 4 = 5 s, then 4 alone: 9.
  close(
    completionTime(one([3]), [
      { delay: 1, container: 0, ops: 2 },
      { delay: 1, container: 0, ops: 4 },
    ]),
    1 + 6 + 1 + 1,
    'two arrivals, the last one timed',
  );
  // Two cores: up to two tasks run at full speed.
  close(
    completionTime({ speed: 2, cores: 2, containers: [{ workers: 9, active: [4], pending: [] }] }, [
      { delay: 0, container: 0, ops: 4 },
    ]),
    2,
    '2 cores',
  );
  close(
    completionTime({ speed: 2, cores: 2, containers: [{ workers: 9, active: [4, 4], pending: [] }] }, [
      { delay: 0, container: 0, ops: 6 },
    ]),
    // three tasks share 4 ops/s (4/3 each) until the 4s are done at t=3 (new one has 2 left), then alone at 2: t=4.
    4,
    '2 cores, 3 tasks',
  );
});

test('the prediction is what the computer model then does, and the oracle picks the earliest completion', async () => {
  const scheduler = new VirtualScheduler();
  const slow = computer(scheduler, 'slow', 1, 4);
  const fast = computer(scheduler, 'fast', 2, 4);
  const oracle = new Oracle(
    [
      { name: 'slow', computer: slow },
      { name: 'fast', computer: fast },
    ],
    0,
    () => scheduler.now(),
  );
  const req = { name: 'f', input: '', states: {} };
  assert.equal(oracle.choose('f', 4), 'fast', 'both idle: the fast one (2 s against 4 s)');
  fast.submit(req);
  fast.submit(req);
  // fast has two tasks of 4 at 2 ops/s: a third completes at 6 s; slow idle completes at 4 s.
  assert.equal(oracle.choose('f', 4), 'slow');
  scheduler.after(1, () => undefined);
  await scheduler.run(1);
  const { state, target } = snapshot(fast, 'f');
  assert.deepEqual(state.containers[0]!.active, [3, 3]);
  const predicted = completionTime(state, [{ delay: 0.25, container: target, ops: 4 }]);
  let done = -1;
  scheduler.after(0.25, () => {
    void fast.submit(req).done.then(() => (done = scheduler.now()));
  });
  await scheduler.run();
  close(done - 1, predicted, 'model against prediction');
  slow.close();
  fast.close();
});

test('the total of all completion times, and the marginal oracle sparing the tasks already running', async () => {
  // A task of 10 ops alone on a speed-2 computer (done at 5 s); a new task of 1 op: sharing, both progress at
  // 1 op/s, the new one is done at 1 s and the old one has 9 left, done at 1 + 4.5 = 5.5 s.
  const busy = { speed: 2, cores: 1, containers: [{ workers: 10, active: [10], pending: [] }] };
  assert.deepEqual(simulate(busy, []), { last: NaN, total: 5 });
  const shared = simulate(busy, [{ delay: 0, container: 0, ops: 1 }]);
  close(shared.last, 1, 'the new task');
  close(shared.total, 6.5, 'both tasks');
  // Live: the fast computer busy like that, a slow idle one of speed 0.9 (the new task alone: 1.11 s).
  const scheduler = new VirtualScheduler();
  const fast = computer(scheduler, 'fast', 2, 10);
  const slow = computer(scheduler, 'slow', 0.9, 10);
  fast.submit({ name: 'f', input: '', states: {} });
  const computers = [
    { name: 'fast', computer: fast },
    { name: 'slow', computer: slow },
  ];
  const clock = (): number => scheduler.now();
  // Earliest completion: 1 s on the fast one against 1.11 s; least added delay: 1 + 0.5 s against 1.11 s.
  assert.equal(new Oracle(computers, 0, clock, 'first-completion').choose('f', 1), 'fast');
  assert.equal(new Oracle(computers, 0, clock, 'least-added-delay').choose('f', 1), 'slow');
  fast.close();
  slow.close();
});
