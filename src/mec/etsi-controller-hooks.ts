/**
 * The registry observers an etsi logic offers the controller: the same shape as the controller's
 * `ControllerHooks` (the mec layer does not import the controller's).
 */
export interface EtsiControllerHooks {
  lambdaAdded(lambda: string): void;
  lambdaRemoved(lambda: string): void;
  computerAdded(endpoint: string, lambdas: readonly string[]): void;
  computerRemoved(endpoint: string, lambdas: readonly string[]): void;
}

/** Runs tasks one after the other, in the order given; a failing task is reported and the next runs. */
export class SerialTasks {
  private tail: Promise<void> = Promise.resolve();

  constructor(private readonly onError: (err: Error) => void) {}

  /** Queues a task; resolves once it has run (failed or not). */
  run(task: () => Promise<void>): Promise<void> {
    this.tail = this.tail.then(task).catch((err: unknown) => this.onError(err as Error));
    return this.tail;
  }

  /** Resolves once every task queued so far has run. */
  idle(): Promise<void> {
    return this.tail;
  }
}
