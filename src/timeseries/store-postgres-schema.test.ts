import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import pg from 'pg';
import { MetricSeries } from './metric-series.js';
import type { ArchivePolicy } from './model.js';
import { TEST_PG, PG_SKIP } from './store-postgres.test-support.js';
import { PostgresTimeseriesStore } from './store-postgres.js';
import { T0, testMetric } from './store.test-support.js';

/** The tables as the store created them before schema versions (commit 912a6b7). */
const VERSION_1_TABLES = `
CREATE TABLE ts_policy (name text PRIMARY KEY, doc jsonb NOT NULL);
CREATE TABLE ts_rule (name text PRIMARY KEY, doc jsonb NOT NULL);
CREATE TABLE ts_metric (id text PRIMARY KEY, policy text NOT NULL REFERENCES ts_policy(name),
  resource_id text, doc jsonb NOT NULL);
CREATE TABLE ts_series (metric_id text PRIMARY KEY REFERENCES ts_metric(id) ON DELETE CASCADE,
  version bigint NOT NULL DEFAULT 0, blob bytea);
CREATE TABLE ts_resource_type (name text PRIMARY KEY, doc jsonb NOT NULL);
CREATE TABLE ts_resource (id text PRIMARY KEY, type text NOT NULL, doc jsonb NOT NULL);
CREATE TABLE ts_counter (name text PRIMARY KEY, value bigint NOT NULL);
INSERT INTO ts_counter VALUES ('rejected_measures', 3);
`;

const POLICY: ArchivePolicy = {
  name: 'p1',
  back_window: 0,
  aggregation_methods: ['mean', 'count'],
  definition: [
    { granularity: 1, points: 5000, timespan: 5000 },
    { granularity: 3600, points: 10, timespan: 36000 },
  ],
};

const METRIC = testMetric('m1', 'p1');
const schemas: string[] = [];
const admin = new pg.Client({ connectionString: TEST_PG });

