/**
 * Serializes async sections: each `run()` starts once every section queued before it has settled
 * (resolved or rejected), so read-modify-write sequences spanning awaits do not interleave.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `fn` after every previously queued section; resolves or rejects as `fn` does. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const result = this.tail.then(fn, fn);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
