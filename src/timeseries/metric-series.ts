/**
 * Carbonara: the per-metric storage engine. A metric keeps a raw buffer (the newest block of its coarsest
 * granularity plus `back_window` earlier blocks) and, for every granularity × aggregation method of its
 * archive policy, an aggregated series of period starts (aligned on the epoch) and values, trimmed to the
 * policy timespan back from the series' own newest point. Adding measures recomputes only the periods they
 * touch. The whole state encodes into one compressed blob.
 */
import { endianness } from 'node:os';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import {
  type AggregationPlan,
  aggregateRange,
  baseMethodOf,
  compileAggregationPlan,
  isRateMethod,
} from './aggregation-methods.js';
import { TimeseriesError } from './errors.js';
import type { ArchivePolicy, Measure, Point } from './model.js';
import { mergeSorted } from './sorted-merge.js';
import { AFTER_MAX_REASON, BEFORE_EPOCH_REASON, MAX_TIMESTAMP } from './timestamp.js';

/** Microseconds per second: every timestamp is held as integer microseconds since the epoch. */
const US = 1e6;

/** The latest timestamp a series holds, in microseconds (the API refuses later ones first). */
const MAX_US = Math.round(MAX_TIMESTAMP * US);

/** Points per chunk of an encoded aggregated series (Gnocchi's `POINTS_PER_SPLIT`). */
const POINTS_PER_CHUNK = 3600;

const MAGIC = Buffer.from('GCS1', 'latin1');

/** Float64 bytes can be copied as they are (the encoding is little-endian). */
const LITTLE_ENDIAN = endianness() === 'LE';

/** deflate level of `encode()`: close to the default's size at a fraction of its time. */
const DEFLATE_LEVEL = 3;

