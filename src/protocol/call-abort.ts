/**
 * The abort side of a server's incoming call: an AbortSignal made only when a handler first asks for it
 * (most never do), and plain listeners that do what the signal does for a fraction of its cost (an
 * AbortController and its listener cost microseconds in Node 20).
 */
export class CallAbort {
  private controller: AbortController | undefined;
  private reason: Error | undefined;
  private listeners: ((reason: Error) => void)[] | undefined;

  /** Aborted once {@link abort} is called. */
  get signal(): AbortSignal {
    if (this.controller === undefined) {
      this.controller = new AbortController();
      if (this.reason !== undefined) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  /** Calls `listener` with the reason on abort (at once if it was); returns what unregisters it. */
  onAbort(listener: (reason: Error) => void): () => void {
    if (this.reason !== undefined) {
      listener(this.reason);
      return () => undefined;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const i = this.listeners?.indexOf(listener) ?? -1;
      if (i >= 0) this.listeners!.splice(i, 1);
    };
  }

  /** Aborts the signal and calls the listeners with `reason`, once: later calls do nothing. */
  abort(reason: Error): void {
    if (this.reason !== undefined) return;
    this.reason = reason;
    this.controller?.abort(reason);
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener(reason);
  }
}
