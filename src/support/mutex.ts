/** Wraps a section, e.g. in a lock that other processes share; resolves or rejects as `fn` does. */
export type SectionWrapper = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Serializes async sections: each `run()` starts once every section queued before it has settled
 * (resolved or rejected), so read-modify-write sequences spanning awaits do not interleave. With `around`,
 * each section also runs inside it (one at a time from this mutex), e.g. a database lock that serializes
 * the sections of every process sharing the database.
 */
export class Mutex {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly around?: SectionWrapper) {}

  /** Runs `fn` after every previously queued section; resolves or rejects as `fn` does. */
  run<T>(fn: () => Promise<T>): Promise<T> {
    const around = this.around;
    const section = around === undefined ? fn : () => around(fn);
    const result = this.tail.then(section, section);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
