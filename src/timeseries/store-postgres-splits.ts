/**
 * PostgreSQL's side of the split storage: what a write recomputed, as per-series updates, and the SQL
 * that merges them into the touched rows of `ts_split` and drops the splits a series' retention left
 * behind. One statement each for reading, writing and deleting, whatever the number of metrics.
 */
import type pg from 'pg';
import type { MetricSeries } from './metric-series.js';
import {
  decodeSplit,
  groupBySplit,
  lastSplitKeyAtOrBefore,
  mergeEncodedSplit,
  POINTS_PER_SPLIT,
  type SplitPoints,
} from './series-split.js';

/** Microseconds per second, as the series hold timestamps. */
const US = 1e6;

/** Microseconds of a granularity, as `MetricSeries` rounds it. */
export function granularityUs(granularity: number): number {
  return Math.max(1, Math.round(granularity * US));
}

/** The recomputed points of one series (granularity × method) of a metric. */
export interface SeriesUpdate {
  metricId: string;
  granularity: number;
  method: string;
  /** Retention in microseconds (null: none). */
  spanUs: number | null;
  points: SplitPoints;
}

/**
 * Takes the aggregated points `series` holds (after `add()` on a state holding only the raw buffer: the
 * periods that write recomputed) as updates, and clears them from `series`, which keeps its raw buffer.
 */
export function takeUpdates(metricId: string, series: MetricSeries): SeriesUpdate[] {
  const updates: SeriesUpdate[] = [];
  for (const item of series.policy.definition) {
    const gUs = granularityUs(item.granularity);
    const spanUs = item.timespan === null ? null : Math.round(item.timespan * US);
    for (const method of series.policy.aggregation_methods) {
      const points = series.read(method, item.granularity);
      if (points.length === 0) continue;
      updates.push({
        metricId,
        granularity: item.granularity,
        method,
        spanUs,
        points: { k: points.map((p) => Math.round(Math.round(p[0] * US) / gUs)), v: points.map((p) => p[2]) },
      });
    }
  }
  series.clearAggregates();
  return updates;
}

/** Columns of split rows, as arrays for `unnest`. */
interface SplitColumns {
  ids: string[];
  granularities: number[];
  methods: string[];
  keys: number[];
}

function columns(): SplitColumns {
  return { ids: [], granularities: [], methods: [], keys: [] };
}

function rowKey(id: string, granularity: number, method: string, key: number): string {
  return `${id}\0${granularity}\0${method}\0${key}`;
}

/** Several byte strings sent as one binary parameter: SQL cuts each out with `substring(FROM off FOR len)`. */
class Blobs {
  readonly parts: Buffer[] = [];
  readonly offsets: number[] = [];
  readonly lengths: number[] = [];
  private size = 0;

  add(blob: Buffer): void {
    this.parts.push(blob);
    this.offsets.push(this.size + 1);
    this.lengths.push(blob.length);
    this.size += blob.length;
  }

  joined(): Buffer {
    return Buffer.concat(this.parts, this.size);
  }
}

/**
 * Merges updates into their splits (reading the existing rows of the touched splits only), deletes the
 * splits entirely older than each updated series' retention, and stores each metric's new raw buffer
 * (`raw`: metric id → encoded buffer) in `ts_series`, bumping its version: one statement reads, one
 * writes. Run inside the transaction holding the metrics' `ts_series` rows locked.
 */
