/**
 * What tells a client call that nobody wants its answer any more: an AbortSignal, or anything with an
 * `onAbort` like a server's incoming call (a broker forwarding it then needs no AbortController, which
 * costs microseconds per call in Node 20).
 */
export type CallCancellation = AbortSignal | { onAbort(listener: (reason: Error) => void): () => void };

/** Calls `listener` once `cancellation` fires (at once if it has); returns what unregisters it. */
export function whenCancelled(cancellation: CallCancellation, listener: (reason: Error) => void): () => void {
  if (!(cancellation instanceof AbortSignal)) return cancellation.onAbort(listener);
  const signal = cancellation;
  const onAbort = (): void =>
    listener(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
  if (signal.aborted) {
    onAbort();
    return () => undefined;
  }
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}
