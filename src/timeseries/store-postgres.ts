import pg from 'pg';
import { Mutex } from '../support/mutex.js';
import { TimeseriesError } from './errors.js';
import { MetricSeries } from './metric-series.js';
import type {
  ArchivePolicy,
  ArchivePolicyRule,
  Measure,
  Metric,
  Point,
  Resource,
  ResourceType,
} from './model.js';
import { checkMeasuresQuery, tooOldError } from './store-checks.js';
import { storeDrivers } from './store-driver.js';
import { migratePostgresSchema } from './store-postgres-schema.js';
import { readSnapshot } from './store-postgres-snapshot.js';
import {
  granularityUs,
  readSplits,
  saveSplits,
  takeUpdates,
  type SeriesUpdate,
} from './store-postgres-splits.js';
import type {
  MeasureBatch,
  MeasuresQuery,
  StoreStatus,
  TimeseriesStore,
  UpdateResourceOptions,
} from './store.js';

/** Options of the PostgreSQL driver. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`. */
  connectionString: string;
  /**
   * The schema the `ts_` tables live in (created if missing), for tests sharing a database: lower-case
   * letters, digits and `_`. Default: the connection's search path (`public`).
   */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
}

/** Schema names the driver accepts (unquoted SQL identifiers). */
const SCHEMA_NAME_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Attempts of a write without a transaction (read, then write only if nothing changed: two round trips)
 * before it locks its metrics' rows, so that a metric many clients write at once cannot starve one of them.
 */
const OPTIMISTIC_WRITES = 3;

/** Ids one bulk lookup (`= ANY($1)`) sends per query, so that no statement carries megabytes of them. */
const IDS_PER_QUERY = 10_000;

/** First key of the advisory lock of `exclusive` sections (the second is the schema's hash). */
const SECTION_LOCK = 7452302;

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/** Names of the prepared statements of {@link PostgresTimeseriesStore}'s lookups, by SQL text. */
const statementNames = new Map<string, string>();

/** The name a lookup is prepared under (once per connection: later calls skip parsing and planning). */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (name === undefined) {
    name = `ts-lookup-${statementNames.size}`;
    statementNames.set(sql, name);
  }
  return name;
}

/** False for a deadlock PostgreSQL broke by aborting this statement (the caller tries again), else rethrows. */
function unlessDeadlock(err: unknown): false {
  if ((err as { code?: string }).code === '40P01') return false;
  throw err;
}

/**
 * The PostgreSQL storage driver, for scale-out: any number of API processes on any hosts share one
 * database, and nothing of it is kept in a process between calls (no cache to fall out of date when
 * another server changes a policy or a metric). The index is in tables. Each metric keeps its raw
 * back-window buffer in `ts_series` and its aggregates in `ts_split`, a row per split of 3,600 points
 * (see `store-postgres-schema.ts`): a write reads each metric's version, raw buffer, policy and latest
 * splits in one statement, then rewrites the raw buffer and only the splits the batch changed in another,
 * which writes nothing if another write to one of its metrics committed in between (it then reads again;
 * after a few such retries it locks the rows first). The back window is checked against the committed
 * state, and a measure is either committed once (with its aggregates) or not at all — never lost or counted
 * twice.
 * {@link exclusive} sections serialise across every process through a PostgreSQL advisory lock.
 */
export class PostgresTimeseriesStore implements TimeseriesStore {
  private readonly pool: pg.Pool;
  /** One `exclusive` section at a time from this process (each holds a pool connection while it waits). */
  private readonly sections = new Mutex();

