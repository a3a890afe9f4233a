import pg from 'pg';
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
import type { MeasureBatch, MeasuresQuery, StoreStatus, TimeseriesStore } from './store.js';

const SCHEMA = `
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

/** Options of the PostgreSQL driver. */
export interface PostgresStoreOptions {
  /** `postgres://user@host:port/database`. */
  connectionString: string;
  /** Table name prefix (`ts_` tables live in this schema), for tests sharing a database. */
  schema?: string;
  /** Pool size (default 10). */
  max?: number;
}

/** A decoded series with the committed version it was decoded from. */
interface CachedSeries {
  version: number;
  series: MetricSeries;
  policy: ArchivePolicy;
}

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: string }).code === '23505';
}

/**
 * The PostgreSQL storage driver, for scale-out: any number of API processes on any hosts share one
 * database. The index is in tables; each metric's aggregated series is one compressed blob (the same
 * format as the embedded store's files) updated in the transaction that accepts a batch, under a row
 * lock of the metric: concurrent writers to one metric serialise, the back window is checked against
 * the committed state, and a measure is either committed once (with its aggregates) or not at all —
 * never lost or counted twice. Each process caches decoded series by version.
 */
export class PostgresTimeseriesStore implements TimeseriesStore {
  private readonly pool: pg.Pool;
  private readonly cache = new Map<string, CachedSeries>();

  constructor(private readonly options: PostgresStoreOptions) {
    this.pool = new pg.Pool({ connectionString: options.connectionString, max: options.max ?? 10 });
    this.pool.on('error', () => undefined);
  }

