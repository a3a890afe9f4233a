/**
 * The tables of the PostgreSQL store and their versions. Version 1 (no `ts_schema_version` table) kept each
 * metric's whole aggregated series as one blob in `ts_series`; version 2 keeps only the raw back-window
 * buffer there and the aggregates in `ts_split`, a row per (metric, granularity, method, split) of up to
 * 3,600 points. Version 3 adds `ts_resource_history`, the past revisions of resources (nothing to migrate:
 * resources had none). Opening a database migrates it, once, under an advisory lock every server takes.
 */
import type pg from 'pg';
import type { ArchivePolicy } from './model.js';
import { MetricSeries } from './metric-series.js';
import { saveSplits, takeUpdates } from './store-postgres-splits.js';

/** The schema version this code reads and writes. */
export const SCHEMA_VERSION = 3;

/** Advisory lock key held while the schema is created or migrated. */
const SCHEMA_LOCK = 7452301;

const TABLES_V1 = `
CREATE TABLE IF NOT EXISTS ts_policy (name text PRIMARY KEY, doc jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ts_rule (name text PRIMARY KEY, doc jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ts_metric (id text PRIMARY KEY, policy text NOT NULL REFERENCES ts_policy(name),
  resource_id text, doc jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ts_series (metric_id text PRIMARY KEY REFERENCES ts_metric(id) ON DELETE CASCADE,
  version bigint NOT NULL DEFAULT 0, blob bytea);
CREATE TABLE IF NOT EXISTS ts_resource_type (name text PRIMARY KEY, doc jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ts_resource (id text PRIMARY KEY, type text NOT NULL,
  doc jsonb NOT NULL);
CREATE TABLE IF NOT EXISTS ts_counter (name text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO ts_counter VALUES ('rejected_measures', 0) ON CONFLICT DO NOTHING;
`;

const TABLES_V2 = `
CREATE TABLE IF NOT EXISTS ts_split (metric_id text NOT NULL REFERENCES ts_metric(id) ON DELETE CASCADE,
  granularity float8 NOT NULL, method text NOT NULL, split_key bigint NOT NULL, points bytea NOT NULL,
  PRIMARY KEY (metric_id, granularity, method, split_key));
ALTER TABLE ts_split ALTER COLUMN points SET STORAGE EXTERNAL;
CREATE TABLE IF NOT EXISTS ts_schema_version (version integer NOT NULL);
`;

const TABLES_V3 = `
CREATE TABLE IF NOT EXISTS ts_resource_history (revision bigserial PRIMARY KEY,
  id text NOT NULL REFERENCES ts_resource(id) ON DELETE CASCADE, type text NOT NULL, doc jsonb NOT NULL);
CREATE INDEX IF NOT EXISTS ts_resource_history_id ON ts_resource_history (id);
CREATE INDEX IF NOT EXISTS ts_resource_history_type ON ts_resource_history (type);
`;

/** The version of the tables in the current schema: 0 when there are none. */
async function currentVersion(c: pg.PoolClient): Promise<number> {
  const { rows } = await c.query<{ versioned: string | null; series: string | null }>(
    "SELECT to_regclass('ts_schema_version')::text AS versioned, to_regclass('ts_series')::text AS series",
  );
  if (rows[0]?.versioned !== null && rows[0]?.versioned !== undefined) {
    const version = await c.query<{ version: number }>('SELECT version FROM ts_schema_version');
    return version.rows[0]?.version ?? 1;
  }
  return rows[0]?.series === null || rows[0]?.series === undefined ? 0 : 1;
}

/**
 * Version 1 → 2: each whole-series blob becomes its raw buffer (in `ts_series`) and its aggregates'
 * splits (in `ts_split`), one metric at a time.
 */
async function splitWholeSeries(c: pg.PoolClient): Promise<void> {
  const { rows } = await c.query<{ metric_id: string }>(
    'SELECT metric_id FROM ts_series WHERE blob IS NOT NULL ORDER BY metric_id',
  );
  for (const { metric_id: id } of rows) {
    const found = await c.query<{ version: string; blob: Buffer; policy: ArchivePolicy }>(
      `SELECT s.version, s.blob, p.doc AS policy FROM ts_series s JOIN ts_metric m ON m.id = s.metric_id
       JOIN ts_policy p ON p.name = m.policy WHERE s.metric_id = $1 FOR UPDATE OF s`,
      [id],
    );
    const row = found.rows[0];
    if (row === undefined) continue;
    const series = MetricSeries.decode(row.policy, row.blob);
    const updates = takeUpdates(id, series);
    const versions = new Map([[id, Number(row.version)]]);
    if (!(await saveSplits(c, updates, new Map([[id, series.encode()]]), versions)))
      throw new Error(`Metric ${id} changed while its series was split`);
  }
}

/**
 * Brings the tables of the client's schema to {@link SCHEMA_VERSION} in one transaction (creating them on
 * an empty schema, migrating older ones); refuses a database of a newer version.
 */
export async function migratePostgresSchema(c: pg.PoolClient): Promise<{ from: number; to: number }> {
  await c.query('BEGIN');
  try {
    await c.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    const from = await currentVersion(c);
    if (from > SCHEMA_VERSION) {
      throw new Error(
        `The timeseries tables are of schema version ${from}; this server reads version ${SCHEMA_VERSION} at most`,
      );
    }
    if (from < SCHEMA_VERSION) {
      await c.query(TABLES_V1);
      await c.query(TABLES_V2);
      await c.query(TABLES_V3);
      if (from === 1) await splitWholeSeries(c);
      await c.query('DELETE FROM ts_schema_version');
      await c.query('INSERT INTO ts_schema_version VALUES ($1)', [SCHEMA_VERSION]);
    }
    await c.query('COMMIT');
    return { from, to: SCHEMA_VERSION };
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
