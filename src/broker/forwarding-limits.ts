/**
 * How long a broker waits on a destination and how many requests it lets wait for one: the bounds that
 * keep a destination that never answers (or a flood of requests) from holding the broker.
 */
export interface ForwardingLimits {
  /**
   * The longest a forwarded call may take once sent, ms (`--forward-timeout`, in seconds on the command
   * line). A call from a client with a shorter deadline of its own gets what is left of it instead.
   */
  forwardTimeoutMs: number;
  /**
   * Requests that may wait for a slot of one destination (`max-pending-clients` busy) before the next is
   * answered at once with a `Too many requests waiting for …` retcode (`--max-queued-requests`).
   */
  maxQueuedRequests: number;
}

/** The defaults: far longer than any lambda of ours takes, far fewer waiting than would hurt. */
export const DEFAULT_FORWARDING_LIMITS: Readonly<ForwardingLimits> = {
  forwardTimeoutMs: 30_000,
  maxQueuedRequests: 1000,
};