  constructor(private readonly options: PostgresStoreOptions) {
    const schema = options.schema;
    if (schema !== undefined && !SCHEMA_NAME_RE.test(schema))
      throw new Error(`Invalid schema name '${schema}'`);
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.max ?? 10,
      // Every connection of the pool starts in the schema: no query can run before it is set. JIT off: it
      // only pays for long analytic queries, and the planner's estimate for a write reading many metrics at
      // once (the policy's granularities × methods, from jsonb) is high enough to compile it, ~1 s each time.
      options: `-c jit=off${schema !== undefined ? ` -c search_path=${schema}` : ''}`,
    });
    this.pool.on('error', () => undefined);
  }

  /**
   * Creates the tables if needed, or migrates them from an older schema version (see
   * `store-postgres-schema.ts`); resolves with the versions before and after.
   */
  async open(): Promise<{ from: number; to: number }> {
    const schema = this.options.schema;
    if (schema !== undefined) await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
    const c = await this.pool.connect();
    try {
      return await migratePostgresSchema(c);
    } finally {
      c.release();
    }
  }

  private async tx<T>(body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN');
      const result = await body(c);
      await c.query('COMMIT');
      return result;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  private async docs<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const { rows } = await this.pool.query<{ doc: T }>({
      name: statementName(sql),
      text: sql,
      values: params,
    });
    return rows.map((r) => r.doc);
  }

  private async one<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.docs<T>(sql, params))[0];
  }

  /** The docs `sql` selects for `ids` (its `$1`), by their id, one query per {@link IDS_PER_QUERY} ids. */
  private async byIds<T extends { id: string }>(
    sql: string,
    ids: readonly string[],
  ): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += IDS_PER_QUERY) {
      for (const doc of await this.docs<T>(sql, [unique.slice(i, i + IDS_PER_QUERY)])) out.set(doc.id, doc);
    }
    return out;
  }

  private async insert(sql: string, params: unknown[], conflict: string, c?: pg.PoolClient): Promise<void> {
    try {
      await (c ?? this.pool).query(sql, params);
    } catch (err) {
      if (isUniqueViolation(err)) throw new TimeseriesError(409, conflict);
      throw err;
    }
  }

  createArchivePolicy(policy: ArchivePolicy): Promise<void> {
    return this.insert(
      'INSERT INTO ts_policy VALUES ($1, $2)',
      [policy.name, policy],
      `Archive policy ${policy.name} already exists`,
    );
  }

  getArchivePolicy(name: string): Promise<ArchivePolicy | undefined> {
    return this.one('SELECT doc FROM ts_policy WHERE name = $1', [name]);
  }

  listArchivePolicies(): Promise<ArchivePolicy[]> {
    return this.docs('SELECT doc FROM ts_policy ORDER BY name COLLATE "C"');
  }

  async updateArchivePolicy(policy: ArchivePolicy): Promise<void> {
    const r = await this.pool.query('UPDATE ts_policy SET doc = $2 WHERE name = $1', [policy.name, policy]);
    if (r.rowCount === 0) throw new TimeseriesError(404, `Archive policy ${policy.name} does not exist`);
  }

  deleteArchivePolicy(name: string): Promise<void> {
    return this.tx(async (c) => {
      const found = await c.query('SELECT 1 FROM ts_policy WHERE name = $1 FOR UPDATE', [name]);
      if (found.rowCount === 0) throw new TimeseriesError(404, `Archive policy ${name} does not exist`);
      const used = await c.query(
        "SELECT 1 FROM ts_metric WHERE policy = $1 UNION ALL SELECT 1 FROM ts_rule WHERE doc->>'archive_policy_name' = $1 LIMIT 1",
        [name],
      );
      if ((used.rowCount ?? 0) > 0) throw new TimeseriesError(400, `Archive policy ${name} is still in use`);
      await c.query('DELETE FROM ts_policy WHERE name = $1', [name]);
    });
  }

  async createRule(rule: ArchivePolicyRule): Promise<void> {
    await this.tx(async (c) => {
      const p = await c.query('SELECT 1 FROM ts_policy WHERE name = $1 FOR SHARE', [
        rule.archive_policy_name,
      ]);
      if (p.rowCount === 0)
        throw new TimeseriesError(400, `Archive policy ${rule.archive_policy_name} does not exist`);
      await this.insert(
        'INSERT INTO ts_rule VALUES ($1, $2)',
        [rule.name, rule],
        `Archive policy rule ${rule.name} already exists`,
        c,
      );
    });
  }

  getRule(name: string): Promise<ArchivePolicyRule | undefined> {
    return this.one('SELECT doc FROM ts_rule WHERE name = $1', [name]);
  }

  listRules(): Promise<ArchivePolicyRule[]> {
    return this.docs('SELECT doc FROM ts_rule ORDER BY name COLLATE "C"');
  }

  renameRule(name: string, newName: string): Promise<ArchivePolicyRule> {
    return this.tx(async (c) => {
      const { rows } = await c.query<{ doc: ArchivePolicyRule }>(
        'DELETE FROM ts_rule WHERE name = $1 RETURNING doc',
        [name],
      );
      if (rows[0] === undefined) throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
      const rule = { ...rows[0].doc, name: newName };
      await this.insert(
        'INSERT INTO ts_rule VALUES ($1, $2)',
        [newName, rule],
        `Archive policy rule ${newName} already exists`,
        c,
      );
      return rule;
    });
  }

  async deleteRule(name: string): Promise<void> {
    const r = await this.pool.query('DELETE FROM ts_rule WHERE name = $1', [name]);
    if (r.rowCount === 0) throw new TimeseriesError(404, `Archive policy rule ${name} does not exist`);
  }

  createMetric(metric: Metric): Promise<void> {
    return this.tx((c) => this.insertMetric(c, metric));
  }

  /** Inserts a metric (its policy must exist) in a transaction. */
  private async insertMetric(c: pg.PoolClient, metric: Metric): Promise<void> {
    const p = await c.query('SELECT 1 FROM ts_policy WHERE name = $1 FOR SHARE', [
      metric.archive_policy_name,
    ]);
    if (p.rowCount === 0)
      throw new TimeseriesError(400, `Archive policy ${metric.archive_policy_name} does not exist`);
    await this.insert(
      'INSERT INTO ts_metric VALUES ($1, $2, $3, $4)',
      [metric.id, metric.archive_policy_name, metric.resource_id, metric],
      `Metric ${metric.id} already exists`,
      c,
    );
    await c.query('INSERT INTO ts_series (metric_id) VALUES ($1)', [metric.id]);
  }

  getMetric(id: string): Promise<Metric | undefined> {
    return this.one('SELECT doc FROM ts_metric WHERE id = $1', [id]);
  }

  getMetrics(ids: readonly string[]): Promise<Map<string, Metric>> {
    return this.byIds('SELECT doc FROM ts_metric WHERE id = ANY($1::text[])', ids);
  }

  listMetrics(): Promise<Metric[]> {
    return this.docs('SELECT doc FROM ts_metric ORDER BY id COLLATE "C"');
  }

  async deleteMetric(id: string): Promise<void> {
    const r = await this.pool.query('DELETE FROM ts_metric WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new TimeseriesError(404, `Metric ${id} does not exist`);
  }

  createResourceType(type: ResourceType): Promise<void> {
    return this.insert(
      'INSERT INTO ts_resource_type VALUES ($1, $2)',
      [type.name, type],
      `Resource type ${type.name} already exists`,
    );
  }

  getResourceType(name: string): Promise<ResourceType | undefined> {
    return this.one('SELECT doc FROM ts_resource_type WHERE name = $1', [name]);
  }

  listResourceTypes(): Promise<ResourceType[]> {
    return this.docs('SELECT doc FROM ts_resource_type ORDER BY name COLLATE "C"');
  }

  deleteResourceType(name: string): Promise<void> {
    return this.tx(async (c) => {
      const found = await c.query('SELECT 1 FROM ts_resource_type WHERE name = $1 FOR UPDATE', [name]);
      if (found.rowCount === 0) throw new TimeseriesError(404, `Resource type ${name} does not exist`);
      const used = await c.query('SELECT 1 FROM ts_resource WHERE type = $1 LIMIT 1', [name]);
      if ((used.rowCount ?? 0) > 0) throw new TimeseriesError(400, `Resource type ${name} is still in use`);
      await c.query('DELETE FROM ts_resource_type WHERE name = $1', [name]);
    });
  }

  createResource(resource: Resource, metrics: Metric[] = []): Promise<void> {
    return this.tx(async (c) => {
      await this.insert(
        'INSERT INTO ts_resource VALUES ($1, $2, $3)',
        [resource.id, resource.type, resource],
        `Resource ${resource.id} already exists`,
        c,
      );
      for (const metric of metrics) await this.insertMetric(c, metric);
    });
  }

  getResource(id: string): Promise<Resource | undefined> {
    return this.one('SELECT doc FROM ts_resource WHERE id = $1', [id]);
  }

  getResources(ids: readonly string[]): Promise<Map<string, Resource>> {
    return this.byIds('SELECT doc FROM ts_resource WHERE id = ANY($1::text[])', ids);
  }

  async updateResource(resource: Resource, options: UpdateResourceOptions = {}): Promise<void> {
    if (options.newRevision !== true) {
      const r = await this.pool.query('UPDATE ts_resource SET doc = $2 WHERE id = $1', [
        resource.id,
        resource,
      ]);
      if (r.rowCount === 0) throw new TimeseriesError(404, `Resource ${resource.id} does not exist`);
      return;
    }
    await this.tx(async (c) => {
      // The stored row becomes a past revision (numbered by the table's sequence), ended at the new start.
      const kept = await c.query(
        `INSERT INTO ts_resource_history (id, type, doc)
         SELECT id, type, doc || jsonb_build_object('revision_end', $2::float8) FROM ts_resource
         WHERE id = $1`,
        [resource.id, resource.revision_start],
      );
      if (kept.rowCount === 0) throw new TimeseriesError(404, `Resource ${resource.id} does not exist`);
      await c.query('UPDATE ts_resource SET doc = $2 WHERE id = $1', [resource.id, resource]);
    });
  }

  async listResourceHistory(type: string, id?: string): Promise<Resource[]> {
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (type !== 'generic') conditions.push(`type = $${params.push(type)}`);
    if (id !== undefined) conditions.push(`id = $${params.push(id)}`);
    const where = conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`;
    const { rows } = await this.pool.query<{ doc: Resource; revision: string }>(
      `SELECT doc, revision FROM ts_resource_history${where} ORDER BY revision`,
      params,
    );
    return rows.map((r) => ({ ...r.doc, revision: Number(r.revision) }));
  }

  async updateMetric(metric: Metric): Promise<void> {
    await this.tx(async (c) => {
      const found = await c.query<{ doc: Metric }>('SELECT doc FROM ts_metric WHERE id = $1 FOR UPDATE', [
        metric.id,
      ]);
      const stored = found.rows[0]?.doc;
      if (stored === undefined) throw new TimeseriesError(404, `Metric ${metric.id} does not exist`);
      const doc: Metric = { ...metric, archive_policy_name: stored.archive_policy_name };
      await c.query('UPDATE ts_metric SET resource_id = $2, doc = $3 WHERE id = $1', [
        metric.id,
        doc.resource_id,
        doc,
      ]);
    });
  }

  async updateResourceType(type: ResourceType, fill: Record<string, unknown>): Promise<void> {
    await this.tx(async (c) => {
      const found = await c.query<{ doc: ResourceType }>(
        'SELECT doc FROM ts_resource_type WHERE name = $1 FOR UPDATE',
        [type.name],
      );
      const before = found.rows[0]?.doc;
      if (before === undefined) throw new TimeseriesError(404, `Resource type ${type.name} does not exist`);
      const removed = Object.keys(before.attributes).filter((n) => !Object.hasOwn(type.attributes, n));
      const added = Object.fromEntries(
        Object.keys(type.attributes)
          .filter((n) => !Object.hasOwn(before.attributes, n))
          .map((n) => [n, Object.hasOwn(fill, n) ? fill[n] : null]),
      );
      await c.query('UPDATE ts_resource_type SET doc = $2 WHERE name = $1', [type.name, type]);
      for (const table of ['ts_resource', 'ts_resource_history']) {
        await c.query(
          `UPDATE ${table} SET doc = jsonb_set(doc, '{attributes}',
             ((doc->'attributes') - $2::text[]) || $3::jsonb) WHERE type = $1`,
          [type.name, removed, JSON.stringify(added)],
        );
      }
    });
  }

  listResources(type: string): Promise<Resource[]> {
    return type === 'generic'
      ? this.docs('SELECT doc FROM ts_resource ORDER BY id COLLATE "C"')
      : this.docs('SELECT doc FROM ts_resource WHERE type = $1 ORDER BY id COLLATE "C"', [type]);
  }

  deleteResource(id: string): Promise<void> {
    return this.tx(async (c) => {
      const r = await c.query('DELETE FROM ts_resource WHERE id = $1', [id]);
      if (r.rowCount === 0) throw new TimeseriesError(404, `Resource ${id} does not exist`);
      await c.query('DELETE FROM ts_metric WHERE resource_id = $1', [id]);
    });
  }

  async addMeasures(batches: MeasureBatch[]): Promise<void> {
    const merged = new Map<string, Measure[]>();
    for (const b of batches) {
      const list = merged.get(b.metricId);
      if (list) list.push(...b.measures);
      else merged.set(b.metricId, [...b.measures]);
    }
    const ids = [...merged.keys()].sort();
    const refused = { rejected: 0 };
    try {
      await this.writeWithRetries(ids, merged, refused);
    } catch (err) {
      if (refused.rejected > 0) {
        await this.pool.query("UPDATE ts_counter SET value = value + $1 WHERE name = 'rejected_measures'", [
          refused.rejected,
        ]);
      }
      throw err;
    }
  }

  /** {@link writeMeasures} without a transaction until it succeeds or has tried enough, then in one. */
  private async writeWithRetries(
    ids: readonly string[],
    merged: ReadonlyMap<string, Measure[]>,
    refused: { rejected: number },
  ): Promise<void> {
    const c = await this.pool.connect();
    let broken: Error | undefined;
    try {
      for (let attempt = 1; attempt <= OPTIMISTIC_WRITES; attempt++) {
        if (await this.writeMeasures(c, ids, merged, false, refused).catch(unlessDeadlock)) return;
      }
      await c.query('BEGIN');
      try {
        if (!(await this.writeMeasures(c, ids, merged, true, refused)))
          throw new Error('A locked metric changed during a write');
        await c.query('COMMIT');
      } catch (err) {
        await c.query('ROLLBACK').catch((e: Error) => (broken = e));
        throw err;
      }
    } finally {
      c.release(broken);
    }
  }

  /**
   * One attempt at a write: reads the metrics (their rows locked when `lock`, inside the caller's
   * transaction), checks them, and writes in one statement if no other write came in between; false when
   * one did (nothing written). Sets `refused.rejected` when it refuses measures older than a back window.
   */
  private async writeMeasures(
    c: pg.PoolClient,
    ids: readonly string[],
    merged: ReadonlyMap<string, Measure[]>,
    lock: boolean,
    refused: { rejected: number },
  ): Promise<boolean> {
    const { metrics, latest } = await readSnapshot(c, ids, lock);
    const loaded = new Map<string, MetricSeries>();
    for (const id of ids) {
      const found = metrics.get(id);
      if (found === undefined) throw new TimeseriesError(404, `Metric ${id} does not exist`);
      loaded.set(
        id,
        found.blob === null ? new MetricSeries(found.policy) : MetricSeries.decode(found.policy, found.blob),
      );
    }
    for (const id of ids) {
      const series = loaded.get(id)!;
      const measures = merged.get(id)!;
      const old = series.tooOld(measures);
      if (old !== undefined) {
        const first = series.firstAcceptedTimestamp()!;
        refused.rejected = measures.filter((m) => m.timestamp < first).length;
        throw tooOldError(id, first, old, refused.rejected);
      }
    }
    const updates: SeriesUpdate[] = [];
    const raw = new Map<string, Buffer>();
    const versions = new Map<string, number>();
    for (const id of ids) {
      const series = loaded.get(id)!;
      series.add(merged.get(id)!);
      updates.push(...takeUpdates(id, series));
      raw.set(id, series.encode());
      versions.set(id, metrics.get(id)!.version);
    }
    return saveSplits(c, updates, raw, versions, latest);
  }

  async getMeasures(metricId: string, query: MeasuresQuery): Promise<Point[]> {
    const c = await this.pool.connect();
    try {
      await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await c.query<{ metric: Metric; policy: ArchivePolicy }>(
        'SELECT m.doc AS metric, p.doc AS policy FROM ts_metric m JOIN ts_policy p ON p.name = m.policy WHERE m.id = $1',
        [metricId],
      );
      const found = rows[0];
      if (found === undefined) throw new TimeseriesError(404, `Metric ${metricId} does not exist`);
      checkMeasuresQuery(found.metric, found.policy, query);
      const levels = found.policy.definition
        .filter(
          (d) =>
            query.granularity === undefined ||
            granularityUs(d.granularity) === granularityUs(query.granularity),
        )
        .sort((a, b) => b.granularity - a.granularity);
      const points = await readSplits(c, metricId, query.aggregation, levels, query.start, query.stop);
      await c.query('COMMIT');
      return points;
    } catch (err) {
      await c.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      c.release();
    }
  }

  /**
   * Runs `fn` holding a session advisory lock of this schema, which every server on the database takes for
   * its sections: sections never interleave, whichever servers run them. A server that dies holding it
   * releases it with its connection.
   */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    return this.sections.run(async () => {
      const c = await this.pool.connect();
      let broken: Error | undefined;
      try {
        await c.query('SELECT pg_advisory_lock($1, hashtext(current_schema()))', [SECTION_LOCK]);
        try {
          return await fn();
        } finally {
          await c
            .query('SELECT pg_advisory_unlock($1, hashtext(current_schema()))', [SECTION_LOCK])
            .catch((err: Error) => (broken = err));
        }
      } finally {
        c.release(broken);
      }
    });
  }

  processPending(): Promise<void> {
    return Promise.resolve();
  }

  async status(): Promise<StoreStatus> {
    const { rows } = await this.pool.query<{ metrics: string; rejected: string }>(
      "SELECT (SELECT count(*) FROM ts_metric) AS metrics, (SELECT value FROM ts_counter WHERE name = 'rejected_measures') AS rejected",
    );
    return {
      metrics: Number(rows[0]!.metrics),
      measures: 0,
      measures_to_process: {},
      rejected_measures: Number(rows[0]!.rejected),
      quarantined_records: 0,
    };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/** Registers the PostgreSQL driver for `postgres://` and `postgresql://` connection strings. */
export function setup(): void {
  for (const scheme of ['postgres', 'postgresql']) {
    storeDrivers.register(scheme, async (location) => {
      const store = new PostgresTimeseriesStore({ connectionString: location });
      await store.open();
      return store;
    });
  }
}
