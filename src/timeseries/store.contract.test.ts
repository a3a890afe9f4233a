import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { Mutex } from '../support/mutex.js';
import { MetricSeries } from './metric-series.js';
import type { ArchivePolicy, Metric, Resource } from './model.js';
import type { TimeseriesStore } from './store.js';
import { FileTimeseriesStore } from './store-file.js';
import { PostgresTimeseriesStore } from './store-postgres.js';
import { dropSchemas, PG_SKIP, TEST_PG } from './store-postgres.test-support.js';

const POLICY: ArchivePolicy = {
  name: 'p1',
  back_window: 0,
  aggregation_methods: ['mean', 'count', 'sum', 'max'],
  definition: [
    { granularity: 60, points: 100, timespan: 6000 },
    { granularity: 3600, points: 24, timespan: 86400 },
  ],
};

function metric(id: string, extra: Partial<Metric> = {}): Metric {
  return {
    id,
    name: null,
    unit: null,
    creator: 'admin',
    created_by_user_id: 'admin',
    created_by_project_id: '',
    resource_id: null,
    archive_policy_name: POLICY.name,
    ...extra,
  };
}

function resource(id: string, type = 'generic'): Resource {
  return {
    id,
    type,
    original_resource_id: id,
    creator: 'admin',
    created_by_user_id: 'admin',
    created_by_project_id: '',
    user_id: null,
    project_id: null,
    started_at: 0,
    ended_at: null,
    revision_start: 0,
    revision_end: null,
    metrics: {},
    attributes: {},
  };
}

/** A driver under test: how to open a fresh store and how to reopen the same data as another instance. */
interface Driver {
  name: string;
  fresh(): Promise<{ store: TimeseriesStore; reopen(): Promise<TimeseriesStore> }>;
}

let run = 0;
const schemas: string[] = [];
const DRIVERS: Driver[] = [
  {
    name: 'file',
    async fresh() {
      const dataDir = mkdtempSync(join(tmpdir(), 'soe-ts-'));
      const open = async (): Promise<TimeseriesStore> => {
        const s = new FileTimeseriesStore({ dataDir, checkpointPeriod: 0.05 });
        await s.open();
        return s;
      };
      return { store: await open(), reopen: open };
    },
  },
  {
    name: 'postgres',
    async fresh() {
      const schema = `soe_test_${process.pid}_${run++}`;
      schemas.push(schema);
      const open = async (): Promise<TimeseriesStore> => {
        const s = new PostgresTimeseriesStore({ connectionString: TEST_PG, schema, max: 4 });
        await s.open();
        return s;
      };
      return { store: await open(), reopen: open };
    },
  },
];

const opened: TimeseriesStore[] = [];
after(async () => {
  for (const s of opened) await s.close().catch(() => undefined);
  await dropSchemas(schemas);
});

async function setup(driver: Driver) {
  const d = await driver.fresh();
  opened.push(d.store);
  await d.store.createArchivePolicy(POLICY);
  return {
    store: d.store,
    reopen: async () => {
      const s = await d.reopen();
      opened.push(s);
      return s;
    },
  };
}

const T0 = Date.UTC(2024, 0, 1) / 1000;

