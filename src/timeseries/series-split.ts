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

/** Bytes per point in a split: its offset in the split (uint16) and its value (Float64), little-endian. */
const RECORD = 10;

/**
 * The binary form of split `key`: a 10-byte record per point, its offset in the split (uint16) then its
 * value (Float64), little-endian, in time order. Not compressed (PostgreSQL compresses large values
 * itself); a split grows by appending records.
 */
export function encodeSplit(key: number, points: SplitPoints): Buffer {
  const n = points.k.length;
  const buf = Buffer.allocUnsafe(RECORD * n);
  const base = key * POINTS_PER_SPLIT;
  for (let i = 0; i < n; i++) {
    buf.writeUInt16LE((points.k[i] as number) - base, RECORD * i);
    buf.writeDoubleLE(points.v[i] as number, RECORD * i + 2);
  }
  return buf;
}

/** Reads {@link encodeSplit}'s form; throws on a malformed buffer. */
export function decodeSplit(key: number, buf: Buffer): SplitPoints {
  if (buf.length % RECORD !== 0) throw new Error('Unable to decode series split: bad length');
  const n = buf.length / RECORD;
  const base = key * POINTS_PER_SPLIT;
  const k = new Array<number>(n);
  const v = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    k[i] = base + buf.readUInt16LE(RECORD * i);
    v[i] = buf.readDoubleLE(RECORD * i + 2);
  }
  return { k, v };
}

/**
 * The encoded split `key` with `update` merged in: appended to `old` when every update is later than its
 * last point (the usual case: time goes forward), else decoded, merged and encoded again.
 */
export function mergeEncodedSplit(key: number, old: Buffer | undefined, update: SplitPoints): Buffer {
  if (old === undefined || old.length === 0) return encodeSplit(key, update);
  const lastK = key * POINTS_PER_SPLIT + old.readUInt16LE(old.length - RECORD);
  if ((update.k[0] as number) > lastK) return Buffer.concat([old, encodeSplit(key, update)]);
  return encodeSplit(key, mergeSplit(decodeSplit(key, old), update));
}
