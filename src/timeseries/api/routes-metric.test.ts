import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createYearsRate, envelope, type Harness, startHarness } from './harness.test-support.js';

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const YEARS_RATE_JSON = {
  name: 'years_rate',
  back_window: 0,
  definition: [{ timespan: '365 days, 0:00:00', granularity: '1 day, 0:00:00', points: 365 }],
  aggregation_methods: ['sum'],
};

describe('metrics', () => {
  let h: Harness;
  let lombardia: string;
  before(async () => {
    h = await startHarness();
    await createYearsRate(h);
  });
  after(async () => {
    await h.close();
  });

  test('create a standalone metric → 201 + Location, Gnocchi field order', async () => {
    const r = await h.request('POST', '/v1/metric', {
      body: { name: 'Lombardia', archive_policy_name: 'years_rate', unit: 'cases' },
    });
    assert.equal(r.status, 201);
    const body = r.json() as { id: string };
    lombardia = body.id;
    assert.match(lombardia, UUID_RE);
    assert.equal(r.headers.location, `http://localhost:80/v1/metric/${lombardia}`);
    assert.equal(
      r.body,
      `{"id": "${lombardia}", "creator": "admin", "name": "Lombardia", "unit": "cases", "resource_id": null, "archive_policy_name": "years_rate", "created_by_user_id": "admin", "created_by_project_id": ""}`,
    );
  });

  test('names of standalone metrics are not unique', async () => {
    const r = await h.request('POST', '/v1/metric', {
      body: { name: 'Lombardia', archive_policy_name: 'years_rate' },
    });
    assert.equal(r.status, 201);
    assert.notEqual((r.json() as { id: string }).id, lombardia);
    assert.equal((r.json() as { unit: null }).unit, null);
  });

  test('unknown archive policy → 400', async () => {
    const r = await h.request('POST', '/v1/metric', {
      body: { name: 'Lazio', archive_policy_name: 'no_such_policy' },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), envelope(400, 'Bad Request', 'Archive policy no_such_policy does not exist'));
  });

  test('no policy: the default rule gives low', async () => {
    const r = await h.request('POST', '/v1/metric', { body: { name: 'Lazio' } });
    assert.equal(r.status, 201);
    assert.equal((r.json() as { archive_policy_name: string }).archive_policy_name, 'low');
  });

  test("'/' in a name, long unit, extra keys, resource_id without name", async () => {
    const slash = await h.request('POST', '/v1/metric', {
      body: { name: 'a/b', archive_policy_name: 'years_rate' },
    });
    assert.equal(slash.status, 400);
    assert.deepEqual(slash.json(), envelope(400, 'Bad Request', "'/' is not supported in metric name"));
    const unit = await h.request('POST', '/v1/metric', {
      body: { archive_policy_name: 'low', unit: 'x'.repeat(32) },
    });
    assert.equal(unit.status, 400);
    assert.deepEqual(
      unit.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "length of value must be at most 31 for dictionary value @ data['unit']",
        detail: ['unit'],
      }),
    );
    const extra = await h.request('POST', '/v1/metric', {
      body: { archive_policy_name: 'low', color: 'red' },
    });
    assert.deepEqual(
      extra.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "extra keys not allowed @ data['color']",
        detail: ['color'],
      }),
    );
    const noName = await h.request('POST', '/v1/metric', {
      body: { archive_policy_name: 'low', resource_id: 'r1' },
    });
    assert.equal(noName.status, 400);
    assert.deepEqual(
      noName.json(),
      envelope(400, 'Bad Request', {
        cause: 'Attribute value error',
        detail: 'name',
        reason: 'Name cannot be null if resource_id is not null',
      }),
    );
  });

  test('show expands archive_policy and resource', async () => {
    const r = await h.request('GET', `/v1/metric/${lombardia}`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), {
      id: lombardia,
      creator: 'admin',
      name: 'Lombardia',
      unit: 'cases',
      resource: null,
      archive_policy: YEARS_RATE_JSON,
      created_by_user_id: 'admin',
      created_by_project_id: '',
    });
    assert.deepEqual(Object.keys(r.json() as object), [
      'id',
      'creator',
      'name',
      'unit',
      'resource',
      'archive_policy',
      'created_by_user_id',
      'created_by_project_id',
    ]);
  });

  test('unknown or malformed id → 404', async () => {
    const unknown = await h.request('GET', '/v1/metric/00000000-0000-0000-0000-000000000000');
    assert.equal(unknown.status, 404);
    assert.deepEqual(
      unknown.json(),
      envelope(404, 'Not Found', 'Metric 00000000-0000-0000-0000-000000000000 does not exist'),
    );
    const bad = await h.request('GET', '/v1/metric/not-a-uuid');
    assert.deepEqual(bad.json(), envelope(404, 'Not Found', 'Metric not-a-uuid does not exist'));
  });

  test('list: filters, pagination with Link, sort, visibility', async () => {
    const all = await h.request('GET', '/v1/metric');
    assert.equal(all.status, 200);
    const metrics = all.json() as { id: string; archive_policy: { name: string }; resource_id: null }[];
    assert.ok(metrics.length >= 3);
    assert.deepEqual(
      metrics.map((m) => m.id),
      metrics.map((m) => m.id).sort(),
    );
    assert.ok('archive_policy' in (metrics[0] ?? {}) && 'resource_id' in (metrics[0] ?? {}));
    const byName = await h.request('GET', '/v1/metric?name=Lombardia');
    assert.equal((byName.json() as unknown[]).length, 2);
    const page = await h.request('GET', '/v1/metric?limit=1');
    const first = (page.json() as { id: string }[])[0]?.id ?? '';
    assert.equal(
      page.headers.link,
      `<http://localhost:80/v1/metric?limit=1&marker=${first}&sort=id%3Aasc>; rel="next"`,
    );
    const next = await h.request('GET', `/v1/metric?limit=1&marker=${first}`);
    assert.equal((next.json() as { id: string }[])[0]?.id, metrics[1]?.id);
    const desc = await h.request('GET', '/v1/metric?sort=id:desc');
    assert.equal((desc.json() as { id: string }[])[0]?.id, metrics.at(-1)?.id);
    const badSort = await h.request('GET', '/v1/metric?sort=color:asc');
    assert.equal(badSort.status, 400);
    assert.deepEqual(
      badSort.json(),
      envelope(400, 'Bad Request', "Invalid pagination: `Sort key supplied is invalid: color'"),
    );
    const badMarker = await h.request('GET', '/v1/metric?marker=nope');
    assert.deepEqual(
      badMarker.json(),
      envelope(400, 'Bad Request', "Invalid pagination: `Invalid marker: `nope''"),
    );
    const badLimit = await h.request('GET', '/v1/metric?limit=abc');
    assert.equal(badLimit.status, 400);
    assert.equal(
      (badLimit.json() as { description: { cause: string } }).description.cause,
      'Argument value error',
    );
    const bob = await h.request('GET', '/v1/metric', { user: 'bob' });
    assert.deepEqual(bob.json(), []);
  });

  test('another user cannot read or delete; delete → 204 then 404', async () => {
    const created = await h.request('POST', '/v1/metric', { body: { archive_policy_name: 'low' } });
    const id = (created.json() as { id: string }).id;
    const bobGet = await h.request('GET', `/v1/metric/${id}`, { user: 'bob' });
    assert.equal(bobGet.status, 403);
    assert.deepEqual(bobGet.json(), envelope(403, 'Forbidden', ''));
    assert.equal((await h.request('DELETE', `/v1/metric/${id}`, { user: 'bob' })).status, 403);
    const del = await h.request('DELETE', `/v1/metric/${id}`);
    assert.equal(del.status, 204);
    assert.equal(del.body, '');
    const gone = await h.request('GET', `/v1/metric/${id}`);
    assert.deepEqual(gone.json(), envelope(404, 'Not Found', `Metric ${id} does not exist`));
    const again = await h.request('DELETE', `/v1/metric/${id}`);
    assert.equal(again.status, 404);
  });

  test('a user sees its own metrics', async () => {
    const created = await h.request('POST', '/v1/metric', {
      user: 'bob',
      body: { archive_policy_name: 'low', name: 'b' },
    });
    assert.equal(created.status, 201);
    const body = created.json() as { id: string; creator: string; created_by_user_id: string };
    assert.equal(body.creator, 'bob');
    assert.equal(body.created_by_user_id, 'bob');
    assert.equal((await h.request('GET', `/v1/metric/${body.id}`, { user: 'bob' })).status, 200);
    assert.deepEqual(
      ((await h.request('GET', '/v1/metric', { user: 'bob' })).json() as { id: string }[]).map((m) => m.id),
      [body.id],
    );
  });
});
