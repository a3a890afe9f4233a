/**
 * What a write to PostgreSQL reads before it computes anything: each metric's `ts_series` version and raw
 * buffer, its policy, and the latest split of each of its series (granularity × method), in one statement
 * (a prepared one). The latest split is the one a write usually changes (time goes forward), so the write
 * needs no second read; a write into older splits reads those itself (see `saveSplits`).
 */
import type pg from 'pg';
import type { ArchivePolicy } from './model.js';

/** The latest split of one series of a metric. */
export interface LatestSplit {
  key: number;
  points: Buffer;
}

/** The latest split of each series of the metrics read, by {@link seriesKey}. */
export interface LatestSplits {
  /** Metrics whose latest splits are all here (a series of theirs missing here has no split at all). */
  readonly metrics: ReadonlySet<string>;
  readonly splits: ReadonlyMap<string, LatestSplit>;
}

/** One metric as committed when it was read. */
export interface MetricSnapshot {
  /** `ts_series.version`, which every write bumps: the write is refused if it changed since. */
  version: number;
  /** The encoded raw buffer (null before the first write). */
  blob: Buffer | null;
  policy: ArchivePolicy;
}

/** Key of a series of a metric in {@link LatestSplits}. */
export function seriesKey(metricId: string, granularity: number, method: string): string {
  return `${metricId}\0${granularity}\0${method}`;
}

const SNAPSHOT_SQL = `SELECT s.metric_id, s.version, s.blob, p.doc AS policy,
  l.granularities, l.methods, l.keys, l.lengths, l.points
FROM ts_series s JOIN ts_metric m ON m.id = s.metric_id JOIN ts_policy p ON p.name = m.policy
CROSS JOIN LATERAL (
  SELECT array_agg(x.granularity) AS granularities, array_agg(x.method) AS methods,
    array_agg(x.split_key) AS keys, array_agg(length(x.points)) AS lengths,
    string_agg(x.points, ''::bytea) AS points
  FROM jsonb_array_elements(p.doc->'definition') AS d(item)
  CROSS JOIN jsonb_array_elements_text(p.doc->'aggregation_methods') AS a(method)
  CROSS JOIN LATERAL (
    SELECT t.granularity, t.method, t.split_key, t.points FROM ts_split t
    WHERE t.metric_id = s.metric_id AND t.granularity = (d.item->>'granularity')::float8 AND t.method = a.method
    ORDER BY t.split_key DESC LIMIT 1
  ) AS x
) AS l
WHERE s.metric_id = ANY($1::text[]) ORDER BY s.metric_id`;

interface SnapshotRow {
  metric_id: string;
  version: string;
  blob: Buffer | null;
  policy: ArchivePolicy;
  granularities: number[] | null;
  methods: string[] | null;
  keys: string[] | null;
  lengths: number[] | null;
  points: Buffer | null;
}

/**
 * Reads the metrics `ids` (sorted) that exist: one statement, one snapshot. With `lock`, their `ts_series`
 * rows are locked for the rest of the caller's transaction (in id order, as every writer locks them).
 */
export async function readSnapshot(
  c: pg.ClientBase,
  ids: readonly string[],
  lock: boolean,
): Promise<{ metrics: Map<string, MetricSnapshot>; latest: LatestSplits }> {
  const { rows } = await c.query<SnapshotRow>({
    name: lock ? 'ts-snapshot-lock' : 'ts-snapshot',
    text: lock ? `${SNAPSHOT_SQL} FOR UPDATE OF s` : SNAPSHOT_SQL,
    values: [ids],
  });
  const metrics = new Map<string, MetricSnapshot>();
  const splits = new Map<string, LatestSplit>();
  for (const r of rows) {
    metrics.set(r.metric_id, { version: Number(r.version), blob: r.blob, policy: r.policy });
    if (r.keys === null || r.points === null) continue;
    let offset = 0;
    r.keys.forEach((key, i) => {
      const length = r.lengths![i]!;
      splits.set(seriesKey(r.metric_id, r.granularities![i]!, r.methods![i]!), {
        key: Number(key),
        points: r.points!.subarray(offset, offset + length),
      });
      offset += length;
    });
  }
  return { metrics, latest: { metrics: new Set(metrics.keys()), splits } };
}
