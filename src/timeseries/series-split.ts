/**
 * Splits of an aggregated series (Gnocchi's storage design): the periods of one granularity are numbered
 * from the epoch (period index k = start / granularity), and split `key` holds the points whose index is in
 * [key × POINTS_PER_SPLIT, (key + 1) × POINTS_PER_SPLIT). A write rewrites only the splits holding the
 * periods it changed; a split entirely older than the series' retention is deleted whole.
 */
import { mergeSorted } from './sorted-merge.js';

/** Periods per split (Gnocchi's `POINTS_PER_SPLIT`). */
export const POINTS_PER_SPLIT = 3600;

/** Points of one split or one update: period indexes ascending and unique, values beside them. */
export interface SplitPoints {
  k: number[];
  v: number[];
}

/** The split holding period index `k`. */
export function splitKeyOf(k: number): number {
  return Math.floor(k / POINTS_PER_SPLIT);
}

/** The largest split key whose every period ends at or before `cutoffUs` (periods of `gUs` microseconds). */
export function lastSplitKeyAtOrBefore(cutoffUs: number, gUs: number): number {
  return Math.floor((Math.floor(cutoffUs / gUs) + 1) / POINTS_PER_SPLIT) - 1;
}

/** Groups sorted points by split key, in key order. */
export function groupBySplit(points: SplitPoints): Map<number, SplitPoints> {
  const out = new Map<number, SplitPoints>();
  let current: SplitPoints | undefined;
  let currentKey = NaN;
  for (let i = 0; i < points.k.length; i++) {
    const k = points.k[i] as number;
    const key = splitKeyOf(k);
    if (key !== currentKey) {
      currentKey = key;
      current = { k: [], v: [] };
      out.set(key, current);
    }
    (current as SplitPoints).k.push(k);
    (current as SplitPoints).v.push(points.v[i] as number);
  }
  return out;
}

/** `old` with `update` merged in: an update's value replaces the old one of the same period. */
export function mergeSplit(old: SplitPoints, update: SplitPoints): SplitPoints {
  const merged = mergeSorted(old.k, old.v, 0, update.k, update.v);
  return { k: merged.times, v: merged.values };
}

/**
 * The binary form of split `key`: a uint16 count, then per point its offset in the split (uint16), then
 * the values as little-endian Float64s. Not compressed: PostgreSQL compresses large values itself.
 */
export function encodeSplit(key: number, points: SplitPoints): Buffer {
  const n = points.k.length;
  const buf = Buffer.allocUnsafe(2 + 2 * n + 8 * n);
  buf.writeUInt16LE(n, 0);
  const base = key * POINTS_PER_SPLIT;
  for (let i = 0; i < n; i++) buf.writeUInt16LE((points.k[i] as number) - base, 2 + 2 * i);
  const values = 2 + 2 * n;
  for (let i = 0; i < n; i++) buf.writeDoubleLE(points.v[i] as number, values + 8 * i);
  return buf;
}

/** Reads {@link encodeSplit}'s form; throws on a malformed buffer. */
export function decodeSplit(key: number, buf: Buffer): SplitPoints {
  if (buf.length < 2) throw new Error('Unable to decode series split: truncated data');
  const n = buf.readUInt16LE(0);
  if (buf.length !== 2 + 10 * n) throw new Error('Unable to decode series split: bad length');
  const base = key * POINTS_PER_SPLIT;
  const k = new Array<number>(n);
  const v = new Array<number>(n);
  for (let i = 0; i < n; i++) k[i] = base + buf.readUInt16LE(2 + 2 * i);
  const values = 2 + 2 * n;
  for (let i = 0; i < n; i++) v[i] = buf.readDoubleLE(values + 8 * i);
  return { k, v };
}
