import { endpointProblem } from '../../protocol/endpoint-rules.js';
import type { State } from '../../protocol/messages.js';
import type { StateAccess } from '../../protocol/state/state-client.js';
import { JOIN_ENTRY_PREFIX } from '../../protocol/state/state-store.js';
import { logger } from '../../support/logger.js';

const log = logger('computer');

/**
 * The StateServer entry (beside the join tokens) where predecessor `from` of join node `node` of DAG run
 * `uuid` leaves its view of the remote states' locations.
 */
export function joinViewName(uuid: string, node: number, from: number): string {
  return `${JOIN_ENTRY_PREFIX}${uuid}/${node}/view/${from}`;
}

/** The location of each remote state of `states` (name → state server end-point). */
export function remoteLocations(states: Record<string, State>): Map<string, string> {
  const out = new Map<string, string>();
  for (const [name, state] of Object.entries(states))
    if (state.location !== '') out.set(name, state.location);
  return out;
}

/**
 * Puts the view `locations` of predecessor `from` of join node `node`; fails (`cannot leave the state
 * locations of node <from> for join <node>: <why>`) if the Put is refused or the server out of reach.
 */
export async function putJoinView(
  access: StateAccess,
  uuid: string,
  node: number,
  from: number,
  locations: Map<string, string>,
): Promise<void> {
  const content = Buffer.from(JSON.stringify(Object.fromEntries(locations)));
  let retcode: string;
  try {
    retcode = (await access.put(joinViewName(uuid, node, from), content)).retcode;
  } catch (err) {
    retcode = err instanceof Error ? err.message : String(err);
  }
  if (retcode !== 'OK') {
    throw new Error(`cannot leave the state locations of node ${from} for join ${node}: ${retcode}`);
  }
}

/** Where the views and the candidate state servers are reached. */
export interface JoinViewAccess {
  /** The StateServer holding the join tokens and views. */
  join: StateAccess;
  /** A StateServer by end-point (the candidates a state may be on). */
  at(endpoint: string): StateAccess;
}

/** What {@link mergeJoinViews} gives. */
export interface MergedStates {
  /** The states the join node runs with. */
  states: Record<string, State>;
  /** Resolves once the views are deleted (never rejects: a failure is logged, the views then expire). */
  deleted: Promise<void>;
}

/**
 * The states a join node runs with: `states` (those of its last predecessor) with each remote state at
 * the location its predecessors' views agree on or, when they differ, at the one that holds it.
 *
 * Why this is right. The branches start from the same locations, and a branch moves a state only by
 * running a function that depends on it, which Puts it on its own state server and only then Deletes it
 * where it was (remote-states.ts): a state is held by one state server at a time. Each predecessor
 * leaves its view before it sends its request, so before its arrival claims a token; the last claim (this
 * one) therefore comes after every predecessor's moves and views, and no branch leading here moves the
 * state any more. A branch that did not depend on the state names where it was when the branches forked,
 * which no longer holds it if another branch moved it; a branch that moved it (once or more) names where
 * it is now. So when the views differ, the right location is the one among them whose server still
 * holds the state: a Get at each candidate, those named by fewer views first (usually the one branch that
 * moved it, found at the first Get). Comparing with the locations node 0 handed out would not do: after a
 * nested fork every branch may name a location other than node 0's. If no candidate holds the state (two
 * parallel branches moved it, a conflict of the DAG itself), the last predecessor's location stays, and a
 * node depending on it fails as before with `could not find state in <location>: <name>`.
 *
 * The views are deleted once read, while the node runs (see {@link MergedStates}). Views missing (a
 * predecessor that ran on a computer that does not leave one, e.g. the original's) or malformed are
 * skipped.
 */
export async function mergeJoinViews(
  access: JoinViewAccess,
  uuid: string,
  node: number,
  predecessors: readonly number[],
  states: Record<string, State>,
): Promise<MergedStates> {
  const own = remoteLocations(states);
  if (own.size === 0) return { states, deleted: Promise.resolve() };
  // Per state: each location named and by how many views (the last predecessor's own view counted once).
  const named = new Map<string, Map<string, number>>();
  for (const [name, location] of own) named.set(name, new Map([[location, 1]]));
  // The views are read at once, then deleted at once while the states are looked for.
  const names = predecessors.map((from) => joinViewName(uuid, node, from));
  const read = await Promise.all(names.map((name) => access.join.get(name)));
  const deleted = Promise.all(
    names.filter((_, i) => read[i]!.retcode === 'OK').map((name) => access.join.del(name)),
  ).then(
    () => undefined,
    (err: unknown) => {
      log.warn(`join ${node} of ${uuid}: views not deleted (they expire): ${String(err)}`);
    },
  );
  for (const [i, res] of read.entries()) {
    if (res.retcode !== 'OK' || res.state === null) continue;
    for (const [name, location] of parseView(names[i]!, res.state.content)) {
      const counts = named.get(name);
      if (counts !== undefined) counts.set(location, (counts.get(location) ?? 0) + 1);
    }
  }
  const merged = { ...states };
  for (const [name, counts] of named) {
    if (counts.size === 1) continue;
    const candidates = [...counts].sort((a, b) => a[1] - b[1]).map(([location]) => location);
    const holder = await firstHolder(access, name, candidates);
    if (holder !== undefined && holder !== own.get(name)) {
      log.debug(2, () => `join ${node} of ${uuid}: state ${name} is at ${holder}, not ${own.get(name)}`);
      merged[name] = { ...states[name]!, location: holder };
    }
  }
  return { states: merged, deleted };
}

/** The locations of view `name` with content `content`; empty if it is malformed. */
function parseView(name: string, content: Buffer): Map<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString());
  } catch {
    log.warn(`ignoring the malformed join view ${name}`);
    return new Map();
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return new Map();
  const out = new Map<string, string>();
  for (const [state, location] of Object.entries(parsed)) {
    if (typeof location === 'string' && location !== '' && endpointProblem(location) === undefined) {
      out.set(state, location);
    }
  }
  return out;
}

/** The first of `candidates` whose state server holds `name` (an unreachable one does not). */
async function firstHolder(
  access: JoinViewAccess,
  name: string,
  candidates: readonly string[],
): Promise<string | undefined> {
  for (const location of candidates) {
    try {
      if ((await access.at(location).get(name)).retcode === 'OK') return location;
    } catch {
      // unreachable: not there
    }
  }
  return undefined;
}
