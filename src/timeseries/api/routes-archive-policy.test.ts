import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelope, startHarness, type Harness } from './harness.test-support.js';

const YEARS_RATE = {
  name: 'years_rate',
  back_window: 0,
  definition: [{ timespan: '365 days, 0:00:00', granularity: '1 day, 0:00:00', points: 365 }],
  aggregation_methods: ['sum'],
};

describe('archive policies', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('create → 201 + Location, normalised definition; read it back', async () => {
    const r = await h.request('POST', '/v1/archive_policy', {
      body: {
        name: 'years_rate',
        back_window: 0,
        definition: [{ granularity: '1 day', timespan: '365 days' }],
        aggregation_methods: ['sum'],
      },
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, 'http://localhost:80/v1/archive_policy/years_rate');
    assert.equal(
      r.body,
      '{"name": "years_rate", "back_window": 0, "definition": [{"timespan": "365 days, 0:00:00", "granularity": "1 day, 0:00:00", "points": 365}], "aggregation_methods": ["sum"]}',
    );
    const g = await h.request('GET', '/v1/archive_policy/years_rate');
    assert.equal(g.status, 200);
    assert.deepEqual(g.json(), YEARS_RATE);
  });

  test('duplicate → 409', async () => {
    const r = await h.request('POST', '/v1/archive_policy', {
      body: {
        name: 'years_rate',
        definition: [{ granularity: '1 day', timespan: '365 days' }],
        aggregation_methods: ['sum'],
      },
    });
    assert.equal(r.status, 409);
    assert.deepEqual(r.json(), envelope(409, 'Conflict', 'Archive policy years_rate already exists'));
  });

  test('unknown aggregation method → 400 Invalid input', async () => {
    const r = await h.request('POST', '/v1/archive_policy', {
      body: {
        name: 'bad_agg',
        definition: [{ granularity: '1 day', timespan: '365 days' }],
        aggregation_methods: ['summ'],
      },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "not a valid value @ data['aggregation_methods'][0]",
        detail: ['aggregation_methods', '0'],
      }),
    );
  });

  test("timespan '1 year' → 400 Unable to parse timespan", async () => {
    const r = await h.request('POST', '/v1/archive_policy', {
      body: {
        name: 'year_word',
        definition: [{ granularity: '1 day', timespan: '1 year' }],
        aggregation_methods: ['sum'],
      },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "Unable to parse timespan for dictionary value @ data['definition'][0]['timespan']",
        detail: ['definition', '0', 'timespan'],
      }),
    );
  });

  test('timespan not a multiple of granularity is rounded down', async () => {
    const r = await h.request('POST', '/v1/archive_policy', {
      body: {
        name: 'badgran',
        definition: [{ granularity: '7 hours', timespan: '1 day' }],
        aggregation_methods: ['sum'],
      },
    });
    assert.equal(r.status, 201);
    assert.deepEqual(r.json(), {
      name: 'badgran',
      back_window: 0,
      definition: [{ timespan: '21:00:00', granularity: '7:00:00', points: 3 }],
      aggregation_methods: ['sum'],
    });
  });

  test('granularity number + points, +/- methods', async () => {
    const r = await h.request('POST', '/v1/archive_policy', {
      body: {
        name: 'pts',
        definition: [{ granularity: 86400, points: 365 }],
        aggregation_methods: ['+sum', '-mean'],
      },
    });
    assert.equal(r.status, 201);
    const body = r.json() as { definition: unknown; aggregation_methods: string[] };
    assert.deepEqual(body.definition, [
      { timespan: '365 days, 0:00:00', granularity: '1 day, 0:00:00', points: 365 },
    ]);
    assert.deepEqual([...body.aggregation_methods].sort(), ['count', 'max', 'min', 'std', 'sum']);
  });

  test('list includes the defaults and the new ones', async () => {
    const r = await h.request('GET', '/v1/archive_policy');
    assert.equal(r.status, 200);
    const names = (r.json() as { name: string }[]).map((p) => p.name);
    for (const n of ['bool', 'low', 'medium', 'high', 'years_rate', 'badgran', 'pts'])
      assert.ok(names.includes(n), n);
  });

  test('non-admin may read but not create', async () => {
    assert.equal((await h.request('GET', '/v1/archive_policy/low', { user: 'bob' })).status, 200);
    const r = await h.request('POST', '/v1/archive_policy', {
      user: 'bob',
      body: { name: 'bobs', definition: [{ granularity: 60, points: 10 }] },
    });
    assert.equal(r.status, 403);
    assert.deepEqual(r.json(), envelope(403, 'Forbidden', ''));
  });

  test('unknown → 404', async () => {
    const r = await h.request('GET', '/v1/archive_policy/nope');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), envelope(404, 'Not Found', 'Archive policy nope does not exist'));
  });

  test('PATCH changes points of existing granularities only', async () => {
    const r = await h.request('PATCH', '/v1/archive_policy/badgran', {
      body: { definition: [{ granularity: '7 hours', points: 10 }] },
    });
    assert.equal(r.status, 200);
    assert.deepEqual((r.json() as { definition: unknown }).definition, [
      { timespan: '2 days, 22:00:00', granularity: '7:00:00', points: 10 },
    ]);
    const bad = await h.request('PATCH', '/v1/archive_policy/badgran', {
      body: { definition: [{ granularity: '1 hour', points: 10 }] },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.json(),
      envelope(
        400,
        'Bad Request',
        'Archive policy badgran does not support change: 25200.0 granularity interval was changed',
      ),
    );
  });

  test('DELETE: 204 unused, 404 unknown, 400 in use (also with Accept: application/json)', async () => {
    const d = await h.request('DELETE', '/v1/archive_policy/pts');
    assert.equal(d.status, 204);
    assert.equal(d.body, '');
    const again = await h.request('DELETE', '/v1/archive_policy/pts', { accept: 'application/json, */*' });
    assert.equal(again.status, 404);
    assert.deepEqual(again.json(), envelope(404, 'Not Found', 'Archive policy pts does not exist'));
    const m = await h.request('POST', '/v1/metric', { body: { archive_policy_name: 'years_rate' } });
    assert.equal(m.status, 201);
    const inUse = await h.request('DELETE', '/v1/archive_policy/years_rate');
    assert.equal(inUse.status, 400);
    assert.deepEqual(inUse.json(), envelope(400, 'Bad Request', 'Archive policy years_rate is still in use'));
  });
});
