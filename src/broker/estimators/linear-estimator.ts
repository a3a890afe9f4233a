import { monotonicClock, type Clock } from '../policies/selection-policy.js';

/** One sample of a {@link LinearEstimator}: the point and when it was added (seconds). */
interface Point {
  x: number;
  y: number;
  at: number;
}

/**
 * An ordinary least-squares line `a + b·x` over the last `windowSize` points (spec §4.2). If
 * `stalePeriod` is positive, points older than that many seconds are dropped (oldest first) whenever an
 * estimate is asked for. The fit is recomputed only after points were added or dropped. No points give
 * `a = b = 0`; one point, or points all with the same x, give `a = mean(y)`, `b = 0`.
 */
export class LinearEstimator {
  private readonly points: Point[] = [];
  private a = 0;
  private b = 0;
  private dirty = false;

  /** Fails with `Invalid window size: <w>` unless the window is a positive integer. */
  constructor(
    readonly windowSize: number,
    readonly stalePeriod = 0,
    private readonly clock: Clock = monotonicClock,
  ) {
    if (!Number.isInteger(windowSize) || windowSize < 1)
      throw new Error(`Invalid window size: ${windowSize}`);
  }

  /** The number of points held (stale ones included until the next estimate). */
  get size(): number {
    return this.points.length;
  }

  /** Adds a point, dropping the oldest one if the window is full. */
  add(x: number, y: number): void {
    this.points.push({ x, y, at: this.clock() });
    if (this.points.length > this.windowSize) this.points.shift();
    this.dirty = true;
  }

  /** `a + b·x` of the current fit, after dropping stale points. */
  estimate(x: number): number {
    const { a, b } = this.coefficients();
    return a + b * x;
  }

  /**
   * The prediction at `x` kept within the smallest and largest `y` in the window: a straight line fitted to
   * a few noisy points must not predict a delay below (or above) every delay actually observed.
   */
  estimateWithinObserved(x: number): number {
    const y = this.estimate(x);
    if (this.points.length === 0) return y;
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of this.points) {
      lo = Math.min(lo, p.y);
      hi = Math.max(hi, p.y);
    }
    return Math.min(hi, Math.max(lo, y));
  }

  /** The intercept `a` and slope `b` of the current fit, after dropping stale points. */
  coefficients(): { a: number; b: number } {
    this.purge();
    if (this.dirty) this.fit();
    return { a: this.a, b: this.b };
  }

  private purge(): void {
    if (!(this.stalePeriod > 0)) return;
    const oldest = this.clock() - this.stalePeriod;
    let n = 0;
    while (n < this.points.length && this.points[n]!.at < oldest) n++;
    if (n === 0) return;
    this.points.splice(0, n);
    this.dirty = true;
  }

  private fit(): void {
    this.dirty = false;
    const n = this.points.length;
    if (n === 0) {
      this.a = 0;
      this.b = 0;
      return;
    }
    let sx = 0;
    let sy = 0;
    let minX = Infinity;
    let maxX = -Infinity;
    for (const p of this.points) {
      sx += p.x;
      sy += p.y;
      minX = Math.min(minX, p.x);
      maxX = Math.max(maxX, p.x);
    }
    const mx = sx / n;
    const my = sy / n;
    if (minX === maxX) {
      this.a = my;
      this.b = 0;
      return;
    }
    let sxx = 0;
    let sxy = 0;
    for (const p of this.points) {
      sxx += (p.x - mx) * (p.x - mx);
      sxy += (p.x - mx) * (p.y - my);
    }
    this.b = sxy / sxx;
    this.a = my - this.b * mx;
  }
}
