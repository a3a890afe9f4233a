import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Semaphore } from './semaphore.js';

/** Lets every settled promise run its callbacks. */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('permits up to the limit, then FIFO waiters; 0 is unlimited', async () => {
  const s = new Semaphore(2);
  const order: number[] = [];
  await s.acquire();
  await s.acquire();
  assert.equal(s.full, true);
  const waits = [1, 2, 3].map((i) => s.acquire().then(() => order.push(i)));
  await settle();
  assert.deepEqual([s.active, s.waiting, order], [2, 3, []]);
  s.release();
  s.release();
  await settle();
  assert.deepEqual([s.active, s.waiting, order], [2, 1, [1, 2]]);
  s.release();
  await Promise.all(waits);
  assert.deepEqual([s.active, s.waiting, order], [2, 0, [1, 2, 3]]);
  s.release();
  s.release();
  assert.deepEqual([s.active, s.full], [0, false]);

  const unlimited = new Semaphore(0);
  for (let i = 0; i < 1000; i++) await unlimited.acquire();
  assert.deepEqual([unlimited.active, unlimited.full], [1000, false]);
});

test('a waiter whose signal aborts leaves the queue with the reason; the next one gets the permit', async () => {
  const s = new Semaphore(1);
  await s.acquire();
  const first = new AbortController();
  const order: string[] = [];
  const gaveUp = s.acquire(Semaphore.cancelledBy(first.signal)).then(
    () => order.push('first'),
    (err: Error) => order.push(`first: ${err.message}`),
  );
  const second = s
    .acquire(Semaphore.cancelledBy(new AbortController().signal))
    .then(() => order.push('second'));
  await settle();
  assert.equal(s.waiting, 2);
  first.abort(new Error('client gone'));
  await gaveUp;
  assert.deepEqual([s.waiting, order], [1, ['first: client gone']]);
  s.release();
  await second;
  assert.deepEqual([s.active, s.waiting, order], [1, 0, ['first: client gone', 'second']]);

  const aborted = Semaphore.cancelledBy(AbortSignal.abort(new Error('too late')));
  await assert.rejects(s.acquire(aborted), { message: 'too late' });
  assert.equal(s.waiting, 0);
  s.release();
  await s.acquire(aborted); // a free permit is taken even by a caller that gave up
  assert.equal(s.active, 1);
});

test('100,000 waiters giving up all leave the queue; the one left is served', async () => {
  const s = new Semaphore(1);
  await s.acquire();
  const controllers = Array.from({ length: 100_000 }, () => new AbortController());
  const waits = controllers.map((c) => s.acquire(Semaphore.cancelledBy(c.signal)).catch(() => 'gave up'));
  const survivor = s.acquire().then(() => 'served');
  assert.equal(s.waiting, 100_001);
  for (const c of controllers) c.abort(new Error('reset'));
  assert.deepEqual(new Set(await Promise.all(waits)), new Set(['gave up']));
  assert.equal(s.waiting, 1);
  s.release();
  assert.equal(await survivor, 'served');
  assert.deepEqual([s.active, s.waiting], [1, 0]);
});

test('a cancellation is registered only for a caller that waits, and undone when it is served', async () => {
  const s = new Semaphore(1);
  const log: string[] = [];
  const cancellation = (name: string) => () => {
    log.push(`register ${name}`);
    return () => log.push(`unregister ${name}`);
  };
  await s.acquire(cancellation('first'));
  const second = s.acquire(cancellation('second'));
  assert.deepEqual(log, ['register second']);
  s.release();
  await second;
  assert.deepEqual(log, ['register second', 'unregister second']);

  let cancel: (reason: Error) => void = () => undefined;
  const third = s.acquire((c) => {
    cancel = c;
    return () => log.push('unregister third');
  });
  cancel(new Error('deadline'));
  cancel(new Error('twice'));
  await assert.rejects(third, { message: 'deadline' });
  assert.deepEqual(log.slice(2), ['unregister third']);
  s.release();
  assert.deepEqual([s.active, s.waiting], [0, 0]);
});

test('with() releases the permit whatever the task does', async () => {
  const s = new Semaphore(1);
  await assert.rejects(
    s.with(() => Promise.reject(new Error('task failed'))),
    { message: 'task failed' },
  );
  assert.equal(await s.with(() => Promise.resolve(42)), 42);
  assert.equal(s.active, 0);
});
