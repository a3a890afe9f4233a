/** Runs asynchronous tasks one at a time, in the order they were queued. */
export class TaskQueue {
  private tail: Promise<void> = Promise.resolve();

  /** Queues a task; resolves or rejects as the task does, once all the tasks queued before it are done. */
  run<T>(task: () => Promise<T>): Promise<T> {
    const result = this.tail.then(task);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }

  /** Resolves once every task queued so far is done. */
  idle(): Promise<void> {
    return this.tail;
  }
}
