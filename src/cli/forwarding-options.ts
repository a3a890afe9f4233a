import type { ForwardingLimits } from '../broker/forwarding-limits.js';
import { DEFAULT_FORWARDING_LIMITS } from '../broker/forwarding-limits.js';
import { defineOptions, UsageError, type OptionValues } from '../support/options.js';

/** The bounds of a broker's forwarding (router, dispatcher): not in the original, which had none. */
export const FORWARDING_OPTIONS = defineOptions([
  {
    name: 'forward-timeout',
    kind: 'number',
    default: DEFAULT_FORWARDING_LIMITS.forwardTimeoutMs / 1000,
    description:
      'deadline of each forwarded call, s (sent downstream; a client deadline that comes sooner wins); ' +
      'a destination silent that long is dropped',
  },
  {
    name: 'max-queued-requests',
    kind: 'integer',
    default: DEFAULT_FORWARDING_LIMITS.maxQueuedRequests,
    description:
      'requests that may wait for a busy destination (max-pending-clients); more are answered at once',
  },
]);

/** The {@link ForwardingLimits} the options give; a timeout that is not > 0 or a bound < 1 is a usage error. */
export function forwardingLimits(o: OptionValues<typeof FORWARDING_OPTIONS>): ForwardingLimits {
  const seconds = o['forward-timeout'];
  if (!(seconds > 0)) throw new UsageError(`--forward-timeout must be > 0 (seconds), not ${seconds}`);
  const queued = o['max-queued-requests'];
  if (queued < 1) throw new UsageError(`--max-queued-requests must be at least 1, not ${queued}`);
  return { forwardTimeoutMs: seconds * 1000, maxQueuedRequests: queued };
}
