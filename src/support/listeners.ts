/**
 * A set of listeners of one event: {@link add} returns what removes that one subscription (the same
 * function added twice is two subscriptions), {@link emit} calls every listener in the order added.
 */
export class Listeners<Args extends unknown[]> {
  private readonly set = new Set<(...args: Args) => void>();

  /** Subscribes `listener`; returns what unsubscribes it. */
  add(listener: (...args: Args) => void): () => void {
    const own = (...args: Args): void => listener(...args);
    this.set.add(own);
    return () => {
      this.set.delete(own);
    };
  }

  /** Calls every listener with `args`. */
  emit(...args: Args): void {
    for (const listener of this.set) listener(...args);
  }

  /** Removes every listener. */
  clear(): void {
    this.set.clear();
  }
}
