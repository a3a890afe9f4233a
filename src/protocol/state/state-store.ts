import type { State, StateResponse } from '../messages.js';
import { monotonicSeconds } from '../../support/clock.js';

/**
 * Prefix of the StateServer entries made for DAG joins (join tokens, the branches' state locations):
 * they expire {@link StateLimits.joinTtl} seconds after their last Put, so the entries of a DAG run that
 * failed half way do not stay for ever.
 */
export const JOIN_ENTRY_PREFIX = 'soe.join/';

/** Bounds of a state store (documented options with safe defaults). */
export interface StateLimits {
  /** Largest content of one state, bytes (default {@link DEFAULT_MAX_STATE_SIZE}). */
  maxStateSize?: number;
  /** Longest state name, bytes of UTF-8 (default {@link DEFAULT_MAX_NAME_LENGTH}). */
  maxNameLength?: number;
  /** Largest sum of the contents and names held, bytes (default {@link DEFAULT_MAX_STORE_BYTES}). */
  maxStoreBytes?: number;
  /** Most states held (default {@link DEFAULT_MAX_STATES}). */
  maxStates?: number;
  /** Seconds an entry under {@link JOIN_ENTRY_PREFIX} lives after its last Put (default {@link DEFAULT_JOIN_TTL}). */
  joinTtl?: number;
}

/** Default largest state: 2 MiB (a gRPC message is at most 4 MiB). */
export const DEFAULT_MAX_STATE_SIZE = 2 * 1024 * 1024;
/**
 * Default longest state name: 1 KiB (a DAG's join entries take about 80 bytes). Without a bound, 300 Puts
 * of empty states under 1 MB names held 404 MiB that the store counted as 0 bytes.
 */
export const DEFAULT_MAX_NAME_LENGTH = 1024;
/** Default largest sum of contents and names held by one store: 256 MiB. */
export const DEFAULT_MAX_STORE_BYTES = 256 * 1024 * 1024;
/** Default most states held by one store. */
export const DEFAULT_MAX_STATES = 100_000;
/** Default lifetime of a join entry, seconds. */
export const DEFAULT_JOIN_TTL = 600;
/** Most expired join entries one Put removes before it is served (amortized, bounded work). */
const PUT_SWEEP = 8;

/** The retcode of a store refusing a state larger than its bound. */
export function stateTooBig(name: string, size: number, max: number): string {
  return `state too big: ${name} (${size} bytes, at most ${max})`;
}

/** The retcode of a store refusing a name longer than its bound (the name cut to 64 characters). */
export function stateNameTooLong(name: string, bytes: number, max: number): string {
  const shown = name.length > 64 ? `${name.slice(0, 64)}…` : name;
  return `state name too long: ${shown} (${bytes} bytes, at most ${max})`;
}

/**
 * The states of a StateServer (spec §11.3), in memory and bounded. Get, Put and Del answer as the
 * original's StateServer does: `OK`, `could not find state: <name>`, `state not found: <name>`; a Put
 * beyond the bounds is refused (`state too big: ...`, `state server full: ...`), and any call naming a state
 * longer than the bound (`state name too long: ...`). Names count in the bytes held. Join entries (names under
 * {@link JOIN_ENTRY_PREFIX}) expire: an expired one is absent to Get and Del and removed then, by Puts (a
 * few each) and by {@link sweep}.
 */
export class StateStore {
  private readonly states = new Map<string, Buffer>();
  /** Deadline (seconds of `now`) of each join entry, in order of deadline (the order of their last Put). */
  private readonly deadlines = new Map<string, number>();
  private bytes = 0;
  readonly maxStateSize: number;
  readonly maxNameLength: number;
  readonly maxStoreBytes: number;
  readonly maxStates: number;
  readonly joinTtl: number;
  /** Join entries removed because they expired, so far. */
  expired = 0;

  constructor(
    limits: StateLimits = {},
    /** Monotonic clock, seconds (tests inject a virtual one). */
    private readonly now: () => number = monotonicSeconds,
  ) {
    this.maxStateSize = limits.maxStateSize ?? DEFAULT_MAX_STATE_SIZE;
    this.maxNameLength = limits.maxNameLength ?? DEFAULT_MAX_NAME_LENGTH;
    this.maxStoreBytes = limits.maxStoreBytes ?? DEFAULT_MAX_STORE_BYTES;
    this.maxStates = limits.maxStates ?? DEFAULT_MAX_STATES;
    this.joinTtl = limits.joinTtl ?? DEFAULT_JOIN_TTL;
  }

