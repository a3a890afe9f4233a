// Port of the original's Test/testcontainer.cpp (spec §12.3), plus processor sharing across containers (§5.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container, type Task } from './container.js';
import { FixedRequirements, Lambda, ProportionalRequirements } from './lambda.js';
import { Processor } from './processor.js';

/** A container task carrying the response computed at submission, as the original's Task does. */
interface TestTask extends Task {
  output: string;
}

const NO_LOADS = { load1: 0, load10: 0, load30: 0 };

function approx(actual: number, expected: number, tolerance = 1e-12, message?: string): void {
  assert.ok(Math.abs(actual - expected) <= tolerance, `${message ?? ''} expected ${expected}, got ${actual}`);
}

/** Pushes a request with the given input, as the original's `Container::push(request, id)`. */
function push(container: Container<TestTask>, input: string, id: number): void {
  const { ops, mem } = container.lambda.requirements({ input });
  const { output } = container.lambda.execute({ input, states: {} }, NO_LOADS);
  container.push({ id, ops, mem, residual: ops, output });
}

// Fixture of the original: each task requires 1 operation and 1 byte, the processor has 10 bytes.
const SPEED = 42;
function fixture(): { processor: Processor; lambda: Lambda } {
  return {
    processor: new Processor('cpu1', 'GenericCpu', SPEED, 1, 10),
    lambda: new Lambda('lambda1', new FixedRequirements(1, 1)),
  };
}

void test('TestContainer.test_ctor', () => {
  const { processor, lambda } = fixture();
  assert.doesNotThrow(() => new Container('container1', processor, lambda, 10));
  assert.throws(() => new Container('container1', processor, lambda, 0));
});

void test('TestContainer.test_scheduling_worker_bound', () => {
  const { processor, lambda } = fixture();
  const container = new Container<TestTask>('container1', processor, lambda, 5);

  for (let i = 0; i < 10; i++) {
    push(container, 'pippo', i);
    approx(container.nearest(), 1 / (SPEED / container.activeCount));
    assert.equal(container.activeCount, Math.min(i + 1, 5));
    assert.equal(container.pendingCount, Math.max(0, i - 4));
  }

  for (let i = 0; i < 10; i++) {
    const task = container.pop();
    assert.ok(task !== undefined);
    assert.equal(task.id, i);
    assert.equal(task.mem, 1);
    // The original keeps the active list delta-encoded and reports 1 for ids 0 and 5 (list heads), 0 for
    // the others. This container keeps absolute residuals: nothing was advanced, so every task still has
    // its real residual of 1 operation.
    assert.equal(task.residual, 1);
    assert.equal(task.output, 'pippo');
  }
  assert.equal(container.pop(), undefined);
  assert.equal(processor.used, 0);
  assert.equal(processor.activeTasks, 0);
});

void test('TestContainer.test_simulation', () => {
  const { processor, lambda } = fixture();
  const container = new Container<TestTask>('container1', processor, lambda, 5);
  const ops = lambda.requirements({ input: 'pippo' }).ops;

  approx(container.simulate(ops), 1 / SPEED);

  for (let i = 0; i < 10; i++) {
    push(container, 'pippo', i);
    approx(container.nearest(), 1 / (SPEED / container.activeCount));
    const expected = i < 4 ? (2 + i) / SPEED : (5 * (i - 2)) / SPEED;
    approx(container.simulate(ops), expected, 1e-12, `after push ${i}:`);
    assert.equal(container.activeCount, Math.min(i + 1, 5));
    assert.equal(container.pendingCount, Math.max(0, i - 4));
  }

  approx(container.simulate(ops), 35 / SPEED);
});

