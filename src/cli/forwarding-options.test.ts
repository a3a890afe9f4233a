import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOptions } from '../support/options.js';
import { FORWARDING_OPTIONS, forwardingLimits } from './forwarding-options.js';

test('--forward-timeout (seconds) and --max-queued-requests become the forwarding limits', () => {
  assert.deepEqual(forwardingLimits(parseOptions(FORWARDING_OPTIONS, [])), {
    forwardTimeoutMs: 30_000,
    maxQueuedRequests: 1000,
  });
  assert.deepEqual(
    forwardingLimits(
      parseOptions(FORWARDING_OPTIONS, ['--forward-timeout', '0.25', '--max-queued-requests=7']),
    ),
    { forwardTimeoutMs: 250, maxQueuedRequests: 7 },
  );
});

test('a timeout that is not > 0 or a queue under 1 is a usage error naming the option', () => {
  const limits = (args: string[]) => () => forwardingLimits(parseOptions(FORWARDING_OPTIONS, args));
  assert.throws(limits(['--forward-timeout', '0']), {
    name: 'UsageError',
    message: '--forward-timeout must be > 0 (seconds), not 0',
  });
  assert.throws(limits(['--forward-timeout', '-3']), {
    message: '--forward-timeout must be > 0 (seconds), not -3',
  });
  assert.throws(limits(['--max-queued-requests', '0']), {
    name: 'UsageError',
    message: '--max-queued-requests must be at least 1, not 0',
  });
});
