import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Random } from './random.js';
import { realScheduler } from './scheduler.js';
import { VirtualScheduler } from './virtual-scheduler.js';

test('events run in time order, ties in scheduling order, and the clock jumps to each event', async () => {
  const s = new VirtualScheduler(10);
  const seen: string[] = [];
  const log = (what: string) => () => seen.push(`${what}@${s.now()}`);
  s.after(2, log('c'));
  s.after(1, log('a'));
  s.after(1, log('b'));
  s.after(0, log('now'));
  assert.equal(s.pending, 4);
  await s.run();
  assert.deepEqual(seen, ['now@10', 'a@11', 'b@11', 'c@12']);
  assert.equal(s.now(), 12);
  assert.equal(s.eventsRun, 4);
});

test('a cancelled event never runs; run(until) stops before later events', async () => {
  const s = new VirtualScheduler();
  const seen: number[] = [];
  const cancel = s.after(1, () => seen.push(1));
  s.after(2, () => seen.push(2));
  s.after(5, () => seen.push(5));
  cancel();
  await s.run(3);
  assert.deepEqual(seen, [2]);
  assert.equal(s.now(), 2);
  await s.run();
  assert.deepEqual(seen, [2, 5]);
  assert.throws(() => s.after(-1, () => undefined), { message: 'Invalid timer delay: -1' });
});

test('every() fires at exact multiples of its period until cancelled, events it schedules interleave', async () => {
  const s = new VirtualScheduler();
  const ticks: number[] = [];
  let n = 0;
  const cancel = s.every(0.5, () => {
    ticks.push(s.now());
    if (++n === 4) cancel();
  });
  s.after(1.25, () => ticks.push(-s.now()));
  await s.run();
  assert.deepEqual(ticks, [0.5, 1, -1.25, 1.5, 2]);
  assert.throws(() => s.every(0, () => undefined), { message: 'Invalid timer period: 0' });
});

test('the heap orders 10 000 random events exactly as a stable sort of (time, order)', async () => {
  const s = new VirtualScheduler();
  const random = new Random(7);
  const expected: { time: number; i: number }[] = [];
  const seen: number[] = [];
  for (let i = 0; i < 10000; i++) {
    const time = random.uniformInt(0, 500) / 10;
    expected.push({ time, i });
    s.after(time, () => seen.push(i));
  }
  expected.sort((a, b) => a.time - b.time || a.i - b.i);
  await s.run();
  assert.deepEqual(
    seen,
    expected.map((e) => e.i),
  );
});

test('promise continuations of an event finish at its instant, before the next event', async () => {
  const s = new VirtualScheduler();
  const seen: string[] = [];
  s.after(1, () => {
    void (async () => {
      await Promise.resolve();
      await Promise.resolve();
      seen.push(`continuation@${s.now()}`);
    })();
  });
  s.after(2, () => seen.push(`next@${s.now()}`));
  s.after(3, () => {
    throw new Error('boom');
  });
  await assert.rejects(s.run(), { message: 'boom' });
  assert.deepEqual(seen, ['continuation@1', 'next@2']);
});

test('the real scheduler runs a sub-millisecond timer at the next turn and can cancel any timer', async () => {
  await new Promise<void>((resolve) => realScheduler.after(0.0001, resolve));
  let ran = false;
  const cancel = realScheduler.after(0.005, () => (ran = true));
  cancel();
  // Three ticks of a 2 ms period, however late a busy machine runs them: never early.
  const start = realScheduler.now();
  let ticks = 0;
  await new Promise<void>((resolve) => {
    const stop = realScheduler.every(0.002, () => {
      if (++ticks < 3) return;
      stop();
      resolve();
    });
  });
  assert.ok(realScheduler.now() - start >= 0.006 - 0.001, `3 ticks in ${realScheduler.now() - start} s`);
  // a timer due after the cancelled one has run: the cancelled one would have run before it
  await new Promise<void>((resolve) => realScheduler.after(0.01, resolve));
  assert.equal(ran, false);
  assert.equal(ticks, 3);
});
