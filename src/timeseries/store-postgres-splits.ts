/**
 * PostgreSQL's side of the split storage: what a write recomputed, as per-series updates, and the SQL
 * that merges them into the touched rows of `ts_split` and drops the splits a series' retention left
 * behind. At most one statement reads (splits older than the latest ones a write read with its metrics) and
 * one writes (splits, expired splits and raw buffers), whatever the number of metrics.
 */
import type pg from 'pg';
import type { MetricSeries } from './metric-series.js';
import { seriesKey, type LatestSplits } from './store-postgres-snapshot.js';
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
  return `${seriesKey(id, granularity, method)}\0${key}`;
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

/** The state a write was computed from: metric id → `ts_series.version` as read. */
export type ReadVersions = ReadonlyMap<string, number>;

/** One statement that writes only if every metric's version is still the one read (else writes nothing). */
const WRITE_SQL = `WITH locked AS (
  SELECT s.metric_id, s.version FROM ts_series s WHERE s.metric_id = ANY($12::text[])
  ORDER BY s.metric_id FOR UPDATE
), ok AS (
  SELECT count(*) = cardinality($12::text[]) AS ok FROM locked l
  JOIN unnest($12::text[], $15::bigint[]) AS e(metric_id, version)
    ON e.metric_id = l.metric_id AND e.version = l.version
), written AS (
  INSERT INTO ts_split (metric_id, granularity, method, split_key, points)
  SELECT u.metric_id, u.granularity, u.method, u.split_key, substring($5::bytea FROM u.off FOR u.len)
  FROM ok, unnest($1::text[], $2::float8[], $3::text[], $4::bigint[], $6::int[], $7::int[])
    AS u(metric_id, granularity, method, split_key, off, len)
  WHERE ok.ok
  ON CONFLICT (metric_id, granularity, method, split_key) DO UPDATE SET points = EXCLUDED.points
), deleted AS (
  DELETE FROM ts_split s USING ok, unnest($8::text[], $9::float8[], $10::text[], $11::bigint[])
    AS d(metric_id, granularity, method, split_key)
  WHERE ok.ok AND s.metric_id = d.metric_id AND s.granularity = d.granularity AND s.method = d.method
    AND s.split_key <= d.split_key
), raw AS (
  UPDATE ts_series s SET version = s.version + 1, blob = substring($5::bytea FROM r.off FOR r.len)
  FROM ok, unnest($12::text[], $13::int[], $14::int[]) AS r(metric_id, off, len)
  WHERE ok.ok AND s.metric_id = r.metric_id
)
SELECT ok FROM ok`;

/** The rows of the touched splits that `latest` does not tell: older than a series' latest split. */
async function readOlderSplits(
  c: pg.ClientBase,
  touched: SplitColumns,
  latest: LatestSplits | undefined,
): Promise<Map<string, Buffer>> {
  const existing = new Map<string, Buffer>();
  const wanted = columns();
  touched.keys.forEach((key, i) => {
    const id = touched.ids[i] as string;
    const granularity = touched.granularities[i] as number;
    const method = touched.methods[i] as string;
    if (latest?.metrics.has(id)) {
      const last = latest.splits.get(seriesKey(id, granularity, method));
      if (last === undefined || key > last.key) return;
      if (key === last.key) {
        existing.set(rowKey(id, granularity, method, key), last.points);
        return;
      }
    }
    wanted.ids.push(id);
    wanted.granularities.push(granularity);
    wanted.methods.push(method);
    wanted.keys.push(key);
  });
  if (wanted.keys.length === 0) return existing;
  const { rows } = await c.query<{
    metric_id: string;
    granularity: number;
    method: string;
    split_key: string;
    points: Buffer;
  }>({
    name: 'ts-splits-touched',
    text: `SELECT s.metric_id, s.granularity, s.method, s.split_key, s.points FROM ts_split s
       JOIN unnest($1::text[], $2::float8[], $3::text[], $4::bigint[]) AS u(metric_id, granularity, method, split_key)
       ON s.metric_id = u.metric_id AND s.granularity = u.granularity AND s.method = u.method AND s.split_key = u.split_key`,
    values: [wanted.ids, wanted.granularities, wanted.methods, wanted.keys],
  });
  for (const r of rows)
    existing.set(rowKey(r.metric_id, r.granularity, r.method, Number(r.split_key)), r.points);
  return existing;
}

/**
 * Merges updates into their splits (`latest`: the latest splits read with `versions`; older touched splits
 * are read here), deletes the splits entirely older than each updated series' retention, and stores each
 * metric's new raw buffer (`raw`: metric id → encoded buffer, one per metric of `versions`) in `ts_series`,
 * bumping its version — in one statement, and only if every version is still the one in `versions`.
 * Resolves false (nothing written) when one changed: another writer came first, and the caller reads
 * again. A caller holding the `ts_series` rows locked since it read them always gets true.
 */
export async function saveSplits(
  c: pg.ClientBase,
  updates: readonly SeriesUpdate[],
  raw: ReadonlyMap<string, Buffer>,
  versions: ReadVersions,
  latest?: LatestSplits,
): Promise<boolean> {
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
  const existing = await readOlderSplits(c, touched, latest);
  const blobs = new Blobs();
  parts.forEach((points, i) => {
    const key = touched.keys[i] as number;
    const old = existing.get(
      rowKey(touched.ids[i] as string, touched.granularities[i] as number, touched.methods[i] as string, key),
    );
    blobs.add(mergeEncodedSplit(key, old, points));
  });
  const rawIds = [...versions.keys()];
  for (const id of rawIds) {
    const blob = raw.get(id);
    if (blob === undefined) throw new Error(`No raw buffer for metric ${id}`);
    blobs.add(blob);
  }
  const n = parts.length;
  const { rows } = await c.query<{ ok: boolean }>({
    name: 'ts-write',
    text: WRITE_SQL,
    values: [
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
      rawIds.map((id) => versions.get(id)),
    ],
  });
  return rows[0]?.ok === true;
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
