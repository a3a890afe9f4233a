import assert from 'node:assert/strict';
import { test } from 'node:test';
import { STOP_SIGNALS, untilSignal } from './shutdown.js';

/** Awaits `promise` with the event loop held open: a signal listener alone does not keep the process running. */
async function alive<T>(promise: Promise<T>): Promise<T> {
  const hold = setInterval(() => {}, 60_000);
  try {
    return await promise;
  } finally {
    clearInterval(hold);
  }
}

test('the stop signals are SIGINT, SIGTERM and SIGHUP', () => {
  assert.deepEqual(STOP_SIGNALS, ['SIGINT', 'SIGTERM', 'SIGHUP']);
});

test('untilSignal resolves to the first stop signal and then lets go of every signal', async () => {
  const before = STOP_SIGNALS.map((s) => process.listenerCount(s));
  const stopping = untilSignal();
  process.kill(process.pid, 'SIGHUP');
  assert.equal(await alive(stopping), 'SIGHUP');
  assert.deepEqual(
    STOP_SIGNALS.map((s) => process.listenerCount(s)),
    before,
  );
});

test('with ignoreRepeats a second signal is caught and ignored: the process lives on', async () => {
  const stopping = untilSignal({ ignoreRepeats: true });
  process.kill(process.pid, 'SIGTERM');
  assert.equal(await alive(stopping), 'SIGTERM');
  // A second watcher sees the repeat arrive: the process was not ended by it.
  const repeat = untilSignal();
  process.kill(process.pid, 'SIGTERM');
  assert.equal(await alive(repeat), 'SIGTERM');
  assert.equal(process.listenerCount('SIGTERM'), 1, 'the ignoring handler stays');
});