for (const driver of DRIVERS) {
  describe(
    `timeseries store contract: ${driver.name}`,
    { skip: driver.name === 'postgres' && PG_SKIP },
    () => {
      test('archive policies: create, conflict, list, update, in use, delete', async () => {
        const { store } = await setup(driver);
        await assert.rejects(store.createArchivePolicy(POLICY), {
          status: 409,
          message: 'Archive policy p1 already exists',
        });
        assert.deepEqual(await store.getArchivePolicy('p1'), POLICY);
        assert.equal(await store.getArchivePolicy('nope'), undefined);
        await store.createArchivePolicy({ ...POLICY, name: 'a0' });
        assert.deepEqual(
          (await store.listArchivePolicies()).map((p) => p.name),
          ['a0', 'p1'],
        );
        await store.updateArchivePolicy({ ...POLICY, back_window: 3 });
        assert.equal((await store.getArchivePolicy('p1'))?.back_window, 3);
        await store.createMetric(metric('m1'));
        await assert.rejects(store.deleteArchivePolicy('p1'), {
          status: 400,
          message: 'Archive policy p1 is still in use',
        });
        await assert.rejects(store.deleteArchivePolicy('zz'), {
          status: 404,
          message: 'Archive policy zz does not exist',
        });
        await store.deleteArchivePolicy('a0');
        assert.deepEqual(
          (await store.listArchivePolicies()).map((p) => p.name),
          ['p1'],
        );
      });

      test('rules: create, unknown policy, rename, conflicts, delete', async () => {
        const { store } = await setup(driver);
        await store.createRule({ name: 'r1', metric_pattern: 'disk.*', archive_policy_name: 'p1' });
        await assert.rejects(
          store.createRule({ name: 'r1', metric_pattern: '*', archive_policy_name: 'p1' }),
          {
            status: 409,
          },
        );
        await assert.rejects(
          store.createRule({ name: 'r2', metric_pattern: '*', archive_policy_name: 'zz' }),
          {
            status: 400,
            message: 'Archive policy zz does not exist',
          },
        );
        await store.createRule({ name: 'r3', metric_pattern: '*', archive_policy_name: 'p1' });
        await assert.rejects(store.renameRule('r1', 'r3'), { status: 409 });
        assert.deepEqual(await store.renameRule('r1', 'r9'), {
          name: 'r9',
          metric_pattern: 'disk.*',
          archive_policy_name: 'p1',
        });
        assert.deepEqual(
          (await store.listRules()).map((r) => r.name),
          ['r3', 'r9'],
        );
        await assert.rejects(store.deleteArchivePolicy('p1'), { status: 400 });
        await store.deleteRule('r9');
        await assert.rejects(store.deleteRule('r9'), { status: 404 });
      });

      test('metrics, resource types and resources; deleting a resource deletes its metrics', async () => {
        const { store } = await setup(driver);
        await assert.rejects(store.createMetric(metric('x', { archive_policy_name: 'zz' })), { status: 400 });
        await store.createResourceType({
          name: 'region',
          state: 'active',
          attributes: { code: { type: 'number', required: true } },
        });
        await assert.rejects(store.createResourceType({ name: 'region', state: 'active', attributes: {} }), {
          status: 409,
        });
        await store.createResource(resource('r1', 'region'));
        await store.createResource(resource('r0'));
        await assert.rejects(store.createResource(resource('r1')), { status: 409 });
        await store.createMetric(metric('m2', { name: 'cases', resource_id: 'r1' }));
        await store.createMetric(metric('m1'));
        assert.deepEqual(
          (await store.listMetrics()).map((m) => m.id),
          ['m1', 'm2'],
        );
        assert.deepEqual(
          (await store.listResources('region')).map((r) => r.id),
          ['r1'],
        );
        assert.deepEqual(
          (await store.listResources('generic')).map((r) => r.id),
          ['r0', 'r1'],
        );
        await store.updateResource({ ...resource('r1', 'region'), metrics: { cases: 'm2' } });
        assert.deepEqual((await store.getResource('r1'))?.metrics, { cases: 'm2' });
        await assert.rejects(store.deleteResourceType('region'), { status: 400 });
        await store.deleteResource('r1');
        assert.equal(await store.getMetric('m2'), undefined);
        assert.deepEqual(
          (await store.listMetrics()).map((m) => m.id),
          ['m1'],
        );
        await store.deleteResourceType('region');
        await store.deleteMetric('m1');
        await assert.rejects(store.deleteMetric('m1'), { status: 404 });
      });

      test('metrics and resources are looked up in bulk: found ones by id, unknown and repeated ids across 10,000', async () => {
        const { store } = await setup(driver);
        await store.createResource(resource('r1'));
        await store.createMetric(metric('m1', { name: 'cpu', resource_id: 'r1' }));
        await store.createMetric(metric('m2'));
        await store.updateResource({ ...resource('r1'), metrics: { cpu: 'm1' } });
        assert.deepEqual(await store.getMetrics([]), new Map());
        assert.deepEqual(await store.getResources([]), new Map());
        // 25,000 unknown ids before the known ones: the lookups of the PostgreSQL store take 10,000 per query.
        const unknown = Array.from({ length: 25_000 }, (_, i) => `u${i}`);
        const metrics = await store.getMetrics([...unknown, 'm2', 'r1', 'm1', 'm2']);
        assert.deepEqual([...metrics.keys()].sort(), ['m1', 'm2']);
        assert.deepEqual(metrics.get('m1'), metric('m1', { name: 'cpu', resource_id: 'r1' }));
        assert.deepEqual(metrics.get('m2'), metric('m2'));
        const resources = await store.getResources([...unknown, 'm1', 'r1', 'r1']);
        assert.deepEqual([...resources.keys()], ['r1']);
        assert.deepEqual(resources.get('r1'), { ...resource('r1'), metrics: { cpu: 'm1' } });
        await store.deleteMetric('m2');
        assert.deepEqual([...(await store.getMetrics(['m2', 'm1'])).keys()], ['m1']);
      });

      test('a resource is created with its metrics all or nothing, also after a reopen', async () => {
        const { store, reopen } = await setup(driver);
        const withMetrics = { ...resource('r1'), metrics: { cpu: 'c1', mem: 'c2' } };
        await store.createResource(withMetrics, [
          metric('c1', { name: 'cpu', resource_id: 'r1' }),
          metric('c2', { name: 'mem', resource_id: 'r1' }),
        ]);
        // A metric id that exists, or a policy that does not, refuses the resource too.
        for (const [m, status] of [
          [metric('c1', { name: 'cpu', resource_id: 'r2' }), 409],
          [metric('c3', { name: 'cpu', resource_id: 'r2', archive_policy_name: 'zz' }), 400],
        ] as const) {
          await assert.rejects(store.createResource({ ...resource('r2'), metrics: { cpu: m.id } }, [m]), {
            status,
          });
        }
        const again = await reopen();
        assert.deepEqual((await again.getResource('r1'))?.metrics, { cpu: 'c1', mem: 'c2' });
        assert.deepEqual(
          (await again.listMetrics()).map((m) => [m.id, m.resource_id]),
          [
            ['c1', 'r1'],
            ['c2', 'r1'],
          ],
        );
        assert.equal(await again.getResource('r2'), undefined);
      });

      test('past revisions: kept on newRevision, numbered across resources, by type and id, after a reopen, deleted with the resource', async () => {
        const { store, reopen } = await setup(driver);
        await store.createResourceType({ name: 'region', state: 'active', attributes: {} });
        await store.createResource(resource('r1'));
        await store.createResource(resource('r2', 'region'));
        await store.updateResource(
          { ...resource('r1'), user_id: 'a', revision_start: 10 },
          { newRevision: true },
        );
        await store.updateResource(
          { ...resource('r2', 'region'), user_id: 'b', revision_start: 11 },
          {
            newRevision: true,
          },
        );
        // Without newRevision, the stored version is replaced and nothing is kept.
        await store.updateResource({
          ...resource('r1'),
          user_id: 'a',
          revision_start: 10,
          metrics: { x: 'm' },
        });
        await store.updateResource(
          { ...resource('r1'), user_id: 'c', revision_start: 12 },
          { newRevision: true },
        );
        const past = (r: Resource): [string, string | null, number | null, number | undefined] => [
          r.id,
          r.user_id,
          r.revision_end,
          r.revision,
        ];
        const expected = [
          ['r1', null, 10, 1],
          ['r2', null, 11, 2],
          ['r1', 'a', 12, 3],
        ];
        assert.deepEqual((await store.listResourceHistory('generic')).map(past), expected);
        assert.deepEqual((await store.listResourceHistory('region')).map(past), [expected[1]]);
        assert.deepEqual((await store.listResourceHistory('generic', 'r1')).map(past), [
          expected[0],
          expected[2],
        ]);
        assert.deepEqual((await store.listResourceHistory('generic', 'r1'))[1]?.metrics, { x: 'm' });
        assert.equal((await store.getResource('r1'))?.revision_end, null);
        await assert.rejects(store.updateResource(resource('zz'), { newRevision: true }), {
          status: 404,
          message: 'Resource zz does not exist',
        });
        const again = await reopen();
        assert.deepEqual((await again.listResourceHistory('generic')).map(past), expected);
        await again.deleteResource('r1');
        assert.deepEqual((await again.listResourceHistory('generic')).map(past), [expected[1]]);
        await again.updateResource(
          { ...resource('r2', 'region'), revision_start: 13 },
          { newRevision: true },
        );
        assert.deepEqual(
          (await again.listResourceHistory('generic', 'r2')).map((r) => r.revision),
          [2, 4],
        );
      });

      test('a resource type update drops removed attributes and fills added ones, past revisions too', async () => {
        const { store, reopen } = await setup(driver);
        await store.createResourceType({
          name: 'host',
          state: 'active',
          attributes: { name: { type: 'string', required: true }, old: { type: 'bool', required: false } },
        });
        const host = { ...resource('h1', 'host'), attributes: { name: 'a', old: true } };
        await store.createResource(host);
        await store.createResource(resource('g1'));
        await store.updateResource(
          { ...host, attributes: { name: 'b', old: true }, revision_start: 5 },
          {
            newRevision: true,
          },
        );
        const type = {
          name: 'host',
          state: 'active' as const,
          attributes: {
            name: { type: 'string' as const, required: true },
            size: { type: 'number' as const, required: true, min: null, max: null },
            note: { type: 'string' as const, required: false },
          },
        };
        await store.updateResourceType(type, { size: 15 });
        assert.deepEqual(await store.getResourceType('host'), type);
        const attrs = { size: 15, note: null };
        assert.deepEqual((await store.getResource('h1'))?.attributes, { name: 'b', ...attrs });
        assert.deepEqual(
          (await store.listResourceHistory('host')).map((r) => r.attributes),
          [{ name: 'a', ...attrs }],
        );
        assert.deepEqual((await store.getResource('g1'))?.attributes, {});
        await assert.rejects(store.updateResourceType({ ...type, name: 'nope' }, {}), {
          status: 404,
          message: 'Resource type nope does not exist',
        });
        const again = await reopen();
        assert.deepEqual((await again.getResource('h1'))?.attributes, { name: 'b', ...attrs });
        assert.deepEqual((await again.getResourceType('host'))?.attributes, type.attributes);
      });

      test('a metric is detached from and attached to resources; its policy stays', async () => {
        const { store, reopen } = await setup(driver);
        await store.createArchivePolicy({ ...POLICY, name: 'p2' });
        await store.createResource({ ...resource('r1'), metrics: { cpu: 'm1' } }, [
          metric('m1', { name: 'cpu', resource_id: 'r1' }),
        ]);
        await store.updateMetric(metric('m1', { name: 'cpu', resource_id: null, archive_policy_name: 'p2' }));
        assert.deepEqual(await store.getMetric('m1'), metric('m1', { name: 'cpu' }));
        await store.deleteResource('r1');
        assert.deepEqual(await store.getMetric('m1'), metric('m1', { name: 'cpu' }));
        await store.createResource(resource('r2'));
        await store.updateMetric(metric('m1', { name: 'load', unit: 'ns', resource_id: 'r2' }));
        const again = await reopen();
        assert.deepEqual(
          await again.getMetric('m1'),
          metric('m1', { name: 'load', unit: 'ns', resource_id: 'r2' }),
        );
        await assert.rejects(again.updateMetric(metric('zz')), {
          status: 404,
          message: 'Metric zz does not exist',
        });
      });

      test('measures are aggregated per granularity and method, coarsest first', async () => {
        const { store } = await setup(driver);
        await store.createMetric(metric('m1'));
        await store.addMeasures([
          {
            metricId: 'm1',
            measures: [
              { timestamp: T0 + 5, value: 1 },
              { timestamp: T0 + 30, value: 3 },
            ],
          },
          { metricId: 'm1', measures: [{ timestamp: T0 + 65, value: 10 }] },
        ]);
        assert.deepEqual(await store.getMeasures('m1', { aggregation: 'mean' }), [
          [T0, 3600, 14 / 3],
          [T0, 60, 2],
          [T0 + 60, 60, 10],
        ]);
        assert.deepEqual(
          await store.getMeasures('m1', { aggregation: 'count', granularity: 60, start: T0 + 60 }),
          [[T0 + 60, 60, 1]],
        );
        await assert.rejects(store.getMeasures('m1', { aggregation: 'median' }), { status: 404 });
        await assert.rejects(store.getMeasures('m1', { aggregation: 'mean', granularity: 1 }), {
          status: 404,
        });
        await assert.rejects(store.getMeasures('zz', { aggregation: 'mean' }), { status: 404 });
        await assert.rejects(
          store.addMeasures([{ metricId: 'zz', measures: [{ timestamp: T0, value: 1 }] }]),
          {
            status: 404,
          },
        );
      });

      test('measures older than the back window are refused, nothing of the call is stored, and counted', async () => {
        const { store } = await setup(driver);
        await store.createMetric(metric('m1'));
        await store.createMetric(metric('m2'));
        await store.addMeasures([{ metricId: 'm1', measures: [{ timestamp: T0 + 7200 + 60, value: 1 }] }]);
        // Coarsest granularity 1 h, back_window 0: the first accepted timestamp is T0 + 7200.
        await assert.rejects(
          store.addMeasures([
            { metricId: 'm2', measures: [{ timestamp: T0, value: 5 }] },
            {
              metricId: 'm1',
              measures: [
                { timestamp: T0 + 7199, value: 2 },
                { timestamp: T0 + 7300, value: 2 },
              ],
            },
          ]),
          (err: { status: number; description: { detail: unknown } }) => {
            assert.equal(err.status, 400);
            assert.deepEqual(err.description.detail, {
              metric: 'm1',
              oldest_accepted: '2024-01-01T02:00:00+00:00',
              rejected: 1,
            });
            return true;
          },
        );
        assert.deepEqual(await store.getMeasures('m2', { aggregation: 'count' }), []);
        assert.deepEqual(await store.getMeasures('m1', { aggregation: 'count', granularity: 60 }), [
          [T0 + 7260, 60, 1],
        ]);
        assert.equal((await store.status()).rejected_measures, 1);
        await store.addMeasures([{ metricId: 'm1', measures: [{ timestamp: T0 + 7200, value: 4 }] }]);
      });

      test('acknowledged measures survive a reopen exactly once', async () => {
        const { store, reopen } = await setup(driver);
        await store.createMetric(metric('m1'));
        for (let i = 0; i < 20; i++)
          await store.addMeasures([{ metricId: 'm1', measures: [{ timestamp: T0 + i, value: i }] }]);
        const again = await reopen(); // the first instance is neither closed nor checkpointed: a crash
        assert.deepEqual(await again.getMeasures('m1', { aggregation: 'count', granularity: 60 }), [
          [T0, 60, 20],
        ]);
        assert.deepEqual(await again.getMeasures('m1', { aggregation: 'sum', granularity: 60 }), [
          [T0, 60, 190],
        ]);
        assert.deepEqual((await again.getMetric('m1'))?.id, 'm1');
      });

      test('a series longer than a split keeps its retention from its newest point and reads by range', async () => {
        const { store } = await setup(driver);
        const policy: ArchivePolicy = {
          name: 'long',
          back_window: 0,
          aggregation_methods: ['mean', 'count'],
          definition: [
            { granularity: 1, points: 5000, timespan: 5000 },
            { granularity: 3600, points: 10, timespan: 36000 },
          ],
        };
        await store.createArchivePolicy(policy);
        await store.createMetric(metric('m1', { archive_policy_name: 'long' }));
        const reference = new MetricSeries(policy);
        for (let i = 0; i < 9000; i += 1000) {
          const measures = Array.from({ length: 1000 }, (_, j) => ({
            timestamp: T0 + i + j,
            value: (i + j) % 7,
          }));
          await store.addMeasures([{ metricId: 'm1', measures }]);
          reference.add(measures);
        }
        // A value for a timestamp still in the raw buffer replaces the old one.
        await store.addMeasures([{ metricId: 'm1', measures: [{ timestamp: T0 + 8500, value: 100 }] }]);
        reference.add([{ timestamp: T0 + 8500, value: 100 }]);
        const counts = await store.getMeasures('m1', { aggregation: 'count', granularity: 1 });
        assert.equal(counts.length, 5000);
        assert.deepEqual(
          [counts[0], counts.at(-1)],
          [
            [T0 + 4000, 1, 1],
            [T0 + 8999, 1, 1],
          ],
        );
        const range = await store.getMeasures('m1', {
          aggregation: 'mean',
          granularity: 1,
          start: T0 + 7100.5,
          stop: T0 + 7300,
        });
        assert.deepEqual(
          [range.length, range[0], range.at(-1)],
          [200, [T0 + 7100, 1, 7100 % 7], [T0 + 7299, 1, 7299 % 7]],
        );
        assert.deepEqual(
          await store.getMeasures('m1', {
            aggregation: 'mean',
            granularity: 1,
            start: T0 + 8500,
            stop: T0 + 8501,
          }),
          [[T0 + 8500, 1, 100]],
        );
        assert.deepEqual(await store.getMeasures('m1', { aggregation: 'count', granularity: 3600 }), [
          [T0, 3600, 3600],
          [T0 + 3600, 3600, 3600],
          [T0 + 7200, 3600, 1800],
        ]);
        assert.deepEqual(await store.getMeasures('m1', { aggregation: 'mean' }), reference.read('mean'));
      });

      test('a measure in the back window rewrites a split older than the latest one', async () => {
        const { store } = await setup(driver);
        const policy: ArchivePolicy = {
          name: 'back',
          back_window: 1,
          aggregation_methods: ['mean', 'count', 'rate:sum'],
          definition: [
            { granularity: 1, points: 10000, timespan: 10000 },
            { granularity: 3600, points: 10, timespan: 36000 },
          ],
        };
        await store.createArchivePolicy(policy);
        await store.createMetric(metric('m1', { archive_policy_name: 'back' }));
        const reference = new MetricSeries(policy);
        const batches = [
          Array.from({ length: 3700 }, (_, j) => ({ timestamp: T0 + j, value: j % 5 })),
          // Periods 3500 (rewritten) and 3550.5 (new) are in split 0 of 1 s; the latest split is 1.
          [
            { timestamp: T0 + 3500, value: 50 },
            { timestamp: T0 + 3550.5, value: 60 },
          ],
          [{ timestamp: T0 + 3800, value: 70 }],
        ];
        for (const measures of batches) {
          await store.addMeasures([{ metricId: 'm1', measures }]);
          reference.add(measures);
        }
        for (const aggregation of policy.aggregation_methods) {
          assert.deepEqual(await store.getMeasures('m1', { aggregation }), reference.read(aggregation));
        }
        assert.deepEqual(
          await store.getMeasures('m1', {
            aggregation: 'mean',
            granularity: 1,
            start: T0 + 3500,
            stop: T0 + 3501,
          }),
          [[T0 + 3500, 1, 50]],
        );
      });
    },
  );
}

