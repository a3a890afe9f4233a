// Port of the original's Test/testcomputer.cpp (spec §12.3), plus the computer behaviour of spec §5.1–§5.5.
// These tests run on the wall clock: tolerances are generous and the scenarios short.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { compose } from './composer.js';
import { Computer, type TaskResult } from './computer.js';
import { FixedRequirements, Lambda } from './lambda.js';

const DEFAULT_CONF =
  'type=raspberry,num-cpu-containers=1,num-cpu-workers=4,num-gpu-containers=1,num-gpu-workers=2';

function seconds(): number {
  return performance.now() / 1000;
}

function req(name: string, input = 'input'): { name: string; input: string; states: Record<string, never> } {
  return { name, input, states: {} };
}

/** Waits for a promise, failing after `limit` seconds. */
async function within<T>(promise: Promise<T>, limit: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not done within ${limit} s`)), limit * 1000);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Waits until `condition` holds, failing after `limit` seconds. */
async function waitFor(condition: () => boolean, limit: number): Promise<void> {
  const end = seconds() + limit;
  while (!condition()) {
    if (seconds() > end) throw new Error(`condition not met within ${limit} s`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

function approx(actual: number, expected: number, tolerance: number, what = ''): void {
  assert.ok(
    Math.abs(actual - expected) <= tolerance,
    `${what} expected ${expected} ± ${tolerance}, got ${actual}`,
  );
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

async function singleContainer(numWorkers: number): Promise<void> {
  const computer = new Computer('computer1', 0);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('container', 'cpu', new Lambda('lambda', new FixedRequirements(10, 1)), numWorkers);
  try {
    let start = seconds();
    const first = computer.submit(req('lambda'));
    assert.equal(first.id, 0);
    const result = await within(first.done, 1);
    assert.ok(seconds() - start > 0.1);
    assert.equal(result.id, 0);
    assert.equal(result.response.output, 'input');
    assert.equal(result.response.retcode, 'OK');
    assert.equal(result.response.ptime, Math.round(result.elapsed * 1000));

    // add 10 tasks
    start = seconds();
    const tasks = [];
    for (let i = 0; i < 10; i++) {
      const task = computer.submit(req('lambda'));
      assert.equal(task.id, i + 1);
      tasks.push(task.done);
    }
    const results = await within(Promise.all(tasks), 5);
    const elapsed = seconds() - start;
    assert.ok(elapsed > 1 && elapsed <= 5, `elapsed ${elapsed}`);
    assert.deepEqual(
      results.map((r) => r.id),
      [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
    );
  } finally {
    computer.close();
  }
}

// The three variants run concurrently (independent computers) to keep the file short.
void test('TestComputer.test_single_container', { concurrency: true }, async (t) => {
  await Promise.all(
    [1, 5, 100].map((n) =>
      t.test(`TestComputer.test_single_container_${n}worker${n > 1 ? 's' : ''}`, () => singleContainer(n)),
    ),
  );
});

void test('TestComputer.test_multiple_containers', async () => {
  // A slow cpu and a 10× faster gpu hosting a simple and a complex lambda: the two cpu tasks (0.1 s and
  // 0.2 s) and the two simple gpu tasks (≈0.02 s and 0.04 s, sharing the gpu with the complex one) all
  // complete before the complex task (1000 ops, ≈1.02 s), although it was submitted last but one.
  const computer = new Computer('computer1', 0);
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
    const expected = new Set<number>();
    const submit = (name: string): number => {
      const { id, done } = computer.submit(req(name));
      void done.then((r) => order.push(r));
      return id;
    };
    const before = seconds();
    expected.add(submit('lambda'));
    expected.add(submit('lambda'));
    expected.add(submit('lambda_simple'));
    expected.add(submit('lambda_simple'));
    const complex = submit('lambda_complex');
    // The simple gpu tasks run alone while the complex one is not submitted yet: on a loaded machine the
    // submissions can be a millisecond apart, and the complex task then shares the gpu that much less.
    const spread = seconds() - before;
    assert.equal(complex, 4);

    await waitFor(() => order.length >= 4, 1);
    assert.deepEqual(new Set(order.slice(0, 4).map((r) => r.id)), expected);
    await waitFor(() => order.length === 5, 1.5);
    assert.equal(order[4]!.id, 4);
    const elapsed = order[4]!.elapsed;
    assert.ok(elapsed >= 1.02 - spread - 1e-3 && elapsed < 1.5, `complex task took ${elapsed} s`);
  } finally {
    computer.close();
  }
});

void test('processor sharing across containers: two tasks on a 1-core and on a 4-core processor', async () => {
  const build = (cores: number): Computer => {
    const computer = new Computer(`c${cores}`, 0);
    computer.addProcessor('cpu', 'GenericCpu', 1000, cores, 1000);
    computer.addContainer('a', 'cpu', new Lambda('la', new FixedRequirements(200, 1)), 1);
    computer.addContainer('b', 'cpu', new Lambda('lb', new FixedRequirements(200, 1)), 1);
    return computer;
  };
  const one = build(1);
  const four = build(4);
  try {
    const before = seconds();
    const tasks = [one, four].flatMap((c) => [c.submit(req('la')).done, c.submit(req('lb')).done]);
    // On a loaded machine the submissions can be milliseconds apart, and a task alone meanwhile goes faster.
    const spread = seconds() - before;
    const [a1, b1, a4, b4] = await within(Promise.all(tasks), 2);
    // started together, both end at 2·ops/speed = 0.4 s on one core and at ops/speed = 0.2 s on four
    for (const r of [a1!, b1!])
      assert.ok(r.elapsed >= 0.399 - spread && r.elapsed < 0.6, `1 core: ${r.elapsed}`);
    for (const r of [a4!, b4!]) assert.ok(r.elapsed >= 0.199 && r.elapsed < 0.35, `4 cores: ${r.elapsed}`);
  } finally {
    one.close();
    four.close();
  }
});

void test('dry-run simulate() estimate', async () => {
  const computer = new Computer('computer1', 0);
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
    approx(computer.simulate(req('lambda')).seconds, 0.5 + 0.5, 0.05);
    others.push(computer.submit(req('lambda')).done);
    // one pending task more
    approx(computer.simulate(req('lambda')).seconds, 1.5, 0.05);
    // nothing was executed by the dry runs
    const results = await within(Promise.all([first, ...others]), 3);
    assert.deepEqual(
      results.map((r) => r.id),
      [0, 1, 2, 3, 4, 5],
    );
  } finally {
    computer.close();
  }
});

void test('§5.2 worked example: raspberry clambda0 with a 100-byte input takes ≈1.04 ms when idle', async () => {
  const computer = new Computer('computer@127.0.0.1:6473', 0);
  compose(computer, DEFAULT_CONF);
  try {
    const input = 'x'.repeat(100);
    assert.deepEqual(computer.container('clambda0').lambda.requirements({ input }), {
      ops: 1.04e8,
      mem: 10_000,
    });
    approx(computer.simulate(req('clambda0', input)).seconds, 1.04e-3, 1e-12);
    const result = await within(computer.submit(req('clambda0', input)).done, 1);
    assert.equal(result.response.output, input);
    assert.equal(result.response.retcode, 'OK');
    assert.ok(result.elapsed >= 1.04e-3 - 1e-6 && result.elapsed < 0.2, `elapsed ${result.elapsed}`);
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
  const computer = new Computer('computer1', 0);
  computer.addProcessor('cpu', 'GenericCpu', 1000, 1, 1000);
  computer.addContainer('c', 'cpu', new Lambda('lambda', new FixedRequirements(1, 1)), 1);
  try {
    await within(computer.submit(req('lambda')).done, 1);
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
  const computer = new Computer('computer1', 0);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 10);
  computer.addContainer('a', 'cpu', new Lambda('la', new FixedRequirements(10, 10)), 1);
  computer.addContainer('b', 'cpu', new Lambda('lb', new FixedRequirements(10, 10)), 1);
  try {
    const before = seconds();
    const a = computer.submit(req('la')).done;
    const b = computer.submit(req('lb')).done;
    // b ends 0.2 s after a's submission: its own elapsed time is shorter by the gap between the two.
    const spread = seconds() - before;
    assert.equal(computer.container('lb').pendingCount, 1);
    const [ra, rb] = await within(Promise.all([a, b]), 2);
    assert.ok(ra.elapsed >= 0.099 && ra.elapsed < 0.3, `a: ${ra.elapsed}`);
    assert.ok(rb.elapsed >= 0.199 - spread && rb.elapsed < 0.5, `b: ${rb.elapsed}`);
  } finally {
    computer.close();
  }
});

void test('a late timer does not change the sharing factors', async () => {
  // 1 core at 100 ops/s: a (10 ops) and b (40 ops) share it until a ends at 0.2 s; b then runs alone and
  // ends at 0.5 s. The event loop is blocked for 0.35 s, past a's completion: b must still end at 0.5 s
  // (advancing both tasks by 0.35 s at the shared speed would end it at 0.575 s).
  const computer = new Computer('computer1', 0);
  computer.addProcessor('cpu', 'GenericCpu', 100, 1, 1000);
  computer.addContainer('a', 'cpu', new Lambda('la', new FixedRequirements(10, 1)), 1);
  computer.addContainer('b', 'cpu', new Lambda('lb', new FixedRequirements(40, 1)), 1);
  try {
    const before = seconds();
    const a = computer.submit(req('la')).done;
    const b = computer.submit(req('lb')).done;
    // b ends 0.5 s after a's submission: its own elapsed time is shorter by the gap between the two.
    const spread = seconds() - before;
    const end = performance.now() + 350;
    while (performance.now() < end) {
      // busy wait: block the event loop
    }
    const [ra, rb] = await within(Promise.all([a, b]), 2);
    assert.ok(ra.elapsed >= 0.35, `a delivered after the block: ${ra.elapsed}`);
    assert.ok(rb.elapsed >= 0.499 - spread && rb.elapsed < 0.55, `b: ${rb.elapsed}`);
  } finally {
    computer.close();
  }
});

void test('utilization: an intel-server serving one request at a time reports ≈0.05', async () => {
  const computer = new Computer('computer1', 0.2);
  compose(computer, 'type=intel-server,num-containers=1,num-workers=1');
  const samples: number[] = [];
  computer.on('utilization', (u) => samples.push(u['xeon']!));
  try {
    // 1e6·396 + 4e6 = 4e8 ops at 4e9 ops/s: 0.1 s each
    const input = 'x'.repeat(396);
    let last: TaskResult | undefined;
    while (samples.length < 3) last = await within(computer.submit(req('clambda0', input)).done, 1);
    for (const u of samples) approx(u, 0.05, 0.005, 'utilization');
    // loads reported in responses (×100) once samples exist
    last = await within(computer.submit(req('clambda0', input)).done, 1);
    assert.ok(last.response.load1 >= 4 && last.response.load1 <= 5, `load1 ${last.response.load1}`);
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
    await new Promise((resolve) => setTimeout(resolve, 50));
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
