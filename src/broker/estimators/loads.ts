import type { Clock } from '../policies/selection-policy.js';

/** The highest load1 an estimate is evaluated at (loads are 0–100). */
const MAX_LOAD = 99;

/**
 * The last load1 (0–100) each destination reported, for the `util` and `delay` estimators: a load older
 * than `timeout` seconds counts as 0, and loads are clamped to 99 (spec §4.3).
 */
export class LastLoads {
  private readonly loads = new Map<string, { load: number; at: number }>();

  constructor(
    readonly timeout: number,
    private readonly clock: Clock,
  ) {}

  /** Records the load1 a destination just reported. */
  update(destination: string, load1: number): void {
    this.loads.set(destination, { load: load1, at: this.clock() });
  }

  /** The load to evaluate a destination's estimate at: its last load1, or 0 if unknown or too old. */
  get(destination: string): number {
    const last = this.loads.get(destination);
    if (last === undefined || this.clock() - last.at > this.timeout) return 0;
    return Math.min(MAX_LOAD, last.load);
  }

  /** Forgets a destination. */
  forget(destination: string): void {
    this.loads.delete(destination);
  }
}
