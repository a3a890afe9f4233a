/**
 * One shape for every family of plug-ins (selection policies, weight optimizers, estimators, lambda
 * transports, timeseries stores, ...): a Map from the name a configuration uses to the implementation.
 * Plug-ins register themselves, as grpc-js's resolvers do from their `setup()`; the module that holds a
 * family's registry imports none of its implementations. Names are looked up in the Map only, so
 * `toString`, `constructor` or `__proto__` are unknown names like any other and get the family's error.
 */
export class Registry<T> {
  readonly #entries = new Map<string, T>();

  /** `unknown` builds the family's own error for a name nobody registered (`Invalid type: x`, ...). */
  constructor(private readonly unknown: (name: string, known: readonly string[]) => Error) {}

  /** Registers (or replaces) the implementation behind `name`. */
  register(name: string, entry: T): void {
    this.#entries.set(name, entry);
  }

  /** The implementation behind `name`; throws the family's error if there is none. */
  get(name: string): T {
    const entry = this.#entries.get(name);
    if (entry === undefined) throw this.unknown(name, this.names());
    return entry;
  }

  /** The implementation behind `name`, or undefined. */
  find(name: string): T | undefined {
    return this.#entries.get(name);
  }

  /** True if `name` is registered. */
  has(name: string): boolean {
    return this.#entries.has(name);
  }

  /** The registered names, in registration order. */
  names(): string[] {
    return [...this.#entries.keys()];
  }
}