  /** Number of states held. */
  get size(): number {
    return this.states.size;
  }

  /** Sum of the contents and names held, bytes. */
  get totalBytes(): number {
    return this.bytes;
  }

  /** Join entries held (expired ones not yet removed included). */
  get joinEntries(): number {
    return this.deadlines.size;
  }

  /** The content of `name`, or undefined. */
  content(name: string): Buffer | undefined {
    return this.live(name);
  }

  /**
   * Removes the expired join entries, the oldest first, at most `maxWork` of them; returns how many it
   * removed. The deadlines are kept in order, so it stops at the first live entry.
   */
  sweep(maxWork = Infinity): number {
    const now = this.now();
    let removed = 0;
    for (const [name, deadline] of this.deadlines) {
      if (removed >= maxWork || deadline > now) break;
      this.remove(name);
      this.expired++;
      removed++;
    }
    return removed;
  }

  /** Get: `OK` with the state (location empty), or `could not find state: <name>` (or a name too long). */
  get(name: string): StateResponse {
    const refused = this.refuseName(name);
    if (refused !== undefined) return refused;
    const content = this.live(name);
    if (content === undefined) return { retcode: `could not find state: ${name}`, state: null };
    return { retcode: 'OK', state: { name, location: '', content } };
  }

  /** Put: stores (or overwrites) `content` under `name`; `OK` or why it is refused. */
  put(name: string, content: Buffer): StateResponse {
    if (name === '') return { retcode: 'invalid empty state name', state: null };
    const refused = this.refuseName(name);
    if (refused !== undefined) return refused;
    if (content.length > this.maxStateSize) {
      return { retcode: stateTooBig(name, content.length, this.maxStateSize), state: null };
    }
    this.sweep(PUT_SWEEP);
    const old = this.live(name);
    const nameBytes = old === undefined ? Buffer.byteLength(name) : 0;
    const bytes = this.bytes - (old?.length ?? 0) + content.length + nameBytes;
    if (bytes > this.maxStoreBytes || (old === undefined && this.states.size >= this.maxStates)) {
      return {
        retcode: `state server full: cannot store ${name} (${this.states.size} states, ${this.bytes} bytes held)`,
        state: null,
      };
    }
    this.states.set(name, Buffer.from(content));
    this.bytes = bytes;
    if (name.startsWith(JOIN_ENTRY_PREFIX)) {
      // Re-inserted at the end: with a monotonic clock and one TTL, the map stays in deadline order.
      this.deadlines.delete(name);
      this.deadlines.set(name, this.now() + this.joinTtl);
    }
    return { retcode: 'OK', state: null };
  }

  /** Del: `OK`, or `state not found: <name>`. */
  del(name: string): StateResponse {
    const refused = this.refuseName(name);
    if (refused !== undefined) return refused;
    if (this.live(name) === undefined) return { retcode: `state not found: ${name}`, state: null };
    this.remove(name);
    return { retcode: 'OK', state: null };
  }

  /** Serves one StateServer method over this store. */
  serve(method: 'Get' | 'Put' | 'Del', state: State): StateResponse {
    if (method === 'Get') return this.get(state.name);
    if (method === 'Put') return this.put(state.name, state.content);
    return this.del(state.name);
  }

  /** The refusal of a name longer than {@link maxNameLength}, or undefined. */
  private refuseName(name: string): StateResponse | undefined {
    if (name.length * 3 <= this.maxNameLength) return undefined;
    const bytes = Buffer.byteLength(name);
    if (bytes <= this.maxNameLength) return undefined;
    return { retcode: stateNameTooLong(name, bytes, this.maxNameLength), state: null };
  }

  /** The content of `name` unless absent or expired (an expired join entry is removed here). */
  private live(name: string): Buffer | undefined {
    const deadline = this.deadlines.get(name);
    if (deadline !== undefined && deadline <= this.now()) {
      this.remove(name);
      this.expired++;
      return undefined;
    }
    return this.states.get(name);
  }

  private remove(name: string): void {
    const old = this.states.get(name);
    if (old === undefined) return;
    this.states.delete(name);
    this.deadlines.delete(name);
    this.bytes -= old.length + Buffer.byteLength(name);
  }
}
