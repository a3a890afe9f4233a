/** An OpenWhisk action as edgecomputerwsk calls it: its namespace (`_`: the caller's) and its name. */
export interface WskAction {
  namespace: string;
  action: string;
}

/**
 * The action a lambda name stands for (spec §8.2): the name split on `/`, empty parts dropped; one part
 * is an action of namespace `_`, two are `namespace/action`. Otherwise the original's error text:
 * `cannot request execution of an action with empty name` or
 * `invalid OpenWhisk action /namespace/name structure: <name>`.
 */
export function wskAction(name: string): WskAction | string {
  const parts = name.split('/').filter((p) => p !== '');
  if (parts.length === 0) return 'cannot request execution of an action with empty name';
  if (parts.length === 1) return { namespace: '_', action: parts[0]! };
  if (parts.length === 2) return { namespace: parts[0]!, action: parts[1]! };
  return `invalid OpenWhisk action /namespace/name structure: ${name}`;
}