  /** Creates the tables if needed. */
  async open(): Promise<void> {
    const schema = this.options.schema;
    if (schema !== undefined) {
      await this.pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
      this.pool.on('connect', (client) => {
        client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`).catch(() => undefined);
      });
      await this.pool.query(`SET search_path TO ${pg.escapeIdentifier(schema)}`);
    }
    await this.tx(async (c) => {
      await c.query('SELECT pg_advisory_xact_lock(7452301)');
      await c.query(SCHEMA);
    });
  }

  private async tx<T>(body: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      if (this.options.schema !== undefined)
        await c.query(`SET search_path TO ${pg.escapeIdentifier(this.options.schema)}`);
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
    const { rows } = await this.pool.query<{ doc: T }>(sql, params);
    return rows.map((r) => r.doc);
  }

  private async one<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    return (await this.docs<T>(sql, params))[0];
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
    this.cache.clear();
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
    return this.tx(async (c) => {
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
    });
  }

  getMetric(id: string): Promise<Metric | undefined> {
    return this.one('SELECT doc FROM ts_metric WHERE id = $1', [id]);
  }

  listMetrics(): Promise<Metric[]> {
    return this.docs('SELECT doc FROM ts_metric ORDER BY id COLLATE "C"');
  }

  async deleteMetric(id: string): Promise<void> {
    const r = await this.pool.query('DELETE FROM ts_metric WHERE id = $1', [id]);
    if (r.rowCount === 0) throw new TimeseriesError(404, `Metric ${id} does not exist`);
    this.cache.delete(id);
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

  createResource(resource: Resource): Promise<void> {
    return this.insert(
      'INSERT INTO ts_resource VALUES ($1, $2, $3)',
      [resource.id, resource.type, resource],
      `Resource ${resource.id} already exists`,
    );
  }

  getResource(id: string): Promise<Resource | undefined> {
    return this.one('SELECT doc FROM ts_resource WHERE id = $1', [id]);
  }

  async updateResource(resource: Resource): Promise<void> {
    const r = await this.pool.query('UPDATE ts_resource SET doc = $2 WHERE id = $1', [resource.id, resource]);
    if (r.rowCount === 0) throw new TimeseriesError(404, `Resource ${resource.id} does not exist`);
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

  /** The series of a metric as committed, from the cache when its version is current. */
  private async load(c: pg.PoolClient, ids: string[], lock: boolean): Promise<Map<string, CachedSeries>> {
    const { rows } = await c.query<{ metric_id: string; version: string; policy: ArchivePolicy }>(
      `SELECT s.metric_id, s.version, p.doc AS policy FROM ts_series s JOIN ts_metric m ON m.id = s.metric_id
       JOIN ts_policy p ON p.name = m.policy WHERE s.metric_id = ANY($1) ORDER BY s.metric_id${lock ? ' FOR UPDATE OF s' : ''}`,
      [ids],
    );
    const result = new Map<string, CachedSeries>();
    const stale: string[] = [];
    for (const r of rows) {
      const cached = this.cache.get(r.metric_id);
      if (cached && cached.version === Number(r.version)) result.set(r.metric_id, cached);
      else stale.push(r.metric_id);
    }
    if (stale.length > 0) {
      const blobs = await c.query<{
        metric_id: string;
        version: string;
        blob: Buffer | null;
        policy: ArchivePolicy;
      }>(
        `SELECT s.metric_id, s.version, s.blob, p.doc AS policy FROM ts_series s JOIN ts_metric m ON m.id = s.metric_id
         JOIN ts_policy p ON p.name = m.policy WHERE s.metric_id = ANY($1)`,
        [stale],
      );
      for (const r of blobs.rows) {
        const entry: CachedSeries = {
          version: Number(r.version),
          policy: r.policy,
          series: r.blob === null ? new MetricSeries(r.policy) : MetricSeries.decode(r.policy, r.blob),
        };
        this.cache.set(r.metric_id, entry);
        result.set(r.metric_id, entry);
      }
    }
    return result;
  }

  async addMeasures(batches: MeasureBatch[]): Promise<void> {
    const merged = new Map<string, Measure[]>();
    for (const b of batches) {
      const list = merged.get(b.metricId);
      if (list) list.push(...b.measures);
      else merged.set(b.metricId, [...b.measures]);
    }
    const ids = [...merged.keys()].sort();
    let rejected = 0;
    try {
      await this.tx(async (c) => {
        const loaded = await this.load(c, ids, true);
        for (const id of ids)
          if (!loaded.has(id)) throw new TimeseriesError(404, `Metric ${id} does not exist`);
        for (const id of ids) {
          const { series } = loaded.get(id)!;
          const measures = merged.get(id)!;
          const old = series.tooOld(measures);
          if (old !== undefined) {
            const first = series.firstAcceptedTimestamp()!;
            rejected = measures.filter((m) => m.timestamp < first).length;
            throw tooOldError(id, first, old, rejected);
          }
        }
        for (const id of ids) {
          const entry = loaded.get(id)!;
          // Work on a copy: the cached object must stay as committed if the transaction fails.
          const series = MetricSeries.decode(entry.policy, entry.series.encode());
          series.add(merged.get(id)!);
          const blob = series.encode();
          await c.query('UPDATE ts_series SET version = version + 1, blob = $2 WHERE metric_id = $1', [
            id,
            blob,
          ]);
          this.cache.set(id, { version: entry.version + 1, series, policy: entry.policy });
        }
      });
    } catch (err) {
      for (const id of ids) this.cache.delete(id);
      if (rejected > 0) {
        await this.pool.query("UPDATE ts_counter SET value = value + $1 WHERE name = 'rejected_measures'", [
          rejected,
        ]);
      }
      throw err;
    }
  }

  async getMeasures(metricId: string, query: MeasuresQuery): Promise<Point[]> {
    const c = await this.pool.connect();
    try {
      if (this.options.schema !== undefined)
        await c.query(`SET search_path TO ${pg.escapeIdentifier(this.options.schema)}`);
      const { rows } = await c.query<{ metric: Metric; policy: ArchivePolicy }>(
        'SELECT m.doc AS metric, p.doc AS policy FROM ts_metric m JOIN ts_policy p ON p.name = m.policy WHERE m.id = $1',
        [metricId],
      );
      if (rows[0] === undefined) throw new TimeseriesError(404, `Metric ${metricId} does not exist`);
      checkMeasuresQuery(rows[0].metric, rows[0].policy, query);
      const entry = (await this.load(c, [metricId], false)).get(metricId);
      return entry ? entry.series.read(query.aggregation, query.granularity, query.start, query.stop) : [];
    } finally {
      c.release();
    }
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
