import type { LambdaRequest, State } from '../../protocol/messages.js';
import type { StateAccess, StateClients } from '../../protocol/state/state-client.js';

/** A request's states prepared for execution, and what to do with them afterwards. */
export interface PreparedStates {
  /** The states the function sees: embedded ones, plus the remote ones it depends on, fetched. */
  embedded: Record<string, State>;
  /** The remote states it depends on, by name: where each was. */
  pulled: Map<string, string>;
  /** The remote states it does not depend on, passed on untouched. */
  untouched: Record<string, State>;
}

/** Whether state `name` is needed by function `fn` according to the request's dependencies. */
export function dependsOn(req: LambdaRequest, name: string, fn: string): boolean {
  return req.dependencies[name]?.functions.includes(fn) ?? false;
}

/** A failure of remote-state handling, its message the response's retcode. */
export class StateHandlingError extends Error {}

/**
 * The remote states of the requests a computer executes (spec §11.3): before execution the remote
 * states the function depends on are fetched (from this computer's state server or another one), so a
 * function can read them; after execution each is Put on this computer's state server with the content
 * the function left, Deleted from where it was (when elsewhere), and referenced there in the response.
 * Remote states the function does not depend on stay where they are.
 */
export class RemoteStates {
  constructor(
    /** This computer's state server endpoint; '' if none. */
    private readonly ownEndpoint: string,
    /** Get/Put/Del on this computer's state server; undefined if none. */
    private readonly own: StateAccess | undefined,
    private readonly clients: StateClients,
  ) {}

  /**
   * Splits the request's states for execution; throws a {@link StateHandlingError} (`cannot handle remote
   * states without a state server`, `could not find state in <loc>: <name>`) if one cannot be had.
   */
  async prepare(req: LambdaRequest): Promise<PreparedStates> {
    const prepared: PreparedStates = { embedded: {}, pulled: new Map(), untouched: {} };
    for (const [key, state] of Object.entries(req.states)) {
      if (state.location === '') {
        prepared.embedded[key] = state;
        continue;
      }
      if (this.own === undefined) {
        throw new StateHandlingError('cannot handle remote states without a state server');
      }
      if (!dependsOn(req, key, req.name)) {
        prepared.untouched[key] = state;
        continue;
      }
      const res = await this.access(state.location).get(key);
      if (res.retcode !== 'OK' || res.state === null) {
        throw new StateHandlingError(`could not find state in ${state.location}: ${key}`);
      }
      prepared.embedded[key] = { name: state.name, location: '', content: res.state.content };
      prepared.pulled.set(key, state.location);
    }
    return prepared;
  }

  /**
   * The response states after execution: `after` (the states the execution returned) with each pulled
   * state stored on this computer's server and referenced there, and the untouched ones as they came.
   * Throws a {@link StateHandlingError} (`could not handle all the remote states: ...`) if a Put or Del fails.
   */
  async finish(prepared: PreparedStates, after: Record<string, State>): Promise<Record<string, State>> {
    const states: Record<string, State> = { ...after };
    const own = this.own as StateAccess;
    // Every Put first: if one fails, those already made elsewhere than their old place are undone, so
    // each state is still where the request said.
    const put: string[] = [];
    for (const key of prepared.pulled.keys()) {
      const content = after[key]?.content ?? prepared.embedded[key]?.content ?? Buffer.alloc(0);
      const res = await own.put(key, content);
      if (res.retcode !== 'OK') {
        for (const done of put) if (prepared.pulled.get(done) !== this.ownEndpoint) await own.del(done);
        throw new StateHandlingError(`could not handle all the remote states: ${res.retcode}`);
      }
      put.push(key);
    }
    for (const [key, location] of prepared.pulled) {
      if (location !== this.ownEndpoint) {
        const del = await this.access(location).del(key);
        if (del.retcode !== 'OK') {
          throw new StateHandlingError(`could not handle all the remote states: ${del.retcode}`);
        }
      }
      states[key] = {
        name: prepared.embedded[key]?.name ?? key,
        location: this.ownEndpoint,
        content: Buffer.alloc(0),
      };
    }
    return { ...states, ...prepared.untouched };
  }

  private access(location: string): StateAccess {
    if (location === this.ownEndpoint && this.own !== undefined) return this.own;
    return this.clients.at(location);
  }
}
