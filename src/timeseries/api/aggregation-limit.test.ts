// --max-aggregation-metrics against a real server on port 0: /v1/aggregation/metric, the resource route of
// /v1/aggregation and /v1/aggregates (ids, searches, globs, operations naming many references) refuse more
// metrics than the bound with a 400 naming it, before reading a measure; at the bound they answer.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { FileTimeseriesStore } from '../store-file.js';
import { call } from './server-over-stores.test-support.js';
import { startTimeseriesServer, type RunningTimeseriesServer } from './serve.js';

function aggregationError(count: number, limit: number): unknown {
  return {
    code: 400,
    title: 'Bad Request',
    description: `Too many metrics: ${count} metrics, more than the ${limit} of --max-aggregation-metrics`,
  };
}

function aggregatesError(what: string, count: number, limit: number): unknown {
  return {
    code: 400,
    title: 'Bad Request',
    description: {
      cause: 'Too many metrics',
      reason: `${count} ${what}, more than the ${limit} of --max-aggregation-metrics`,
      detail: limit,
    },
  };
}

const POINTS = [
  ['2024-01-01T00:00:00+00:00', 86400.0, 1.0],
  ['2024-01-02T00:00:00+00:00', 86400.0, 2.0],
];

describe('--max-aggregation-metrics 3', () => {
  let server: RunningTimeseriesServer;
  let store: FileTimeseriesStore;
  /** The cpu metric of each of the four resources r0..r3 (project a: r0, r1; b: r2, r3). */
  const cpu: string[] = [];
  before(async () => {
    store = new FileTimeseriesStore({ dataDir: mkdtempSync(join(tmpdir(), 'soe-aggregation-limit-')) });
    await store.open();
    server = await startTimeseriesServer({
      listen: '127.0.0.1:0',
      store,
      auth: 'basic',
      maxAggregationMetrics: 3,
    });
    const policy = await call(server, 'POST', '/v1/archive_policy', {
      name: 'daily',
      definition: [{ granularity: '1 day', timespan: '365 days' }],
      aggregation_methods: ['mean', 'sum'],
    });
    assert.equal(policy.status, 201);
    for (let i = 0; i < 4; i++) {
      const created = await call(server, 'POST', '/v1/resource/generic', {
        id: randomUUID(),
        project_id: i < 2 ? 'a' : 'b',
        metrics: { cpu: { archive_policy_name: 'daily' } },
      });
      assert.equal(created.status, 201);
      cpu.push((created.json() as { metrics: { cpu: string } }).metrics.cpu);
    }
    const measures = Object.fromEntries(
      cpu.map((id) => [
        id,
        [
          { timestamp: '2024-01-01', value: 1 },
          { timestamp: '2024-01-02', value: 2 },
        ],
      ]),
    );
    assert.equal((await call(server, 'POST', '/v1/batch/metrics/measures', measures)).status, 202);
  });
  after(async () => {
    await server.close();
    await store.close();
  });

  test('/v1/aggregation/metric: three ids (one twice) answer, four are a 400, by GET and POST', async () => {
    const three = [cpu[0], cpu[1], cpu[2], cpu[0]].map((id) => `metric=${id}`).join('&');
    const ok = await call(server, 'GET', `/v1/aggregation/metric?${three}`);
    assert.deepEqual([ok.status, ok.json()], [200, POINTS]);
    const four = cpu.map((id) => `metric=${id}`).join('&');
    const get = await call(server, 'GET', `/v1/aggregation/metric?${four}`);
    assert.deepEqual([get.status, get.json()], [400, aggregationError(4, 3)]);
    const post = await call(server, 'POST', '/v1/aggregation/metric', cpu);
    assert.deepEqual([post.status, post.json()], [400, aggregationError(4, 3)]);
  });

  test('/v1/aggregation/metric: 200,000 unknown ids are the same 400, not 200,000 look-ups', async () => {
    const ids = Array.from({ length: 200_000 }, () => randomUUID());
    const r = await call(server, 'POST', '/v1/aggregation/metric', ids);
    assert.deepEqual([r.status, r.json()], [400, aggregationError(200_000, 3)]);
  });

  test('/v1/aggregation/resource: a search matching four metrics is a 400, with or without groupby', async () => {
    const path = '/v1/aggregation/resource/generic/metric/cpu';
    const all = await call(server, 'POST', path, {});
    assert.deepEqual([all.status, all.json()], [400, aggregationError(4, 3)]);
    const grouped = await call(server, 'POST', `${path}?groupby=project_id`, {});
    assert.deepEqual([grouped.status, grouped.json()], [400, aggregationError(4, 3)]);
    const some = await call(server, 'POST', `${path}?groupby=project_id`, { '=': { project_id: 'a' } });
    assert.deepEqual([some.status, some.json()], [200, [{ group: { project_id: 'a' }, measures: POINTS }]]);
  });

  test('/v1/aggregates by ids: four metric references are a 400, three answer', async () => {
    const refs = (ids: (string | undefined)[]): string => ids.map((id) => `(${id} mean)`).join(' ');
    const four = await call(server, 'POST', '/v1/aggregates', {
      operations: `(aggregate mean (metric ${refs(cpu)}))`,
    });
    assert.deepEqual([four.status, four.json()], [400, aggregatesError('metric references', 4, 3)]);
    const three = await call(server, 'POST', '/v1/aggregates', {
      operations: `(aggregate mean (metric ${refs(cpu.slice(0, 3))}))`,
    });
    assert.deepEqual([three.status, three.json()], [200, { measures: { aggregated: POINTS } }]);
  });

  test('/v1/aggregates by search: a glob or a search matching four metrics is a 400', async () => {
    for (const operations of ['(aggregate mean (metric * mean))', '(aggregate mean (metric cpu mean))']) {
      const r = await call(server, 'POST', '/v1/aggregates', {
        resource_type: 'generic',
        search: {},
        operations,
      });
      assert.deepEqual([r.status, r.json()], [400, aggregatesError('metrics', 4, 3)]);
    }
    const grouped = await call(server, 'POST', '/v1/aggregates?groupby=project_id', {
      resource_type: 'generic',
      search: {},
      operations: '(aggregate sum (metric cpu mean))',
    });
    assert.deepEqual([grouped.status, grouped.json()], [400, aggregatesError('metrics', 4, 3)]);
    const some = await call(server, 'POST', '/v1/aggregates', {
      resource_type: 'generic',
      search: { '=': { project_id: 'b' } },
      operations: '(aggregate sum (metric cpu mean))',
    });
    assert.deepEqual(
      [some.status, some.json()],
      [
        200,
        {
          measures: {
            aggregated: [
              ['2024-01-01T00:00:00+00:00', 86400.0, 2.0],
              ['2024-01-02T00:00:00+00:00', 86400.0, 4.0],
            ],
          },
        },
      ],
    );
  });

  test('/v1/aggregates: 150,000 references are a 400 at once (counting them was quadratic)', async () => {
    const names = Array.from({ length: 150_000 }, (_, i) => `(m${i} mean)`).join(' ');
    const r = await call(server, 'POST', '/v1/aggregates', {
      resource_type: 'generic',
      search: {},
      operations: `(metric ${names})`,
    });
    assert.deepEqual([r.status, r.json()], [400, aggregatesError('metric references', 150_000, 3)]);
  });
});
