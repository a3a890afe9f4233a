import type { State, StateResponse } from '../messages.js';

/** Bounds of a state store (documented options with safe defaults). */
export interface StateLimits {
  /** Largest content of one state, bytes (default {@link DEFAULT_MAX_STATE_SIZE}). */
  maxStateSize?: number;
  /** Largest sum of the contents held, bytes (default {@link DEFAULT_MAX_STORE_BYTES}). */
  maxStoreBytes?: number;
  /** Most states held (default {@link DEFAULT_MAX_STATES}). */
  maxStates?: number;
}

/** Default largest state: 2 MiB (a gRPC message is at most 4 MiB). */
export const DEFAULT_MAX_STATE_SIZE = 2 * 1024 * 1024;
/** Default largest sum of contents held by one store: 256 MiB. */
export const DEFAULT_MAX_STORE_BYTES = 256 * 1024 * 1024;
/** Default most states held by one store. */
export const DEFAULT_MAX_STATES = 100_000;

/** The retcode of a store refusing a state larger than its bound. */
export function stateTooBig(name: string, size: number, max: number): string {
  return `state too big: ${name} (${size} bytes, at most ${max})`;
}

/**
 * The states of a StateServer (spec §11.3), in memory and bounded. Get, Put and Del answer as the
 * original's StateServer does: `OK`, `could not find state: <name>`, `state not found: <name>`; a Put
 * beyond the bounds is refused (`state too big: ...`, `state server full: ...`).
 */
export class StateStore {
  private readonly states = new Map<string, Buffer>();
  private bytes = 0;
  readonly maxStateSize: number;
  readonly maxStoreBytes: number;
  readonly maxStates: number;

  constructor(limits: StateLimits = {}) {
    this.maxStateSize = limits.maxStateSize ?? DEFAULT_MAX_STATE_SIZE;
    this.maxStoreBytes = limits.maxStoreBytes ?? DEFAULT_MAX_STORE_BYTES;
    this.maxStates = limits.maxStates ?? DEFAULT_MAX_STATES;
  }

  /** Number of states held. */
  get size(): number {
    return this.states.size;
  }

  /** Sum of the contents held, bytes. */
  get totalBytes(): number {
    return this.bytes;
  }

  /** The content of `name`, or undefined. */
  content(name: string): Buffer | undefined {
    return this.states.get(name);
  }

  /** Get: `OK` with the state (location empty), or `could not find state: <name>`. */
  get(name: string): StateResponse {
    const content = this.states.get(name);
    if (content === undefined) return { retcode: `could not find state: ${name}`, state: null };
    return { retcode: 'OK', state: { name, location: '', content } };
  }

  /** Put: stores (or overwrites) `content` under `name`; `OK` or why it is refused. */
  put(name: string, content: Buffer): StateResponse {
    if (name === '') return { retcode: 'invalid empty state name', state: null };
    if (content.length > this.maxStateSize) {
      return { retcode: stateTooBig(name, content.length, this.maxStateSize), state: null };
    }
    const old = this.states.get(name);
    const bytes = this.bytes - (old?.length ?? 0) + content.length;
    if (bytes > this.maxStoreBytes || (old === undefined && this.states.size >= this.maxStates)) {
      return {
        retcode: `state server full: cannot store ${name} (${this.states.size} states, ${this.bytes} bytes held)`,
        state: null,
      };
    }
    this.states.set(name, Buffer.from(content));
    this.bytes = bytes;
    return { retcode: 'OK', state: null };
  }

  /** Del: `OK`, or `state not found: <name>`. */
  del(name: string): StateResponse {
    const old = this.states.get(name);
    if (old === undefined) return { retcode: `state not found: ${name}`, state: null };
    this.states.delete(name);
    this.bytes -= old.length;
    return { retcode: 'OK', state: null };
  }

  /** Serves one StateServer method over this store. */
  serve(method: 'Get' | 'Put' | 'Del', state: State): StateResponse {
    if (method === 'Get') return this.get(state.name);
    if (method === 'Put') return this.put(state.name, state.content);
    return this.del(state.name);
  }
}