/** One mutex per store instance, as the API makes (sections inside the store's `exclusive` when it has one). */
const sections = new WeakMap<TimeseriesStore, Mutex>();
function sectionsOf(store: TimeseriesStore): Mutex {
  let mutex = sections.get(store);
  if (mutex === undefined) {
    mutex = new Mutex(store.exclusive?.bind(store));
    sections.set(store, mutex);
  }
  return mutex;
}

/**
 * The concurrency tests, run on one instance and on two instances over one database (two servers): what
 * holds for one server must hold for several on the same storage.
 */
const CONCURRENCY: { name: string; driver: Driver; instances: 1 | 2 }[] = [
  { name: 'file, one instance', driver: DRIVERS[0]!, instances: 1 },
  { name: 'postgres, one instance', driver: DRIVERS[1]!, instances: 1 },
  { name: 'postgres, two instances on one database', driver: DRIVERS[1]!, instances: 2 },
];

for (const { name, driver, instances } of CONCURRENCY) {
  describe(`timeseries store concurrency: ${name}`, { skip: driver.name === 'postgres' && PG_SKIP }, () => {
    /** Two sides writing at once: the same instance twice, or two instances on one database. */
    async function sides(): Promise<[TimeseriesStore, TimeseriesStore]> {
      const { store, reopen } = await setup(driver);
      return [store, instances === 1 ? store : await reopen()];
    }

    test('writes to one metric from both sides lose and double nothing', async () => {
      const [a, b] = await sides();
      await a.createMetric(metric('m1'));
      const writes: Promise<void>[] = [];
      for (let i = 0; i < 100; i++) {
        const s = i % 2 === 0 ? a : b;
        writes.push(s.addMeasures([{ metricId: 'm1', measures: [{ timestamp: T0 + 3000 + i, value: 1 }] }]));
      }
      await Promise.all(writes);
      await a.processPending();
      assert.deepEqual(await b.getMeasures('m1', { aggregation: 'count', granularity: 3600 }), [
        [T0, 3600, 100],
      ]);
      assert.deepEqual(await a.getMeasures('m1', { aggregation: 'sum', granularity: 3600 }), [
        [T0, 3600, 100],
      ]);
    });

    test('20 resources given metrics from both sides at once keep every acknowledged metric, once', async () => {
      const [a, b] = await sides();
      const ids = Array.from({ length: 20 }, (_, i) => `r${String(i).padStart(2, '0')}`);
      for (const id of ids) await a.createResource(resource(id));
      /** The API's read-modify-write of a resource's metric map: a name already there is refused. */
      const attach = (s: TimeseriesStore, id: string, names: string[]): Promise<string[]> =>
        sectionsOf(s).run(async () => {
          const r = (await s.getResource(id))!;
          const metrics = { ...r.metrics };
          const created: string[] = [];
          for (const n of names) {
            if (Object.hasOwn(metrics, n)) continue;
            const metricId = `${id}-${n}-${s === a ? 'a' : 'b'}`;
            await s.createMetric(metric(metricId, { name: n, resource_id: id }));
            metrics[n] = metricId;
            created.push(metricId);
          }
          await s.updateResource({ ...r, metrics });
          return created;
        });
      const acknowledged = (
        await Promise.all(
          ids.flatMap((id) => [attach(a, id, ['shared', 'only-a']), attach(b, id, ['shared', 'only-b'])]),
        )
      ).flat();
      const all = await b.listMetrics();
      for (const id of ids) {
        const map = (await b.getResource(id))!.metrics;
        assert.deepEqual(Object.keys(map).sort(), ['only-a', 'only-b', 'shared'], id);
        assert.equal(all.filter((m) => m.resource_id === id).length, 3, `${id} has no duplicate metric`);
      }
      const mapped = new Set(
        (await Promise.all(ids.map((id) => a.getResource(id)))).flatMap((r) => Object.values(r!.metrics)),
      );
      assert.deepEqual(
        acknowledged.filter((m) => !mapped.has(m)),
        [],
        'every acknowledged metric is mapped',
      );
      assert.equal(acknowledged.length, 60);
    });

    test('a policy change made on one side decides what the other keeps', async () => {
      const [a, b] = await sides();
      const short: ArchivePolicy = {
        name: 'short',
        back_window: 0,
        aggregation_methods: ['count'],
        definition: [{ granularity: 1, points: 60, timespan: 60 }],
      };
      await a.createArchivePolicy(short);
      await a.createMetric(metric('m1', { archive_policy_name: 'short' }));
      const series = (from: number, n: number) =>
        Array.from({ length: n }, (_, i) => ({ timestamp: T0 + from + i, value: 1 }));
      await b.addMeasures([{ metricId: 'm1', measures: series(0, 10) }]);
      await b.processPending();
      assert.equal((await b.getMeasures('m1', { aggregation: 'count' })).length, 10);
      await a.updateArchivePolicy({ ...short, definition: [{ granularity: 1, points: 180, timespan: 180 }] });
      await b.addMeasures([{ metricId: 'm1', measures: series(10, 180) }]);
      await b.processPending();
      const kept = await b.getMeasures('m1', { aggregation: 'count' });
      assert.deepEqual([kept.length, kept[0]], [180, [T0 + 10, 1, 1]]);
    });
  });
}
