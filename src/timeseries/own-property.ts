/**
 * Reading and writing records keyed by names that come from requests (metric names, attribute names,
 * metric ids): only own properties count, so `toString`, `constructor` or `__proto__` are names like any
 * other, never a method or the prototype of `Object`.
 */

/** The value of `record`'s own property `key`, or undefined (never an inherited one). */
export function ownValue<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** Sets `record`'s own property `key` (an ordinary property even for `__proto__`). */
export function setOwnValue<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, writable: true, enumerable: true, configurable: true });
}
