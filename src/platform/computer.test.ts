// Port of the original's Test/testcomputer.cpp (spec §12.3), plus the computer behaviour of spec §5.1–§5.5.
// The model runs on a simulated clock (VirtualScheduler), so that times and ptimes are exact whatever the
// load of the machine; two tests run it on the wall clock, asserting only what a late timer cannot break.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { compose } from './composer.js';
import { Computer, type TaskResult } from './computer.js';
import { FixedRequirements, Lambda } from './lambda.js';
import type { Cancel, Scheduler } from '../support/scheduler.js';
import { VirtualScheduler } from '../support/virtual-scheduler.js';

const DEFAULT_CONF =
  'type=raspberry,num-cpu-containers=1,num-cpu-workers=4,num-gpu-containers=1,num-gpu-workers=2';

function req(name: string, input = 'input'): { name: string; input: string; states: Record<string, never> } {
  return { name, input, states: {} };
}

/** A computer on a simulated clock starting at 0; `samplePeriod` 0 (default): no utilization sampling. */
function virtualComputer(samplePeriod = 0, clock = new VirtualScheduler()): Computer {
  return new Computer('computer1', samplePeriod, clock);
}

/** Runs the clock until no event is left (or past `until`), then returns `promise`, which must be settled. */
async function settle<T>(clock: VirtualScheduler, promise: Promise<T>, until = Infinity): Promise<T> {
  let settled = false;
  const mark = (): void => {
    settled = true;
  };
  promise.then(mark, mark);
  await clock.run(until);
  assert.ok(settled, `not settled when the clock stopped at ${clock.now()} s`);
  return promise;
}