/** Index of the first element of `a[from..to)` that is ≥ `x`. */
function lowerBound(a: ArrayLike<number>, x: number, from = 0, to = a.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first element of `a[from..to)` that is > `x`. */
function upperBound(a: ArrayLike<number>, x: number, from = 0, to = a.length): number {
  let lo = from;
  let hi = to;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((a[mid] as number) <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One aggregated series: sorted period starts (µs) and values; `head` skips trimmed points. */
class Series {
  t: number[] = [];
  v: number[] = [];
  head = 0;

  get length(): number {
    return this.t.length - this.head;
  }

  /** Inserts or replaces points (sorted, unique period starts). */
  upsert(times: number[], values: number[]): void {
    if (times.length === 0) return;
    const { t, v } = this;
    const first = times[0] as number;
    if (t.length === this.head || first > (t[t.length - 1] as number)) {
      for (let i = 0; i < times.length; i++) {
        t.push(times[i] as number);
        v.push(values[i] as number);
      }
      return;
    }
    const start = lowerBound(t, first, this.head);
    const merged = mergeSorted(t, v, start, times, values);
    t.length = start;
    v.length = start;
    for (let k = 0; k < merged.times.length; k++) {
      t.push(merged.times[k] as number);
      v.push(merged.values[k] as number);
    }
  }

  /** Keeps only the points newer than `newest − span` (Gnocchi's retention, relative to this series). */
  truncate(spanUs: number | null): void {
    if (spanUs === null || this.length === 0) return;
    const cutoff = (this.t[this.t.length - 1] as number) - spanUs;
    this.head = upperBound(this.t, cutoff, this.head);
    if (this.head > 1024 && this.head * 2 > this.t.length) {
      this.t = this.t.slice(this.head);
      this.v = this.v.slice(this.head);
      this.head = 0;
    }
  }
}

/** Per granularity: its size, retention and the methods computed on it. */
interface Level {
  granularity: number;
  gUs: number;
  spanUs: number | null;
}

/** Varints encode integers of [0, 2^64): 10 bytes of 7 bits at most. */
const VARINT_LIMIT = 2 ** 64;

/** Growable byte buffer for the encoder. */
class ByteWriter {
  private buf = Buffer.alloc(1024);
  private pos = 0;

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  /**
   * Writes an integer of [0, 2^64) in at most 10 bytes; anything else throws (an infinite one would never
   * end the loop, a larger one would overrun the 10 bytes reserved).
   */
  varint(n: number): void {
    if (!(n >= 0 && n < VARINT_LIMIT)) {
      throw new RangeError(`Unable to encode metric series: ${n} is out of the varint range`);
    }
    this.ensure(10);
    let x = n;
    while (x >= 128) {
      this.buf[this.pos++] = (x % 128) | 0x80;
      x = Math.floor(x / 128);
    }
    this.buf[this.pos++] = x;
  }

  float64(x: number): void {
    this.ensure(8);
    this.buf.writeDoubleLE(x, this.pos);
    this.pos += 8;
  }

  /** Writes `values[from..to)` as little-endian Float64s. */
  float64s(values: ArrayLike<number>, from: number, to: number): void {
    const n = to - from;
    this.ensure(8 * n);
    if (LITTLE_ENDIAN) {
      const tmp = new Float64Array(n);
      for (let i = 0; i < n; i++) tmp[i] = values[from + i] as number;
      this.buf.set(new Uint8Array(tmp.buffer), this.pos);
      this.pos += 8 * n;
    } else {
      for (let i = from; i < to; i++) this.float64(values[i] as number);
    }
  }

  string(s: string): void {
    const bytes = Buffer.from(s, 'utf8');
    this.varint(bytes.length);
    this.ensure(bytes.length);
    bytes.copy(this.buf, this.pos);
    this.pos += bytes.length;
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

/** Reader matching ByteWriter; throws on truncated input. */
class ByteReader {
  private pos = 0;

  constructor(private readonly buf: Buffer) {}

  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('Unable to decode metric series: truncated data');
      if (scale >= VARINT_LIMIT) throw new Error('Unable to decode metric series: varint too long');
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 128) return result;
      scale *= 128;
    }
  }

  float64(): number {
    if (this.pos + 8 > this.buf.length) throw new Error('Unable to decode metric series: truncated data');
    const x = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return x;
  }

  /** Reads `n` little-endian Float64s. */
  float64s(n: number): Float64Array {
    if (this.pos + 8 * n > this.buf.length) throw new Error('Unable to decode metric series: truncated data');
    const out = new Float64Array(n);
    if (LITTLE_ENDIAN) new Uint8Array(out.buffer).set(this.buf.subarray(this.pos, this.pos + 8 * n));
    else for (let i = 0; i < n; i++) out[i] = this.buf.readDoubleLE(this.pos + 8 * i);
    this.pos += 8 * n;
    return out;
  }

  string(): string {
    const n = this.varint();
    if (this.pos + n > this.buf.length) throw new Error('Unable to decode metric series: truncated data');
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n;
    return s;
  }
}

/**
 * The aggregated state of one metric under an archive policy (Gnocchi's BoundTimeSerie + its
 * AggregatedTimeSeries). Not thread-safe; a driver loads it, adds measures, reads, encodes.
 */
export class MetricSeries {
  /** The policy this state follows. */
  readonly policy: ArchivePolicy;
  private readonly levels: Level[];
  private readonly methods: string[];
  private readonly plainPlan: AggregationPlan;
  private readonly plainIndexes: number[];
  private readonly ratePlan: AggregationPlan;
  private readonly rateIndexes: number[];
  private readonly blockUs: number;
  private readonly rawBackWindow: number;
  /** series[level][method index]. */
  private readonly series: Series[][];
  private rawT: Float64Array = new Float64Array(0);
  private rawV: Float64Array = new Float64Array(0);

  /** An empty state for `policy`. */
  constructor(policy: ArchivePolicy) {
    this.policy = policy;
    this.levels = [...policy.definition]
      .sort((a, b) => a.granularity - b.granularity)
      .map((d) => ({
        granularity: d.granularity,
        gUs: Math.max(1, Math.round(d.granularity * US)),
        spanUs: d.timespan === null ? null : Math.round(d.timespan * US),
      }));
    this.methods = [...policy.aggregation_methods];
    this.plainIndexes = [];
    this.rateIndexes = [];
    this.methods.forEach((m, i) => (isRateMethod(m) ? this.rateIndexes : this.plainIndexes).push(i));
    this.plainPlan = compileAggregationPlan(this.plainIndexes.map((i) => this.methods[i] as string));
    this.ratePlan = compileAggregationPlan(
      this.rateIndexes.map((i) => baseMethodOf(this.methods[i] as string)),
    );
    this.blockUs = this.levels.length ? (this.levels[this.levels.length - 1] as Level).gUs : 1;
    this.rawBackWindow = policy.back_window + (this.rateIndexes.length > 0 ? 1 : 0);
    this.series = this.levels.map(() => this.methods.map(() => new Series()));
  }

  private firstAcceptedUs(newest?: number): number | undefined {
    const n = this.rawT.length;
    let last = n === 0 ? undefined : (this.rawT[n - 1] as number);
    if (newest !== undefined) {
      const newestUs = Math.round(newest * US);
      if (last === undefined || newestUs > last) last = newestUs;
    }
    if (last === undefined) return undefined;
    return Math.floor(last / this.blockUs) * this.blockUs - this.rawBackWindow * this.blockUs;
  }

  /**
   * The oldest timestamp (epoch seconds) a new measure may have: floor(newest raw timestamp, coarsest
   * granularity) − back_window × coarsest granularity (one block more when the policy has `rate:` methods,
   * as Gnocchi keeps one more block for them). Undefined before any measure.
   */
  firstAcceptedTimestamp(newest?: number): number | undefined {
    const first = this.firstAcceptedUs(newest);
    return first === undefined ? undefined : first / US;
  }

  /**
   * The first measure older than `firstAcceptedTimestamp(newest)`, so a store can refuse the whole batch;
   * `newest` (epoch seconds) counts a measure accepted but not yet added (a write waiting for the disk).
   */
  tooOld(measures: readonly Measure[], newest?: number): Measure | undefined {
    const first = this.firstAcceptedUs(newest);
    if (first === undefined) return undefined;
    return measures.find((m) => Math.round(m.timestamp * US) < first);
  }

  /** Throws the 400 of {@link add} if a timestamp is outside [0, `MAX_TIMESTAMP`]. */
  static checkRange(measures: readonly Measure[]): void {
    for (const m of measures) {
      const t = Math.round(m.timestamp * US);
      if (!(t >= 0)) throw TimeseriesError.invalidInput(BEFORE_EPOCH_REASON);
      if (!(t <= MAX_US)) throw TimeseriesError.invalidInput(AFTER_MAX_REASON);
    }
  }

  /**
   * Merges measures into the raw buffer and recomputes the affected periods of every granularity × method.
   * Measures older than `firstAcceptedTimestamp()` are dropped (not counted in `accepted`). As Gnocchi does,
   * when one call holds several values for one timestamp the first one is kept, and a value for a timestamp
   * already in the raw buffer replaces it. `rate:X` applies X to the differences between consecutive raw
   * points (each difference dated by its later point). A timestamp outside [0, `MAX_TIMESTAMP`] throws a 400
   * before anything changes.
   */
  add(measures: readonly Measure[]): { accepted: number } {
    const first = this.firstAcceptedUs();
    const times: number[] = [];
    const values: number[] = [];
    let sorted = true;
    for (const m of measures) {
      const t = Math.round(m.timestamp * US);
      if (!(t >= 0)) throw TimeseriesError.invalidInput(BEFORE_EPOCH_REASON);
      if (!(t <= MAX_US)) throw TimeseriesError.invalidInput(AFTER_MAX_REASON);
      if (first !== undefined && t < first) continue;
      if (times.length && t < (times[times.length - 1] as number)) sorted = false;
      times.push(t);
      values.push(m.value);
    }
    const accepted = times.length;
    if (accepted === 0) return { accepted };
    const order = Array.from({ length: accepted }, (_, i) => i);
    if (!sorted) order.sort((a, b) => (times[a] as number) - (times[b] as number) || a - b);
    const newT: number[] = [];
    const newV: number[] = [];
    for (const i of order) {
      const t = times[i] as number;
      if (newT.length && newT[newT.length - 1] === t) continue;
      newT.push(t);
      newV.push(values[i] as number);
    }
    const firstNew = this.mergeRaw(newT, newV);
    this.recompute(firstNew.index, firstNew.isNew);
    this.trimRaw();
    return { accepted };
  }

  /** Merges sorted unique points into the raw buffer; returns where the new points start and which are new. */
  private mergeRaw(newT: number[], newV: number[]): { index: number; isNew: Uint8Array } {
    const oldT = this.rawT;
    const oldV = this.rawV;
    const start = lowerBound(oldT, newT[0] as number);
    const merged = mergeSorted(oldT, oldV, start, newT, newV);
    const total = start + merged.times.length;
    const rawT = new Float64Array(total);
    const rawV = new Float64Array(total);
    rawT.set(oldT.subarray(0, start));
    rawV.set(oldV.subarray(0, start));
    rawT.set(merged.times, start);
    rawV.set(merged.values, start);
    this.rawT = rawT;
    this.rawV = rawV;
    const isNew = new Uint8Array(total);
    isNew.set(merged.isNew, start);
    return { index: start, isNew };
  }

  /** Recomputes the periods holding new raw points (and, for `rate:`, the point after each new one). */
  private recompute(from: number, isNew: Uint8Array): void {
    const rawT = this.rawT;
    const rawV = this.rawV;
    const n = rawT.length;
    const hasRate = this.rateIndexes.length > 0;
    const hasPlain = this.plainIndexes.length > 0;
    const plainOut = new Float64Array(this.plainIndexes.length);
    const rateOut = new Float64Array(this.rateIndexes.length);
    const diffs = hasRate ? new Float64Array(n) : new Float64Array(0);
    if (hasRate) for (let k = 1; k < n; k++) diffs[k] = (rawV[k] as number) - (rawV[k - 1] as number);
    this.levels.forEach((level, li) => {
      const { gUs } = level;
      const updates: { t: number[]; v: number[] }[] = this.methods.map(() => ({ t: [], v: [] }));
      let j = from;
      while (j < n) {
        const touched = isNew[j] === 1 || (hasRate && j > 0 && isNew[j - 1] === 1);
        if (!touched) {
          j++;
          continue;
        }
        const period = Math.floor((rawT[j] as number) / gUs) * gUs;
        const lo = lowerBound(rawT, period, 0, j);
        let hi = j + 1;
        const end = period + gUs;
        while (hi < n && (rawT[hi] as number) < end) hi++;
        if (hasPlain) {
          aggregateRange(this.plainPlan, rawV, lo, hi, plainOut);
          this.collect(updates, this.plainIndexes, this.plainPlan, plainOut, period);
        }
        const diffStart = Math.max(lo, 1);
        if (hasRate && diffStart < hi) {
          aggregateRange(this.ratePlan, diffs, diffStart, hi, rateOut);
          this.collect(updates, this.rateIndexes, this.ratePlan, rateOut, period);
        }
        j = hi;
      }
      const levelSeries = this.series[li] as Series[];
      updates.forEach((u, mi) => {
        const s = levelSeries[mi] as Series;
        s.upsert(u.t, u.v);
        s.truncate(level.spanUs);
      });
    });
  }

  private collect(
    updates: { t: number[]; v: number[] }[],
    indexes: number[],
    plan: AggregationPlan,
    results: Float64Array,
    period: number,
  ): void {
    for (let k = 0; k < indexes.length; k++) {
      const value = results[k] as number;
      if (plan.codes[k] === 5 && Number.isNaN(value)) continue;
      const u = updates[indexes[k] as number] as { t: number[]; v: number[] };
      u.t.push(period);
      u.v.push(value);
    }
  }

  /** Drops raw points older than the first accepted timestamp. */
  private trimRaw(): void {
    const first = this.firstAcceptedUs();
    if (first === undefined) return;
    const cut = lowerBound(this.rawT, first);
    if (cut > 0) {
      this.rawT = this.rawT.slice(cut);
      this.rawV = this.rawV.slice(cut);
    }
  }

  private levelIndex(granularity: number): number {
    const gUs = Math.max(1, Math.round(granularity * US));
    return this.levels.findIndex((l) => l.gUs === gUs);
  }

  /** The granularities of the policy, ascending. */
  granularities(): number[] {
    return this.levels.map((l) => l.granularity);
  }

  /**
   * Aggregated points of `method`: one granularity, or all of them coarsest first; ascending time within
   * each. `start` (inclusive) is first rounded down to the granularity, as Gnocchi does; `stop` is
   * exclusive. Throws an Error for a method or granularity not in the policy (callers check first).
   */
  read(method: string, granularity?: number, start?: number, stop?: number): Point[] {
    const mi = this.methods.indexOf(method);
    if (mi < 0)
      throw new Error(`Aggregation method '${method}' is not in archive policy ${this.policy.name}`);
    let levelIndexes: number[];
    if (granularity === undefined) levelIndexes = this.levels.map((_, i) => i).reverse();
    else {
      const li = this.levelIndex(granularity);
      if (li < 0) throw new Error(`Granularity ${granularity} is not in archive policy ${this.policy.name}`);
      levelIndexes = [li];
    }
    const points: Point[] = [];
    for (const li of levelIndexes) {
      const level = this.levels[li] as Level;
      const s = (this.series[li] as Series[])[mi] as Series;
      const from =
        start === undefined
          ? s.head
          : lowerBound(s.t, Math.floor(Math.round(start * US) / level.gUs) * level.gUs, s.head);
      const to = stop === undefined ? s.t.length : lowerBound(s.t, Math.round(stop * US), from);
      for (let i = from; i < to; i++)
        points.push([(s.t[i] as number) / US, level.granularity, s.v[i] as number]);
    }
    return points;
  }

  /** Number of aggregated points held, over every granularity and method. */
  pointCount(): number {
    let total = 0;
    for (const level of this.series) for (const s of level) total += s.length;
    return total;
  }

  /** Number of raw points held in the back-window buffer. */
  rawPointCount(): number {
    return this.rawT.length;
  }

  /**
   * Empties every aggregated series and keeps the raw buffer: a driver storing the aggregates elsewhere
   * (PostgreSQL's splits) reads what `add()` recomputed, clears it, and encodes the raw buffer alone.
   */
  clearAggregates(): void {
    for (let li = 0; li < this.series.length; li++) this.series[li] = this.methods.map(() => new Series());
  }

  /**
   * A compact binary form: a `GCS1` header then, deflated, the granularities and methods, the raw buffer
   * (varint µs deltas + Float64 values) and each aggregated series as chunks of ≤ 3600 points (varint period
   * deltas + Float64 values).
   */
  encode(): Buffer {
    const w = new ByteWriter();
    w.varint(this.levels.length);
    for (const level of this.levels) w.float64(level.granularity);
    w.varint(this.methods.length);
    for (const m of this.methods) w.string(m);
    const n = this.rawT.length;
    w.varint(n);
    let previous = 0;
    for (let i = 0; i < n; i++) {
      const t = this.rawT[i] as number;
      w.varint(t - previous);
      previous = t;
    }
    w.float64s(this.rawV, 0, n);
    this.levels.forEach((level, li) => {
      for (const s of this.series[li] as Series[]) {
        const count = s.length;
        w.varint(count);
        for (let c = s.head; c < s.t.length; c += POINTS_PER_CHUNK) {
          const end = Math.min(c + POINTS_PER_CHUNK, s.t.length);
          let prev = 0;
          for (let i = c; i < end; i++) {
            const k = Math.round((s.t[i] as number) / level.gUs);
            w.varint(k - prev);
            prev = k;
          }
          w.float64s(s.v, c, end);
        }
      }
    });
    return Buffer.concat([MAGIC, deflateRawSync(w.bytes(), { level: DEFLATE_LEVEL })]);
  }

  /**
   * Rebuilds a state from `encode()` output under `policy` (series of granularities or methods the policy no
   * longer has are ignored; new ones start empty). Throws an Error on a corrupt blob.
   */
  static decode(policy: ArchivePolicy, bytes: Buffer): MetricSeries {
    if (bytes.length < MAGIC.length || !bytes.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new Error('Unable to decode metric series: bad header');
    }
    const r = new ByteReader(inflateRawSync(bytes.subarray(MAGIC.length)));
    const result = new MetricSeries(policy);
    const granularities = Array.from({ length: r.varint() }, () => r.float64());
    const methods = Array.from({ length: r.varint() }, () => r.string());
    const n = r.varint();
    const rawT = new Float64Array(n);
    let t = 0;
    for (let i = 0; i < n; i++) {
      t += r.varint();
      rawT[i] = t;
    }
    result.rawT = rawT;
    result.rawV = r.float64s(n);
    for (const granularity of granularities) {
      const gUs = Math.max(1, Math.round(granularity * US));
      const li = result.levels.findIndex((l) => l.gUs === gUs);
      for (const method of methods) {
        const count = r.varint();
        const s = new Series();
        for (let c = 0; c < count; c += POINTS_PER_CHUNK) {
          const size = Math.min(POINTS_PER_CHUNK, count - c);
          let k = 0;
          for (let i = 0; i < size; i++) {
            k += r.varint();
            s.t.push(k * gUs);
          }
          for (const v of r.float64s(size)) s.v.push(v);
        }
        const mi = result.methods.indexOf(method);
        if (li >= 0 && mi >= 0) (result.series[li] as Series[])[mi] = s;
      }
    }
    return result;
  }
}