after(async () => {
  if (schemas.length === 0) return;
  for (const schema of schemas) await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

/** A schema holding `sql`, run in it. */
async function schemaWith(sql: string): Promise<string> {
  if (schemas.length === 0) await admin.connect();
  const schema = `soe_migrate_${process.pid}_${schemas.length}`;
  schemas.push(schema);
  await admin.query(
    `CREATE SCHEMA ${schema}; SET search_path TO ${schema}; ${sql}; SET search_path TO public`,
  );
  return schema;
}

test(
  'a database of schema version 1 (whole series blobs) opens migrated to splits, data intact',
  { skip: PG_SKIP },
  async () => {
    const series = new MetricSeries(POLICY);
    for (let i = 0; i < 9000; i += 1000)
      series.add(Array.from({ length: 1000 }, (_, j) => ({ timestamp: T0 + i + j, value: (i + j) % 7 })));
    const schema = await schemaWith(
      `${VERSION_1_TABLES};
     INSERT INTO ts_policy VALUES ('p1', '${JSON.stringify(POLICY)}');
     INSERT INTO ts_metric VALUES ('m1', 'p1', NULL, '${JSON.stringify(METRIC)}');
     INSERT INTO ts_metric VALUES ('m2', 'p1', NULL, '${JSON.stringify({ ...METRIC, id: 'm2' })}');
     INSERT INTO ts_series VALUES ('m1', 9, '\\x${series.encode().toString('hex')}');
     INSERT INTO ts_series VALUES ('m2', 0, NULL)`,
    );
    const store = new PostgresTimeseriesStore({ connectionString: TEST_PG, schema, max: 2 });
    try {
      assert.deepEqual(await store.open(), { from: 1, to: 3 });
      for (const aggregation of ['mean', 'count']) {
        assert.deepEqual(await store.getMeasures('m1', { aggregation }), series.read(aggregation));
      }
      assert.equal((await store.getMeasures('m1', { aggregation: 'count', granularity: 1 })).length, 5000);
      assert.deepEqual(await store.getMeasures('m2', { aggregation: 'mean' }), []);
      assert.equal((await store.status()).rejected_measures, 3);
      // The raw buffer came along: the back window is where it was, and new measures aggregate with the old.
      await assert.rejects(
        store.addMeasures([{ metricId: 'm1', measures: [{ timestamp: T0 + 7199, value: 1 }] }]),
        { status: 400 },
      );
      await store.addMeasures([{ metricId: 'm1', measures: [{ timestamp: T0 + 9000, value: 100 }] }]);
      series.add([{ timestamp: T0 + 9000, value: 100 }]);
      assert.deepEqual(
        await store.getMeasures('m1', { aggregation: 'mean', granularity: 3600 }),
        series.read('mean', 3600),
      );
      const rows = await admin.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM ${schema}.ts_split WHERE metric_id = 'm1'`,
      );
      // 2 methods × (1 s: splits 1 and 2, split 0 is past the retention; 1 h: split 0).
      assert.equal(rows.rows[0]?.n, 6);
    } finally {
      await store.close();
    }
    const again = new PostgresTimeseriesStore({ connectionString: TEST_PG, schema, max: 2 });
    try {
      assert.deepEqual(await again.open(), { from: 3, to: 3 });
      assert.equal((await again.getMeasures('m1', { aggregation: 'count', granularity: 1 })).length, 5000);
    } finally {
      await again.close();
    }
  },
);

test(
  'a database of schema version 2 opens with a resource history table; its resources keep their fields',
  { skip: PG_SKIP },
  async () => {
    const doc = {
      id: 'r1',
      type: 'generic',
      original_resource_id: 'r1',
      creator: 'u',
      created_by_user_id: 'u',
      created_by_project_id: '',
      user_id: null,
      project_id: null,
      started_at: T0,
      ended_at: null,
      revision_start: T0,
      revision_end: null,
      metrics: {},
      attributes: {},
    };
    const schema = await schemaWith(`${VERSION_1_TABLES};
      CREATE TABLE ts_split (metric_id text NOT NULL REFERENCES ts_metric(id) ON DELETE CASCADE,
        granularity float8 NOT NULL, method text NOT NULL, split_key bigint NOT NULL, points bytea NOT NULL,
        PRIMARY KEY (metric_id, granularity, method, split_key));
      CREATE TABLE ts_schema_version (version integer NOT NULL); INSERT INTO ts_schema_version VALUES (2);
      INSERT INTO ts_resource VALUES ('r1', 'generic', '${JSON.stringify(doc)}')`);
    const store = new PostgresTimeseriesStore({ connectionString: TEST_PG, schema, max: 1 });
    try {
      assert.deepEqual(await store.open(), { from: 2, to: 3 });
      assert.deepEqual(await store.getResource('r1'), doc);
      assert.deepEqual(await store.listResourceHistory('generic'), []);
      await store.updateResource({ ...doc, user_id: 'x', revision_start: T0 + 1 }, { newRevision: true });
      assert.deepEqual(await store.listResourceHistory('generic', 'r1'), [
        { ...doc, revision_end: T0 + 1, revision: 1 },
      ]);
    } finally {
      await store.close();
    }
  },
);

test('a database of a newer schema version is refused, untouched', { skip: PG_SKIP }, async () => {
  const schema = await schemaWith(`${VERSION_1_TABLES};
    CREATE TABLE ts_schema_version (version integer NOT NULL); INSERT INTO ts_schema_version VALUES (4)`);
  const store = new PostgresTimeseriesStore({ connectionString: TEST_PG, schema, max: 1 });
  try {
    await assert.rejects(store.open(), {
      message: 'The timeseries tables are of schema version 4; this server reads version 3 at most',
    });
    const split = await admin.query<{ t: string | null }>(`SELECT to_regclass('${schema}.ts_split') AS t`);
    assert.equal(split.rows[0]?.t, null);
  } finally {
    await store.close();
  }
});

test('schema names are plain identifiers', () => {
  assert.throws(() => new PostgresTimeseriesStore({ connectionString: TEST_PG, schema: 'a b' }), {
    message: "Invalid schema name 'a b'",
  });
});