function approx(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} expected ${expected} ± ${tolerance}, got ${actual}`,
  );
}

/** Elapsed seconds of each result, rounded to the nanosecond (floating-point sums of the model's steps). */
function elapsed(results: TaskResult[]): number[] {
  return results.map((r) => Math.round(r.elapsed * 1e9) / 1e9);
}

void test('TestComputer.test_ctor', () => {
  // The original's constructor requires a completion callback; here completions are promises.
  const computer = new Computer('computer1');
  assert.equal(computer.name, 'computer1');
  assert.equal(computer.toString(), 'computer computer1');
  computer.close();
});

void test('TestComputer.test_add_processors_containers', () => {
  const computer = new Computer('computer1', 0);
  for (let i = 1; i <= 3; i++) computer.addProcessor(`cpu${i}`, 'GenericCpu', 100, 1, 1000);
  for (let i = 1; i <= 3; i++) {
    computer.addContainer(
      `a_container${i}`,
      `cpu${i}`,
      new Lambda(`a_lambda${i}`, new FixedRequirements(1, 1)),
      i,
    );
    computer.addContainer(
      `b_container${i}`,
      `cpu${i}`,
      new Lambda(`b_lambda${i}`, new FixedRequirements(1, 1)),
      i,
    );
  }
  const lambda1 = new Lambda('lambda1', new FixedRequirements(1, 1));

  // cannot add a processor with the same name
  assert.throws(() => computer.addProcessor('cpu1', 'GenericCpu', 1, 1, 1), {
    message: 'Duplicate processor cpu1 added to computer computer1',
  });
  // cannot add a container with the same name
  assert.throws(() => computer.addContainer('a_container1', 'cpu1', lambda1, 1), {
    message: 'Duplicate container a_container1 hosted by processor cpu1 added to computer computer1',
  });
  // cannot add a container bound to a processor that does not exist
  assert.throws(() => computer.addContainer('new_container', 'cpuX', lambda1, 1), {
    message: 'No processor cpuX found in computer computer1',
  });
  // cannot add a container with the same lambda name
  assert.throws(
    () =>
      computer.addContainer('a_containerX', 'cpu1', new Lambda('a_lambda1', new FixedRequirements(1, 1)), 1),
    { message: 'Duplicate lambda a_lambda1 added to computer computer1' },
  );

  // The original's stream output ends every line with '\n'; toString() omits the last one.
  assert.equal(
    computer.toString() + '\n',
    'computer computer1\n' +
      'processor name cpu1, type GenericCpu, 1 cores, speed 100 operations/s per core, memory total/available/used 1000/1000/0 bytes, 0 running tasks\n' +
      'processor name cpu2, type GenericCpu, 1 cores, speed 100 operations/s per core, memory total/available/used 1000/1000/0 bytes, 0 running tasks\n' +
      'processor name cpu3, type GenericCpu, 1 cores, speed 100 operations/s per core, memory total/available/used 1000/1000/0 bytes, 0 running tasks\n' +
      'container name a_container1, lambda name a_lambda1, num-workers 1, active 0, pending 0\n' +
      'container name a_container2, lambda name a_lambda2, num-workers 2, active 0, pending 0\n' +
      'container name a_container3, lambda name a_lambda3, num-workers 3, active 0, pending 0\n' +
      'container name b_container1, lambda name b_lambda1, num-workers 1, active 0, pending 0\n' +
      'container name b_container2, lambda name b_lambda2, num-workers 2, active 0, pending 0\n' +
      'container name b_container3, lambda name b_lambda3, num-workers 3, active 0, pending 0\n',
  );
  computer.close();
});

void test('dump lists processors by name and containers by lambda name', () => {
  const computer = new Computer('c', 0);
  computer.addProcessor('zeta', 'GenericGpu', 1e11, 1, 10);
  computer.addProcessor('alpha', 'GenericCpu', 4e9, 2, 10);
  computer.addContainer('c1', 'zeta', new Lambda('z', new FixedRequirements(1, 1)), 1);
  computer.addContainer('c2', 'alpha', new Lambda('a', new FixedRequirements(1, 1)), 1);
  assert.deepEqual(computer.toString().split('\n'), [
    'computer c',
    'processor name alpha, type GenericCpu, 2 cores, speed 4e+09 operations/s per core, memory total/available/used 10/10/0 bytes, 0 running tasks',
    'processor name zeta, type GenericGpu, 1 cores, speed 1e+11 operations/s per core, memory total/available/used 10/10/0 bytes, 0 running tasks',
    'container name c2, lambda name a, num-workers 1, active 0, pending 0',
    'container name c1, lambda name z, num-workers 1, active 0, pending 0',
  ]);
  computer.close();
});

async function singleContainer(numWorkers: number, expected: number[]): Promise<void> {
  const clock = new VirtualScheduler();
  const computer = virtualComputer(0, clock);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('container', 'cpu', new Lambda('lambda', new FixedRequirements(10, 1)), numWorkers);
  try {
    const first = computer.submit(req('lambda'));
    assert.equal(first.id, 0);
    const result = await settle(clock, first.done);
    assert.equal(result.id, 0);
    assert.equal(result.elapsed, 0.1);
    assert.equal(result.response.output, 'input');
    assert.equal(result.response.retcode, 'OK');
    assert.equal(result.response.ptime, 100);

    // add 10 tasks: 100 operations at 100 ops/s, however many workers share the core
    const tasks = [];
    for (let i = 0; i < 10; i++) {
      const task = computer.submit(req('lambda'));
      assert.equal(task.id, i + 1);
      tasks.push(task.done);
    }
    const results = await settle(clock, Promise.all(tasks));
    assert.deepEqual(
      results.map((r) => r.id),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.deepEqual(elapsed(results), expected);
    assert.deepEqual(
      results.map((r) => r.response.ptime),
      expected.map((e) => Math.round(e * 1000)),
    );
    assert.equal(Math.round(clock.now() * 1e9) / 1e9, 1.1);
  } finally {
    computer.close();
  }
}

void test('TestComputer.test_single_container', async (t) => {
  // One worker: one after the other. Five: five share the core at 20 ops/s, then the next five.
  // A hundred: all ten share it at 10 ops/s.
  await t.test('TestComputer.test_single_container_1worker', () =>
    singleContainer(1, [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]),
  );
  await t.test('TestComputer.test_single_container_5workers', () =>
    singleContainer(5, [0.5, 0.5, 0.5, 0.5, 0.5, 1, 1, 1, 1, 1]),
  );
  await t.test('TestComputer.test_single_container_100workers', () =>
    singleContainer(100, [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]),
  );
});

void test('TestComputer.test_multiple_containers', async () => {
  // A slow cpu and a 10× faster gpu hosting a simple and a complex lambda: the two cpu tasks (0.1 s and
  // 0.2 s) and the two simple gpu tasks (0.02 s and 0.04 s, sharing the gpu with the complex one) all
  // complete before the complex task (20 ops at half speed, then 980 alone: 1.02 s), although it was
  // submitted last but one.
  const clock = new VirtualScheduler();
  const computer = virtualComputer(0, clock);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('container_cpu', 'cpu', new Lambda('lambda', new FixedRequirements(10, 1)), 1);
  computer.addProcessor('gpu', 'GenericGpu', 1000, 1, 1000);
  computer.addContainer(
    'container_gpu1',
    'gpu',
    new Lambda('lambda_simple', new FixedRequirements(10, 1)),
    1,
  );
  computer.addContainer(
    'container_gpu2',
    'gpu',
    new Lambda('lambda_complex', new FixedRequirements(1000, 1)),
    1,
  );
  try {
    const order: TaskResult[] = [];
    const submit = (name: string): Promise<number> => {
      const { done } = computer.submit(req(name));
      return done.then((r) => order.push(r));
    };
    const all = Promise.all(
      ['lambda', 'lambda', 'lambda_simple', 'lambda_simple', 'lambda_complex'].map(submit),
    );
    await settle(clock, all);
    assert.deepEqual(
      order.map((r) => r.id),
      [2, 3, 0, 1, 4],
    );
    assert.deepEqual(elapsed(order), [0.02, 0.04, 0.1, 0.2, 1.02]);
  } finally {
    computer.close();
  }
});

void test('processor sharing across containers: two tasks on a 1-core and on a 4-core processor', async () => {
  const clock = new VirtualScheduler();
  const build = (cores: number): Computer => {
    const computer = new Computer(`c${cores}`, 0, clock);
    computer.addProcessor('cpu', 'GenericCpu', 1000, cores, 1000);
    computer.addContainer('a', 'cpu', new Lambda('la', new FixedRequirements(200, 1)), 1);
    computer.addContainer('b', 'cpu', new Lambda('lb', new FixedRequirements(200, 1)), 1);
    return computer;
  };
  const one = build(1);
  const four = build(4);
  try {
    const tasks = [one, four].flatMap((c) => [c.submit(req('la')).done, c.submit(req('lb')).done]);
    // started together, both end at 2·ops/speed = 0.4 s on one core and at ops/speed = 0.2 s on four
    assert.deepEqual(elapsed(await settle(clock, Promise.all(tasks))), [0.4, 0.4, 0.2, 0.2]);
  } finally {
    one.close();
    four.close();
  }
});

void test('dry-run simulate() estimate', async () => {
  const clock = new VirtualScheduler();
  const computer = virtualComputer(0, clock);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('container', 'cpu', new Lambda('lambda', new FixedRequirements(10, 1)), 5);
  try {
    // idle: ops / speed; loads are 0 before any sample
    const idle = computer.simulate(req('lambda'));
    approx(idle.seconds, 0.1, 1e-12);
    assert.deepEqual(idle.loads, { load1: 0, load10: 0, load30: 0 });
    const first = computer.submit(req('lambda')).done;
    // a free worker: the new task would share the processor with the active one
    approx(computer.simulate(req('lambda')).seconds, 10 / (100 / 2), 1e-12);
    const others = [1, 2, 3, 4].map(() => computer.submit(req('lambda')).done);
    // all workers busy: the head's residual time plus the new task, at 100/5 ops/s
    approx(computer.simulate(req('lambda')).seconds, 0.5 + 0.5, 1e-12);
    others.push(computer.submit(req('lambda')).done);
    // one pending task more
    approx(computer.simulate(req('lambda')).seconds, 1.5, 1e-12);
    // half-way through, the head's residual time is half as long
    clock.after(0.25, () => undefined); // the clock moves only from event to event
    await clock.run(0.25);
    approx(computer.simulate(req('lambda')).seconds, 0.25 + 0.5 + 0.5, 1e-12);
    // nothing was executed by the dry runs: five share the core until 0.5 s, the sixth then runs alone
    const results = await settle(clock, Promise.all([first, ...others]));
    assert.deepEqual(
      results.map((r) => r.id),
      [0, 1, 2, 3, 4, 5],
    );
    assert.deepEqual(elapsed(results), [0.5, 0.5, 0.5, 0.5, 0.5, 0.6]);
  } finally {
    computer.close();
  }
});

void test('§5.2 worked example: raspberry clambda0 with a 100-byte input takes 1.04 ms when idle', async () => {
  const clock = new VirtualScheduler();
  const computer = new Computer('computer@127.0.0.1:6473', 0, clock);
  compose(computer, DEFAULT_CONF);
  try {
    const input = 'x'.repeat(100);
    assert.deepEqual(computer.container('clambda0').lambda.requirements({ input }), {
      ops: 1.04e8,
      mem: 10_000,
    });
    approx(computer.simulate(req('clambda0', input)).seconds, 1.04e-3, 1e-12);
    const result = await settle(clock, computer.submit(req('clambda0', input)).done);
    assert.equal(result.response.output, input);
    assert.equal(result.response.retcode, 'OK');
    approx(result.elapsed, 1.04e-3, 1e-12);
    assert.equal(result.response.ptime, 1);
  } finally {
    computer.close();
  }
});

void test('on the wall clock: a task is delivered no earlier than its model time, ptime is its elapsed ms', async () => {
  // Timers fire late on a loaded machine: a delivery can be late, never early.
  const computer = new Computer('computer1', 0);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('c', 'cpu', new Lambda('lambda', new FixedRequirements(10, 1)), 1);
  try {
    const before = performance.now() / 1000;
    const result = await computer.submit(req('lambda')).done;
    const wall = performance.now() / 1000 - before;
    assert.ok(result.elapsed >= 0.1 - 1e-9, `elapsed ${result.elapsed} s`);
    assert.ok(result.elapsed <= wall, `elapsed ${result.elapsed} s beyond the ${wall} s measured around it`);
    assert.equal(result.response.ptime, Math.round(result.elapsed * 1000));
  } finally {
    computer.close();
  }
});

void test('memory need above the processor total', () => {
  const computer = new Computer('computer1', 0);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('c_big', 'cpu', new Lambda('big', new FixedRequirements(1, 1001)), 1);
  computer.addContainer('c_fit', 'cpu', new Lambda('fit', new FixedRequirements(1, 1000)), 1);
  const message =
    'Container c_big cannot handle request big since the memory requirements exceed the total available in the processor: 1000 <= 1001';
  try {
    assert.throws(() => computer.submit(req('big')), { message });
    assert.throws(() => computer.simulate(req('big')), { message });
    // exactly the total is fine
    assert.doesNotThrow(() => computer.simulate(req('fit')));
    assert.equal(computer.submit(req('fit')).id, 0);
  } finally {
    computer.close();
  }
});

void test('unknown lambda', () => {
  const computer = new Computer('computer1', 0);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('c', 'cpu', new Lambda('lambda', new FixedRequirements(1, 1)), 1);
  const message = 'No container for lambda foo found in computer computer1';
  assert.throws(() => computer.submit(req('foo')), { message });
  assert.throws(() => computer.simulate(req('foo')), { message });
  assert.throws(() => computer.container('foo'), { message });
  computer.close();
});

void test('no configuration after the first task', async () => {
  const clock = new VirtualScheduler();
  const computer = virtualComputer(0, clock);
  computer.addProcessor('cpu', 'GenericCpu', 1000, 1, 1000);
  computer.addContainer('c', 'cpu', new Lambda('lambda', new FixedRequirements(1, 1)), 1);
  try {
    await settle(clock, computer.submit(req('lambda')).done);
    const message = 'Configuration after initialization is complete';
    assert.throws(() => computer.addProcessor('cpu2', 'GenericCpu', 1, 1, 1), { message });
    assert.throws(
      () => computer.addContainer('c2', 'cpu', new Lambda('l2', new FixedRequirements(1, 1)), 1),
      {
        message,
      },
    );
  } finally {
    computer.close();
  }
});

void test('a pending task of an idle container starts when another container frees the memory', async () => {
  // The original admits pending tasks only on completions in their own container: here container b has
  // no active task, so its pending task would wait forever.
  const clock = new VirtualScheduler();
  const computer = virtualComputer(0, clock);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 10);
  computer.addContainer('a', 'cpu', new Lambda('la', new FixedRequirements(10, 10)), 1);
  computer.addContainer('b', 'cpu', new Lambda('lb', new FixedRequirements(10, 10)), 1);
  try {
    const a = computer.submit(req('la')).done;
    const b = computer.submit(req('lb')).done;
    assert.equal(computer.container('lb').pendingCount, 1);
    // a runs alone until 0.1 s, then b until 0.2 s
    assert.deepEqual(elapsed(await settle(clock, Promise.all([a, b]))), [0.1, 0.2]);
  } finally {
    computer.close();
  }
});

/**
 * A simulated event loop blocked until `until`: timers due before then run at `until` (in their order),
 * as real timers do after a long synchronous task.
 */
function blockedUntil(clock: VirtualScheduler, until: number): Scheduler {
  const delay = (seconds: number): number => Math.max(seconds, until - clock.now());
  return {
    now: () => clock.now(),
    after: (seconds: number, fn: () => void): Cancel => clock.after(delay(seconds), fn),
    every: (seconds: number, fn: () => void): Cancel => clock.every(seconds, fn),
  };
}

void test('a late timer does not change the sharing factors', async () => {
  // 1 core at 100 ops/s: a (10 ops) and b (40 ops) share it until a ends at 0.2 s; b then runs alone and
  // ends at 0.5 s. The event loop is blocked until 0.35 s, past a's completion: b must still end at 0.5 s
  // (advancing both tasks by 0.35 s at the shared speed would end it at 0.575 s).
  const clock = new VirtualScheduler();
  const computer = new Computer('computer1', 0, blockedUntil(clock, 0.35));
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('a', 'cpu', new Lambda('la', new FixedRequirements(10, 1)), 1);
  computer.addContainer('b', 'cpu', new Lambda('lb', new FixedRequirements(40, 1)), 1);
  try {
    const a = computer.submit(req('la')).done;
    const b = computer.submit(req('lb')).done;
    // a is delivered when the loop is free again; b on time
    assert.deepEqual(elapsed(await settle(clock, Promise.all([a, b]))), [0.35, 0.5]);
  } finally {
    computer.close();
  }
});

void test('utilization: an intel-server serving one request at a time reports 0.05', async () => {
  // Samples every 0.23 s, apart from the completions (every 0.1 s), so that no two events tie.
  const clock = new VirtualScheduler();
  const computer = virtualComputer(0.23, clock);
  compose(computer, 'type=intel-server,num-containers=1,num-workers=1');
  const samples: number[] = [];
  computer.on('utilization', (u) => samples.push(u['xeon']!));
  // 1e6·396 + 4e6 = 4e8 ops at 4e9 ops/s: 0.1 s each, the next submitted as the previous one completes
  const input = 'x'.repeat(396);
  const results: TaskResult[] = [];
  const next = (): void => {
    void computer.submit(req('clambda0', input)).done.then((r) => {
      results.push(r);
      next();
    });
  };
  try {
    next();
    await clock.run(0.75);
    // one of 20 cores busy all along
    assert.equal(samples.length, 3);
    for (const u of samples) approx(u, 0.05, 1e-12, 'utilization');
    // loads reported in responses (×100): 0 until the first sample, at 0.23 s
    assert.deepEqual(
      results.map((r) => r.response.load1),
      [0, 0, 0, 5, 5, 5, 5],
    );
    assert.deepEqual(
      results.map((r) => r.response.ptime),
      [100, 100, 100, 100, 100, 100, 100],
    );
  } finally {
    computer.close();
  }
});

void test('a very long task does not overflow the timer', async () => {
  // 1e13 s away: Node's setTimeout would overflow (> 2^31 ms), fire every millisecond and warn.
  const computer = new Computer('computer1', 0);
  computer.addProcessor('cpu', 'GenericCpu', 1, 1, 1000);
  computer.addContainer('c', 'cpu', new Lambda('lambda', new FixedRequirements(1e13, 1)), 1);
  const warnings: Error[] = [];
  const onWarning = (w: Error): number => warnings.push(w);
  process.on('warning', onWarning);
  try {
    computer.submit(req('lambda'));
    // Node emits the overflow warning on the next tick of the timer's creation, before the next immediate.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(
      warnings.map((w) => w.name),
      [],
    );
    // the only worker is busy: its residual time plus the new task's
    approx(computer.simulate(req('lambda')).seconds, 2e13, 1e3);
  } finally {
    process.off('warning', onWarning);
    computer.close();
  }
});
