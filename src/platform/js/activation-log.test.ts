import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ActivationLog, LOG_CUT, MAX_ACTIVATION_LOG_LINES } from './activation-log.js';

const TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /;

/** The lines captured while `print` runs (synchronously: nothing else writes meanwhile), without their times. */
function captured(maxBytes: number, print: () => void): string[] {
  const quiet = {
    out: Reflect.get<typeof process.stdout, 'write'>(process.stdout, 'write'),
    err: Reflect.get<typeof process.stderr, 'write'>(process.stderr, 'write'),
  };
  // The writes go on to the streams: swallow them so the test's own output stays clean.
  process.stdout.write = () => true;
  process.stderr.write = () => true;
  try {
    const log = new ActivationLog(maxBytes);
    log.start();
    print();
    return log.stop().map((line) => {
      assert.match(line, TIME);
      return line.replace(TIME, '');
    });
  } finally {
    process.stdout.write = quiet.out;
    process.stderr.write = quiet.err;
  }
}

test('console output and direct writes, by stream, lines split and a last partial line kept', () => {
  assert.deepEqual(
    captured(1024, () => {
      console.log('hello', 42);
      console.error(new Error('boom').message);
      process.stdout.write('a\nb');
      process.stdout.write(Buffer.from('c\n'));
      process.stderr.write('tail');
    }),
    ['stdout: hello 42', 'stderr: boom', 'stdout: a', 'stdout: bc', 'stderr: tail'],
  );
});

test('writes before start and after stop are not captured; the streams are restored', () => {
  const before = Reflect.get<typeof process.stdout, 'write'>(process.stdout, 'write');
  const log = new ActivationLog(1024);
  log.start();
  log.stop();
  assert.equal(Reflect.get(process.stdout, 'write'), before);
  assert.deepEqual(
    captured(1024, () => undefined),
    [],
  );
});

test('bounded in bytes: the lines that fit, then the cut note', () => {
  const lines = captured(100, () => {
    for (let i = 0; i < 10; i++) console.log(`line ${i} ${'x'.repeat(10)}`);
  });
  // Each line is 24 (time) + 8 + 17 = 49 bytes with its time: two fit in 100.
  assert.deepEqual(lines, ['stdout: line 0 xxxxxxxxxx', 'stdout: line 1 xxxxxxxxxx', `stderr: ${LOG_CUT}`]);
});

test(`bounded in lines: ${MAX_ACTIVATION_LOG_LINES}, then the cut note`, () => {
  const lines = captured(1 << 30, () => {
    for (let i = 0; i < MAX_ACTIVATION_LOG_LINES + 50; i++) console.log(i);
  });
  assert.equal(lines.length, MAX_ACTIVATION_LOG_LINES + 1);
  assert.equal(lines.at(-2), `stdout: ${MAX_ACTIVATION_LOG_LINES - 1}`);
  assert.equal(lines.at(-1), `stderr: ${LOG_CUT}`);
});
