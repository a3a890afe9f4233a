import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Mutex } from './mutex.js';

/** A promise with its resolve function, to decide from the test when a section ends. */
function latch(): { promise: Promise<void>; open: () => void } {
  let open = (): void => undefined;
  const promise = new Promise<void>((resolve) => (open = resolve));
  return { promise, open };
}

test('sections run one at a time, in the order they were queued', async () => {
  const mutex = new Mutex();
  const events: string[] = [];
  const started = latch();
  const first = latch();
  const a = mutex.run(async () => {
    events.push('a start');
    started.open();
    await first.promise;
    events.push('a end');
    return 'A';
  });
  const b = mutex.run(async () => {
    events.push('b start');
    return 'B';
  });
  const c = mutex.run(async () => {
    events.push('c start');
    return 'C';
  });
  await started.promise;
  await new Promise<void>((resolve) => setImmediate(resolve));
  assert.deepEqual(events, ['a start'], 'b and c wait while a holds the mutex');
  first.open();
  assert.deepEqual(await Promise.all([a, b, c]), ['A', 'B', 'C']);
  assert.deepEqual(events, ['a start', 'a end', 'b start', 'c start']);
});

test('a failing section rejects its own run and does not block the next one', async () => {
  const mutex = new Mutex();
  const failed = mutex.run(async () => {
    throw new Error('section failed');
  });
  const next = mutex.run(async () => 42);
  await assert.rejects(failed, { message: 'section failed' });
  assert.equal(await next, 42);
});

test('a section queued while another runs sees the state that section left', async () => {
  const mutex = new Mutex();
  let counter = 0;
  const increment = (): Promise<number> =>
    mutex.run(async () => {
      const read = counter;
      await new Promise<void>((resolve) => setImmediate(resolve));
      counter = read + 1;
      return counter;
    });
  assert.deepEqual(await Promise.all([increment(), increment(), increment()]), [1, 2, 3]);
  assert.equal(counter, 3);
});

test('with a wrapper, every section runs inside it, one at a time', async () => {
  const events: string[] = [];
  let inside = 0;
  const mutex = new Mutex(async (fn) => {
    inside++;
    events.push(`enter ${inside}`);
    try {
      return await fn();
    } finally {
      events.push('leave');
      inside--;
    }
  });
  const results = await Promise.all([mutex.run(async () => 'a'), mutex.run(async () => 'b')]);
  assert.deepEqual(results, ['a', 'b']);
  assert.deepEqual(events, ['enter 1', 'leave', 'enter 1', 'leave']);
  await assert.rejects(
    mutex.run(async () => {
      throw new Error('inner failed');
    }),
    { message: 'inner failed' },
  );
  assert.deepEqual(events.slice(4), ['enter 1', 'leave']);
});
