// Two timeseries servers on one PostgreSQL database (issue 13, finding 5): real HTTP servers on port 0,
// each with its own store instance (its own pool, its own in-process mutex), as two hosts would run them.
// Metric creation on the same resources from both at once neither duplicates nor loses an acknowledged
// metric, and an archive policy changed through one decides what the other keeps.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { startTimeseriesServer, type RunningTimeseriesServer } from '../src/timeseries/api/serve.js';
import { PostgresTimeseriesStore } from '../src/timeseries/store-postgres.js';
import { dropSchemas, PG_SKIP, TEST_PG } from '../src/timeseries/store-postgres.test-support.js';

const SCHEMA = `soe_two_servers_${process.pid}`;
const HEADERS = {
  accept: 'application/json',
  'content-type': 'application/json',
  authorization: `Basic ${Buffer.from('admin:').toString('base64')}`,
};

interface Server {
  store: PostgresTimeseriesStore;
  http: RunningTimeseriesServer;
}

async function call(
  server: Server,
  method: string,
  path: string,
  body?: unknown,
): Promise<[number, unknown]> {
  const res = await fetch(`${server.http.url}${path}`, {
    method,
    headers: HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  return [res.status, text === '' ? null : JSON.parse(text)];
}

describe('two timeseries servers on one PostgreSQL database', { skip: PG_SKIP }, () => {
  const servers: Server[] = [];
  before(async () => {
    for (let i = 0; i < 2; i++) {
      const store = new PostgresTimeseriesStore({ connectionString: TEST_PG, schema: SCHEMA, max: 4 });
      await store.open();
      servers.push({
        store,
        http: await startTimeseriesServer({ listen: '127.0.0.1:0', store, auth: 'basic' }),
      });
    }
  });
  after(async () => {
    for (const s of servers) {
      await s.http.close();
      await s.store.close();
    }
    await dropSchemas([SCHEMA]);
  });

  test('20 resources given metrics through both servers at once: no duplicate, every acknowledged metric kept', async () => {
    const [a, b] = servers as [Server, Server];
    const ids = Array.from({ length: 20 }, () => randomUUID());
    for (const id of ids) assert.equal((await call(a, 'POST', '/v1/resource/generic', { id }))[0], 201);
    type Reply = [name: string, status: number, body: unknown];
    const attach = async (server: Server, id: string, name: string): Promise<Reply> => {
      const [status, body] = await call(server, 'POST', `/v1/resource/generic/${id}/metric`, {
        [name]: { archive_policy_name: 'low' },
      });
      return [name, status, body];
    };
    const replies = await Promise.all(
      ids.flatMap((id) => [
        attach(a, id, 'shared'),
        attach(b, id, 'shared'),
        attach(a, id, 'only-a'),
        attach(b, id, 'only-b'),
      ]),
    );
    const acknowledged = new Set<string>();
    for (let r = 0; r < ids.length; r++) {
      const [shared1, shared2, onlyA, onlyB] = replies.slice(4 * r, 4 * r + 4) as [
        Reply,
        Reply,
        Reply,
        Reply,
      ];
      assert.deepEqual(
        [shared1[1], shared2[1]].sort(),
        [200, 409],
        'one of two servers creates a name, the other is refused',
      );
      const refused = shared1[1] === 409 ? shared1 : shared2;
      assert.deepEqual(refused[2], {
        code: 409,
        title: 'Conflict',
        description: 'Named metric shared already exists',
      });
      for (const [name, status, body] of [shared1, shared2, onlyA, onlyB]) {
        if (status !== 200) continue;
        const created = (body as { id: string; name: string }[]).find((m) => m.name === name);
        assert.ok(created, `${name} is in the reply`);
        acknowledged.add(created.id);
      }
    }
    assert.equal(acknowledged.size, 60);
    // The batch endpoint creates metrics under the same lock.
    const batch = (name: string) =>
      Object.fromEntries(ids.map((id) => [id, { [name]: [{ timestamp: '2024-01-01T00:00:00', value: 1 }] }]));
    const [batchA, batchB] = await Promise.all([
      call(a, 'POST', '/v1/batch/resources/metrics/measures?create_metrics=true', batch('batch-a')),
      call(b, 'POST', '/v1/batch/resources/metrics/measures?create_metrics=true', batch('batch-b')),
    ]);
    assert.deepEqual([batchA[0], batchB[0]], [202, 202]);
    const [, metrics] = await call(b, 'GET', '/v1/metric?limit=1000');
    const byResource = new Map<string, string[]>();
    for (const m of metrics as { id: string; name: string; resource_id: string }[]) {
      byResource.set(m.resource_id, [...(byResource.get(m.resource_id) ?? []), m.name]);
    }
    for (const id of ids) {
      assert.deepEqual(byResource.get(id)?.sort(), ['batch-a', 'batch-b', 'only-a', 'only-b', 'shared'], id);
      const [, resource] = await call(a, 'GET', `/v1/resource/generic/${id}`);
      const map = (resource as { metrics: Record<string, string> }).metrics;
      assert.deepEqual(Object.keys(map).sort(), ['batch-a', 'batch-b', 'only-a', 'only-b', 'shared']);
      for (const name of ['only-a', 'only-b', 'shared'])
        assert.ok(acknowledged.has(map[name]!), `${id}/${name}`);
    }
  });

  test('an archive policy changed through one server decides what the other keeps (3,600 → 10,800, scaled down)', async () => {
    const [a, b] = servers as [Server, Server];
    const definition = (points: number) => [{ granularity: '1s', points }];
    assert.equal(
      (
        await call(a, 'POST', '/v1/archive_policy', {
          name: 'short',
          aggregation_methods: ['count'],
          definition: definition(60),
        })
      )[0],
      201,
    );
    const [, metric] = await call(a, 'POST', '/v1/metric', { archive_policy_name: 'short' });
    const id = (metric as { id: string }).id;
    const measures = (from: number, n: number) =>
      Array.from({ length: n }, (_, i) => ({ timestamp: 1_704_067_200 + from + i, value: 1 }));
    assert.equal((await call(b, 'POST', `/v1/metric/${id}/measures`, measures(0, 10)))[0], 202);
    const read = async (server: Server) =>
      (await call(server, 'GET', `/v1/metric/${id}/measures?aggregation=count&refresh=true`))[1] as unknown[];
    assert.equal((await read(b)).length, 10);
    assert.equal(
      (await call(a, 'PATCH', '/v1/archive_policy/short', { definition: definition(180) }))[0],
      200,
    );
    assert.equal((await call(b, 'POST', `/v1/metric/${id}/measures`, measures(10, 180)))[0], 202);
    const kept = await read(b);
    assert.deepEqual([kept.length, kept[0]], [180, ['2024-01-01T00:00:10+00:00', 1.0, 1.0]]);
    assert.equal((await read(a)).length, 180);
  });
});
