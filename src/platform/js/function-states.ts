import type { State } from '../../protocol/messages.js';

/**
 * The parameter carrying a request's states to a js function, and the result key through which it
 * writes them (docs/functions.md, "States"): `params.__ow_states` maps each state's name to its content
 * as UTF-8 text; a result's `__ow_states` maps names to new contents (strings), is taken out of the
 * output and goes into the response's states.
 */
export const STATES_PARAMETER = '__ow_states';

/** The `__ow_states` parameter of a request: each state's content as UTF-8 text, by name. */
export function stateContents(states: Record<string, State>): Record<string, string> {
  const contents: Record<string, string> = {};
  for (const [name, state] of Object.entries(states)) set(contents, name, state.content.toString('utf8'));
  return contents;
}

/**
 * The output without `__ow_states` and the response states with the function's writes (embedded), or
 * the retcode of a bad `__ow_states` (`developer error: __ow_states must ...`).
 */
export function writtenStates(
  body: string,
  before: Record<string, State>,
): { output: string; states: Record<string, State> } | string {
  const result = JSON.parse(body) as unknown;
  if (typeof result !== 'object' || result === null || Array.isArray(result)) {
    return { output: body, states: before };
  }
  const { [STATES_PARAMETER]: writes, ...rest } = result as Record<string, unknown>;
  if (writes === undefined) return { output: body, states: before };
  if (typeof writes !== 'object' || writes === null || Array.isArray(writes)) {
    return `developer error: ${STATES_PARAMETER} must be an object mapping state names to strings`;
  }
  const states = { ...before };
  for (const [name, value] of Object.entries(writes)) {
    if (typeof value !== 'string') {
      return `developer error: ${STATES_PARAMETER}.${name} must be a string, not ${value === null ? 'null' : typeof value}`;
    }
    const content = Buffer.from(value, 'utf8');
    set(states, name, { name: before[name]?.name ?? name, location: '', content });
  }
  return { output: JSON.stringify(rest), states };
}

/** Sets an own property, even one named `__proto__`. */
function set<T>(object: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