void test('TestContainer.test_scheduling_memory_bound', () => {
  const processor = new Processor('cpu1', 'GenericCpu', 42, 1, 100); // 100 bytes
  const lambda = new Lambda('lambda1', new ProportionalRequirements(10, 0, 10, 0)); // 10 ops and 10 bytes per char
  const container = new Container<TestTask>('container1', processor, lambda, 10); // 10 workers
  /** Seconds to execute `ops` operations at the current per-task speed. */
  const ott = (ops: number): number => ops / (processor.speed / container.activeCount);

  // advancing an empty container has no effect, but it cannot go back in time
  assert.doesNotThrow(() => container.advance(0));
  assert.doesNotThrow(() => container.advance(1));
  assert.throws(() => container.advance(-1));

  // 10 + 20 + 30 + 30 = 90 <= 100: all tasks become active
  push(container, 'a', 0);
  push(container, 'ab', 1);
  push(container, 'abc', 2);
  push(container, 'abc', 3);
  assert.equal(container.activeCount, 4);
  assert.equal(container.pendingCount, 0);

  // 90 + 30 > 100: the new task is pending
  push(container, 'abc', 4);
  assert.equal(container.activeCount, 4);
  assert.equal(container.pendingCount, 1);

  // however a smaller request fits (even though an older one is pending)
  push(container, 'a', 5);
  assert.equal(container.activeCount, 5);
  assert.equal(container.pendingCount, 1);

  // a further small request does not fit (memory full)
  push(container, 'a', 6);
  assert.equal(container.activeCount, 5);
  assert.equal(container.pendingCount, 2);
  assert.equal(processor.available, 0);

  // Execute the first task. The original pops it without advancing time, relying on its delta encoding
  // (popping the head implicitly advances the others by the head's residual); with absolute residuals
  // the container is advanced to the completion first, as the computer does.
  approx(container.nearest(), ott(10));
  container.advance(container.nearest());
  assert.equal(container.pop()?.id, 0);
  // the oldest pending task does not fit in memory: nothing is admitted although a worker is free
  assert.equal(container.activeCount, 4);
  assert.equal(container.pendingCount, 2);
  assert.equal(processor.available, 10);

  // task 5 (also 10 ops) completed at the same time; still not enough memory for the pending head
  assert.equal(container.nearest(), 0);
  assert.equal(container.pop()?.id, 5);
  assert.equal(container.activeCount, 3);
  assert.equal(container.pendingCount, 2);
  assert.equal(processor.available, 20);

  // advance time by 5 operations
  approx(container.nearest(), ott(10));
  container.advance(ott(5));
  approx(container.nearest(), ott(5));

  // advance again
  container.advance(ott(5));
  assert.equal(container.nearest(), 0);

  // pop another task: now there is room for all the pending tasks
  assert.equal(container.pop()?.id, 1);
  assert.equal(container.activeCount, 4);
  assert.equal(container.pendingCount, 0);
  assert.equal(processor.available, 0);
});

void test('processor sharing across containers: two tasks on a 1-core and on a 4-core processor', () => {
  for (const [cores, expected] of [
    [1, 2],
    [4, 1],
  ] as const) {
    const processor = new Processor('cpu', 'GenericCpu', 100, cores, 1000);
    const a = new Container<TestTask>('a', processor, new Lambda('la', new FixedRequirements(100, 1)), 1);
    const b = new Container<TestTask>('b', processor, new Lambda('lb', new FixedRequirements(100, 1)), 1);
    push(a, 'x', 0);
    push(b, 'x', 1);
    assert.equal(processor.activeTasks, 2);
    // started together, both finish at 2·ops/speed on 1 core and at ops/speed on 4 cores
    approx(a.nearest(), expected);
    approx(b.nearest(), expected);
    a.advance(expected / 2);
    b.advance(expected / 2);
    approx(a.head()!.residual, 50, 1e-9);
    approx(b.nearest(), expected / 2);
  }
});

void test('dry-run estimate counts pending tasks at the processor-wide per-task speed', () => {
  const processor = new Processor('cpu', 'GenericCpu', 100, 2, 1000);
  const busy = new Container<TestTask>('busy', processor, new Lambda('lb', new FixedRequirements(100, 1)), 3);
  const c = new Container<TestTask>('c', processor, new Lambda('lc', new FixedRequirements(10, 1)), 1);
  // empty: a lone task runs at full speed
  approx(c.simulate(10), 0.1);
  for (let i = 0; i < 3; i++) push(busy, 'x', i);
  // 3 tasks active on 2 cores: a 4th one would get 100·2/4 = 50 ops/s
  approx(c.simulate(10), 10 / 50);
  push(c, 'x', 3); // c is now busy, 4 active: 50 ops/s each
  push(c, 'x', 4); // pending
  // pending 10 ops + head residual 10 ops + new 10 ops, all at 50 ops/s
  approx(c.simulate(10), 30 / 50);
});

void test('pop admits pending tasks in FIFO order with head-of-line blocking on memory', () => {
  const processor = new Processor('cpu', 'GenericCpu', 100, 1, 30);
  const lambda = new Lambda('l', new ProportionalRequirements(1, 0, 10, 0));
  const c = new Container<TestTask>('c', processor, lambda, 2);
  push(c, 'a', 0); // 10 B, active
  push(c, 'aa', 1); // 20 B, active (30 used)
  push(c, 'aa', 2); // no worker: pending
  push(c, 'a', 3); // pending
  assert.equal(c.pop()?.id, 0); // 20 used: task 2 (20 B) does not fit, blocks task 3
  assert.equal(c.activeCount, 1);
  assert.equal(c.pendingCount, 2);
  assert.equal(c.pop()?.id, 1); // 0 used: tasks 2 and 3 are admitted in order
  assert.equal(c.activeCount, 2);
  assert.equal(c.pendingCount, 0);
  assert.equal(processor.available, 0);
  assert.equal(c.pop()?.id, 3); // the shortest (1 op) first
  push(c, 'a', 4);
  push(c, 'a', 5); // no worker free
  assert.equal(c.activeCount, 2);
  assert.equal(c.pendingCount, 1);
});