export async function saveSplits(
  c: pg.PoolClient,
  updates: readonly SeriesUpdate[],
  raw: ReadonlyMap<string, Buffer> = new Map(),
): Promise<void> {
  const touched = columns();
  const parts: SplitPoints[] = [];
  const expired = columns();
  for (const u of updates) {
    let firstKey: number | undefined;
    for (const [key, points] of groupBySplit(u.points)) {
      firstKey ??= key;
      touched.ids.push(u.metricId);
      touched.granularities.push(u.granularity);
      touched.methods.push(u.method);
      touched.keys.push(key);
      parts.push(points);
    }
    if (u.spanUs !== null && firstKey !== undefined) {
      const gUs = granularityUs(u.granularity);
      const newestUs = (u.points.k[u.points.k.length - 1] as number) * gUs;
      // Never a split this write rewrites (its points past the retention stay hidden until a later write).
      const dead = Math.min(lastSplitKeyAtOrBefore(newestUs - u.spanUs, gUs), firstKey - 1);
      if (dead >= 0) {
        expired.ids.push(u.metricId);
        expired.granularities.push(u.granularity);
        expired.methods.push(u.method);
        expired.keys.push(dead);
      }
    }
  }
  const existing = new Map<string, Buffer>();
  if (parts.length > 0) {
    const { rows } = await c.query<{
      metric_id: string;
      granularity: number;
      method: string;
      split_key: string;
      points: Buffer;
    }>(
      `SELECT s.metric_id, s.granularity, s.method, s.split_key, s.points FROM ts_split s
       JOIN unnest($1::text[], $2::float8[], $3::text[], $4::bigint[]) AS u(metric_id, granularity, method, split_key)
       ON s.metric_id = u.metric_id AND s.granularity = u.granularity AND s.method = u.method AND s.split_key = u.split_key`,
      [touched.ids, touched.granularities, touched.methods, touched.keys],
    );
    for (const r of rows) {
      existing.set(rowKey(r.metric_id, r.granularity, r.method, Number(r.split_key)), r.points);
    }
  }
  const blobs = new Blobs();
  parts.forEach((points, i) => {
    const key = touched.keys[i] as number;
    const old = existing.get(
      rowKey(touched.ids[i] as string, touched.granularities[i] as number, touched.methods[i] as string, key),
    );
    blobs.add(mergeEncodedSplit(key, old, points));
  });
  const rawIds = [...raw.keys()];
  for (const blob of raw.values()) blobs.add(blob);
  const n = parts.length;
  await c.query(
    `WITH written AS (
       INSERT INTO ts_split (metric_id, granularity, method, split_key, points)
       SELECT u.metric_id, u.granularity, u.method, u.split_key, substring($5::bytea FROM u.off FOR u.len)
       FROM unnest($1::text[], $2::float8[], $3::text[], $4::bigint[], $6::int[], $7::int[])
         AS u(metric_id, granularity, method, split_key, off, len)
       ON CONFLICT (metric_id, granularity, method, split_key) DO UPDATE SET points = EXCLUDED.points
       RETURNING 1
     ), deleted AS (
       DELETE FROM ts_split s USING unnest($8::text[], $9::float8[], $10::text[], $11::bigint[])
         AS d(metric_id, granularity, method, split_key)
       WHERE s.metric_id = d.metric_id AND s.granularity = d.granularity AND s.method = d.method
         AND s.split_key <= d.split_key
       RETURNING 1
     ), raw AS (
       UPDATE ts_series s SET version = s.version + 1, blob = substring($5::bytea FROM r.off FOR r.len)
       FROM unnest($12::text[], $13::int[], $14::int[]) AS r(metric_id, off, len) WHERE s.metric_id = r.metric_id
       RETURNING 1
     )
     SELECT (SELECT count(*) FROM written) + (SELECT count(*) FROM deleted) + (SELECT count(*) FROM raw) AS n`,
    [
      touched.ids,
      touched.granularities,
      touched.methods,
      touched.keys,
      blobs.joined(),
      blobs.offsets.slice(0, n),
      blobs.lengths.slice(0, n),
      expired.ids,
      expired.granularities,
      expired.methods,
      expired.keys,
      rawIds,
      blobs.offsets.slice(n),
      blobs.lengths.slice(n),
    ],
  );
}

/** A granularity of a policy as the reader needs it. */
export interface SplitLevel {
  granularity: number;
  /** Retention in seconds (null: none). */
  timespan: number | null;
}

/** Beyond any split key (period indexes stay below 2^53). */
const NO_KEY_LIMIT = 2 ** 53;

/**
 * The points of `method` at each level (in the order given), ascending in time, within [start, stop) with
 * `start` rounded down to the granularity (as `MetricSeries.read()`), and newer than the series' newest point
 * minus its retention (a split may still hold points the retention has passed).
 */
export async function readSplits(
  c: pg.PoolClient,
  metricId: string,
  method: string,
  levels: readonly SplitLevel[],
  start?: number,
  stop?: number,
): Promise<[number, number, number][]> {
  const bounds = levels.map((level) => {
    const gUs = granularityUs(level.granularity);
    const firstK = start === undefined ? undefined : Math.floor(Math.round(start * US) / gUs);
    const stopUs = stop === undefined ? undefined : Math.round(stop * US);
    const lastK = stopUs === undefined ? undefined : Math.ceil(stopUs / gUs) - 1;
    return {
      level,
      gUs,
      firstK,
      stopUs,
      lo: firstK === undefined ? -NO_KEY_LIMIT : Math.floor(firstK / POINTS_PER_SPLIT),
      hi: lastK === undefined ? NO_KEY_LIMIT : Math.floor(lastK / POINTS_PER_SPLIT),
    };
  });
  const { rows } = await c.query<{ granularity: number; split_key: string; points: Buffer }>(
    `SELECT s.granularity, s.split_key, s.points FROM ts_split s
     JOIN unnest($3::float8[], $4::bigint[], $5::bigint[]) AS r(granularity, lo, hi) ON s.granularity = r.granularity
     WHERE s.metric_id = $1 AND s.method = $2 AND (s.split_key BETWEEN r.lo AND r.hi OR s.split_key = (
       SELECT max(x.split_key) FROM ts_split x
       WHERE x.metric_id = $1 AND x.method = $2 AND x.granularity = r.granularity))
     ORDER BY s.split_key`,
    [
      metricId,
      method,
      bounds.map((b) => b.level.granularity),
      bounds.map((b) => b.lo),
      bounds.map((b) => b.hi),
    ],
  );
  const points: [number, number, number][] = [];
  for (const b of bounds) {
    const splits = rows
      .filter((r) => r.granularity === b.level.granularity)
      .map((r) => decodeSplit(Number(r.split_key), r.points));
    const last = splits[splits.length - 1];
    if (last === undefined || last.k.length === 0) continue;
    const newestUs = (last.k[last.k.length - 1] as number) * b.gUs;
    const cutoffUs = b.level.timespan === null ? -Infinity : newestUs - Math.round(b.level.timespan * US);
    for (const split of splits) {
      for (let i = 0; i < split.k.length; i++) {
        const k = split.k[i] as number;
        const t = k * b.gUs;
        if (t <= cutoffUs || (b.firstK !== undefined && k < b.firstK)) continue;
        if (b.stopUs !== undefined && t >= b.stopUs) continue;
        points.push([t / US, b.level.granularity, split.v[i] as number]);
      }
    }
  }
  return points;
}
