/** Running count, mean and population standard deviation of a series (Welford's method). */
export class SummaryStat {
  private n = 0;
  private m = 0;
  private s = 0;

  /** Adds a value. */
  add(x: number): void {
    this.n++;
    const d = x - this.m;
    this.m += d / this.n;
    this.s += d * (x - this.m);
  }

  /** Number of values. */
  get count(): number {
    return this.n;
  }

  /** Mean (0 when empty). */
  get mean(): number {
    return this.m;
  }

  /** Population standard deviation (0 when fewer than two values). */
  get stddev(): number {
    return this.n > 1 ? Math.sqrt(this.s / this.n) : 0;
  }
}
