// --max-batch-new-metrics against a real server on port 0, over each store: a batch of measures with
// create_metrics=true creating more metrics than the bound (all its resources together) is a 400 naming the
// option and the numbers, with no metric created and no measure written; at the bound it answers 202, and
// metrics that exist already do not count.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { TimeseriesStore } from '../store.js';
import { call, storesUnderTest } from './server-over-stores.test-support.js';
import { startTimeseriesServer, type RunningTimeseriesServer } from './serve.js';

const STORES = storesUnderTest('batch-limit');
const CREATE = '/v1/batch/resources/metrics/measures?create_metrics=true';

function tooMany(count: number, limit: number): unknown {
  return {
    code: 400,
    title: 'Bad Request',
    description: `Too many new metrics: ${count} metrics to create, more than the ${limit} of --max-batch-new-metrics`,
  };
}

const one = (day: number, value: number): { timestamp: string; value: number }[] => [
  { timestamp: `2024-01-0${day}`, value },
];

for (const kind of STORES) {
  describe(`--max-batch-new-metrics, ${kind.name}`, { skip: kind.skip }, () => {
    let store: TimeseriesStore;
    let bounded: RunningTimeseriesServer;
    let defaults: RunningTimeseriesServer;
    /** The cpu metric of r1 (created with r1; r2 starts without metrics). */
    let cpu = '';
    before(async () => {
      store = await kind.open();
      bounded = await startTimeseriesServer({
        listen: '127.0.0.1:0',
        store,
        auth: 'basic',
        maxBatchNewMetrics: 3,
      });
      defaults = await startTimeseriesServer({ listen: '127.0.0.1:0', store, auth: 'basic' });
      const policy = await call(bounded, 'POST', '/v1/archive_policy', {
        name: 'daily',
        definition: [{ granularity: '1 day', timespan: '365 days' }],
        aggregation_methods: ['sum'],
      });
      assert.equal(policy.status, 201);
      const rule = await call(bounded, 'POST', '/v1/archive_policy_rule', {
        name: 'all-daily',
        metric_pattern: '*',
        archive_policy_name: 'daily',
      });
      assert.equal(rule.status, 201);
      const r1 = await call(bounded, 'POST', '/v1/resource/generic', {
        id: 'r1',
        metrics: { cpu: { archive_policy_name: 'daily' } },
      });
      assert.equal(r1.status, 201);
      cpu = (r1.json() as { metrics: { cpu: string } }).metrics.cpu;
      assert.equal((await call(bounded, 'POST', '/v1/resource/generic', { id: 'r2' })).status, 201);
    });
    after(async () => {
      await bounded.close();
      await defaults.close();
      await store.close();
    });

    const metricNames = async (resource: string): Promise<string[]> => {
      const reply = await call(bounded, 'GET', `/v1/resource/generic/${resource}`);
      assert.equal(reply.status, 200);
      return Object.keys((reply.json() as { metrics: Record<string, string> }).metrics).sort();
    };
    const sums = async (metric: string): Promise<unknown> =>
      (await call(bounded, 'GET', `/v1/metric/${metric}/measures?aggregation=sum`)).json();

    test('four new metrics over two resources: 400 naming the option, nothing created or written', async () => {
      const reply = await call(bounded, 'POST', CREATE, {
        r1: { cpu: one(1, 5), mem: one(1, 1), disk: [] },
        r2: { cpu: one(1, 2), net: { archive_policy_name: 'daily', measures: one(1, 3) } },
      });
      assert.deepEqual([reply.status, reply.json()], [400, tooMany(4, 3)]);
      assert.deepEqual(await metricNames('r1'), ['cpu']);
      assert.deepEqual(await metricNames('r2'), []);
      assert.deepEqual(await sums(cpu), []);
    });

    test('past the bound, definitions are not read: an unknown archive policy is still the 400 of the bound', async () => {
      const reply = await call(bounded, 'POST', CREATE, {
        r2: { a: [], b: [], c: [], d: { archive_policy_name: 'nope', measures: [] } },
      });
      assert.deepEqual([reply.status, reply.json()], [400, tooMany(4, 3)]);
      assert.deepEqual(await metricNames('r2'), []);
    });

    test('an unknown resource is reported as without the bound', async () => {
      const reply = await call(bounded, 'POST', CREATE, {
        r2: { a: [], b: [], c: [], d: [] },
        '00000000-0000-0000-0000-0000000000aa': { a: [] },
      });
      assert.deepEqual(
        [reply.status, reply.json()],
        [
          400,
          {
            code: 400,
            title: 'Bad Request',
            description: {
              cause: 'Unknown resources',
              detail: [
                {
                  resource_id: '00000000-0000-0000-0000-0000000000aa',
                  original_resource_id: '00000000-0000-0000-0000-0000000000aa',
                },
              ],
            },
          },
        ],
      );
      assert.deepEqual(await metricNames('r2'), []);
    });

    test('three new metrics (the existing cpu not counted) are created and written: 202', async () => {
      const reply = await call(bounded, 'POST', CREATE, {
        r1: { cpu: one(2, 5), mem: one(2, 1) },
        r2: { cpu: one(2, 2), net: one(2, 3) },
      });
      assert.deepEqual([reply.status, reply.json()], [202, undefined]);
      assert.deepEqual(await metricNames('r1'), ['cpu', 'mem']);
      assert.deepEqual(await metricNames('r2'), ['cpu', 'net']);
      assert.deepEqual(await sums(cpu), [['2024-01-02T00:00:00+00:00', 86400.0, 5.0]]);
      const r2 = await call(bounded, 'GET', '/v1/resource/generic/r2');
      const net = (r2.json() as { metrics: { net: string } }).metrics.net;
      assert.deepEqual(await sums(net), [['2024-01-02T00:00:00+00:00', 86400.0, 3.0]]);
    });

    test('without create_metrics the bound does not apply: unknown metrics as before', async () => {
      const reply = await call(bounded, 'POST', '/v1/batch/resources/metrics/measures', {
        r2: { a: [], b: [], c: [], d: [] },
      });
      assert.equal(reply.status, 400);
      const description = (reply.json() as { description: string }).description;
      assert.match(
        description,
        /^Unknown metrics: [0-9a-f-]{36}\/a, [0-9a-f-]{36}\/b, [0-9a-f-]{36}\/c, [0-9a-f-]{36}\/d$/,
      );
    });

    test('the default bound is 1000: 1001 new metrics are a 400, none created', async () => {
      const names = Object.fromEntries(Array.from({ length: 1001 }, (_, i) => [`m${i}`, []]));
      const reply = await call(defaults, 'POST', CREATE, { r1: names });
      assert.deepEqual([reply.status, reply.json()], [400, tooMany(1001, 1000)]);
      assert.deepEqual(await metricNames('r1'), ['cpu', 'mem']);
    });
  });
}
