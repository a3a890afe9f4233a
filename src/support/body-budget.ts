/**
 * The bytes of request bodies a server reads at once, over all its connections: each body reserves its
 * declared length (or, chunked, what has arrived) before it is read, and gives it back once done with.
 * Without it, wskproxy read as many 48 MiB action bodies at once as connections came (4,096), and the
 * timeseries service as many 8 MiB ones.
 */
export class BodyBudget {
  private used = 0;

  constructor(
    /** Bytes that may be reserved at once. */
    readonly maxBytes: number,
  ) {}

  /** Bytes reserved now. */
  get reserved(): number {
    return this.used;
  }

  /** Reserves `bytes`; false (nothing reserved) when that would pass {@link maxBytes}. */
  reserve(bytes: number): boolean {
    if (this.used + bytes > this.maxBytes) return false;
    this.used += bytes;
    return true;
  }

  /** Gives back `bytes` reserved. */
  release(bytes: number): void {
    this.used -= bytes;
  }
}
