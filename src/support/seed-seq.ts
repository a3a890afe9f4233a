/**
 * C++'s `std::seed_seq` (C++11 §26.5.7.1, as libstdc++ implements it): spreads a few seed integers over
 * as many 32-bit words as an engine's state needs, so that close seeds give unrelated states.
 */
export class SeedSeq {
  /** The seeds, each reduced modulo 2^32 as `seed_seq` stores them. */
  readonly values: readonly number[];

  /** `values` must be integers; negative ones wrap as C++'s unsigned conversion does (-1 is 2^32 - 1). */
  constructor(values: readonly number[]) {
    for (const [i, v] of values.entries()) {
      if (!Number.isSafeInteger(v)) throw new RangeError(`seed_seq value ${i} is not an integer: ${v}`);
    }
    this.values = values.map((v) => v >>> 0);
  }

  /** `generate(begin, end)` for a range of `n` words: the words, each in [0, 2^32). */
  generate(n: number): Uint32Array {
    const out = new Uint32Array(n).fill(0x8b8b8b8b);
    if (n === 0) return out;
    const s = this.values.length;
    const t = n >= 623 ? 11 : n >= 68 ? 7 : n >= 39 ? 5 : n >= 7 ? 3 : Math.floor((n - 1) / 2);
    const p = Math.floor((n - t) / 2);
    const q = p + t;
    const m = Math.max(s + 1, n);
    const mix = (x: number): number => x ^ (x >>> 27);
    for (let k = 0; k < m; k++) {
      const kn = k % n;
      const kpn = (k + p) % n;
      const kqn = (k + q) % n;
      const r1 = Math.imul(1664525, mix(out[kn]! ^ out[kpn]! ^ out[(k - 1 + n) % n]!)) >>> 0;
      const r2 = (r1 + (k === 0 ? s : kn + (k <= s ? this.values[k - 1]! : 0))) >>> 0;
      out[kpn] = out[kpn]! + r1;
      out[kqn] = out[kqn]! + r2;
      out[kn] = r2;
    }
    for (let k = m; k < m + n; k++) {
      const kn = k % n;
      const kpn = (k + p) % n;
      const kqn = (k + q) % n;
      const r3 = Math.imul(1566083941, mix((out[kn]! + out[kpn]! + out[(k - 1) % n]!) >>> 0)) >>> 0;
      const r4 = (r3 - kn) >>> 0;
      out[kpn] = out[kpn]! ^ r3;
      out[kqn] = out[kqn]! ^ r4;
      out[kn] = r4;
    }
    return out;
  }
}
