import type { FunctionList } from './messages.js';

/**
 * State dependencies of a chain or DAG: state name → the functions that need that state. A state with an
 * empty list is "free": no function needs it, so it never travels with an invocation.
 */
export type Dependencies = Record<string, string[]>;

/** Most functions (chain entries or DAG nodes) and most states a composition may have. */
export const MAX_COMPOSITION_SIZE = 1024;

/** The names of the states that `fn` depends on, sorted. */
export function statesOf(deps: Dependencies, fn: string): string[] {
  return Object.keys(deps)
    .filter((s) => deps[s]!.includes(fn))
    .sort();
}

/** Every state name, sorted; the free ones (no function needs them) only if `includeFree`. */
export function allStates(deps: Dependencies, includeFree: boolean): string[] {
  return Object.keys(deps)
    .filter((s) => includeFree || deps[s]!.length > 0)
    .sort();
}

/** The dependencies of `fn` alone: each state it needs, mapped to `[fn]`. */
export function dependenciesOf(deps: Dependencies, fn: string): Dependencies {
  return Object.fromEntries(statesOf(deps, fn).map((s) => [s, [fn]]));
}

/**
 * Fails with the original's message if a state depends on a function not in `functions`:
 * `could not find the following function that state '<s>' depends on: <f>`.
 */
export function checkDependencies(deps: Dependencies, functions: readonly string[]): void {
  const known = new Set(functions);
  if (Object.keys(deps).length > MAX_COMPOSITION_SIZE) {
    throw new Error(`Too many states: ${Object.keys(deps).length} > ${MAX_COMPOSITION_SIZE}`);
  }
  for (const [state, fns] of Object.entries(deps)) {
    for (const fn of fns) {
      if (!known.has(fn)) {
        throw new Error(`could not find the following function that state '${state}' depends on: ${fn}`);
      }
    }
  }
}

/** The dependencies as the `LambdaRequest.dependencies` field. */
export function dependenciesToMessage(deps: Dependencies): Record<string, FunctionList> {
  return Object.fromEntries(Object.entries(deps).map(([s, fns]) => [s, { functions: [...fns] }]));
}

/** The dependencies carried by a `LambdaRequest.dependencies` field. */
export function dependenciesFromMessage(field: Record<string, FunctionList>): Dependencies {
  return Object.fromEntries(Object.entries(field).map(([s, list]) => [s, [...list.functions]]));
}

/**
 * The `dependencies` member of a chain or DAG JSON file: an object whose values are arrays of function
 * names or null (a free state); fails naming what is wrong.
 */
export function dependenciesFromJson(value: unknown, what: string): Dependencies {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new Error(`Invalid JSON content for ${what}: 'dependencies' is not an object`);
  }
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([s, fns]) => {
      if (fns === null) return [s, []];
      if (Array.isArray(fns) && fns.every((f) => typeof f === 'string')) return [s, [...fns]];
      throw new Error(
        `Invalid JSON content for ${what}: dependencies of state '${s}' are not an array of function names or null`,
      );
    }),
  );
}

/** The dependencies as a JSON value (free states as null, as the original's templates write them). */
export function dependenciesToJson(deps: Dependencies): Record<string, string[] | null> {
  return Object.fromEntries(Object.entries(deps).map(([s, fns]) => [s, fns.length === 0 ? null : [...fns]]));
}
