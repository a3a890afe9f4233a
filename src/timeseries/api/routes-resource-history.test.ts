import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createYearsRate, envelope, type Harness, startHarness } from './harness.test-support.js';

const R1 = '11111111-1111-1111-1111-111111111111';
const R2 = '22222222-2222-2222-2222-222222222222';

interface Shown {
  id: string;
  user_id: string | null;
  revision_start: string;
  revision_end: string | null;
  metrics: Record<string, string>;
}

describe('resource history and metric maps', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
    await createYearsRate(h);
    for (const id of [R1, R2]) {
      const r = await h.request('POST', '/v1/resource/generic', {
        body: { id, metrics: { cpu: { archive_policy_name: 'years_rate' } } },
      });
      assert.equal(r.status, 201);
    }
  });
  after(async () => {
    await h.close();
  });

  const get = async (url: string): Promise<Shown> => (await h.request('GET', url)).json() as Shown;

  test('a change keeps the previous revision; metrics only, or nothing changed, keep none', async () => {
    const first = await get(`/v1/resource/generic/${R1}`);
    const patched = (
      await h.request('PATCH', `/v1/resource/generic/${R1}`, { body: { user_id: 'u1' } })
    ).json() as Shown;
    assert.equal(
      (await h.request('PATCH', `/v1/resource/generic/${R1}`, { body: { user_id: 'u1' } })).status,
      200,
    );
    const withMetric = await h.request('PATCH', `/v1/resource/generic/${R1}`, {
      body: { metrics: { cpu: first.metrics.cpu, mem: { archive_policy_name: 'years_rate' } } },
    });
    assert.equal(withMetric.status, 200);
    assert.equal((withMetric.json() as Shown).revision_start, patched.revision_start);
    const history = (await h.request('GET', `/v1/resource/generic/${R1}/history`)).json() as Shown[];
    assert.deepEqual(
      history.map((r) => [r.user_id, r.revision_start, r.revision_end]),
      [
        [null, first.revision_start, patched.revision_start],
        ['u1', patched.revision_start, null],
      ],
    );
    // Past revisions show the metrics the resource has now.
    assert.deepEqual(Object.keys(history[0]?.metrics ?? {}).sort(), ['cpu', 'mem']);
  });

  test('?history=true lists past revisions; pages of it have <id>@<revision> markers', async () => {
    await h.request('PATCH', `/v1/resource/generic/${R2}`, { body: { user_id: 'u2' } });
    const all = (await h.request('GET', '/v1/resource/generic?history=true&sort=id:asc')).json() as Shown[];
    assert.deepEqual(
      all.map((r) => [r.id, r.user_id]),
      [
        [R1, 'u1'],
        [R1, null],
        [R2, 'u2'],
        [R2, null],
      ].sort((a, b) => (a[0] === b[0] ? 0 : a[0]! < b[0]! ? -1 : 1)),
    );
    // Ties broken by id then revision: the current revision (-1) comes first, then revisions 1 and 2.
    const page = await h.request('GET', '/v1/resource/generic?history=true&sort=id:asc&limit=2');
    assert.equal(
      page.headers.link,
      `<http://localhost:80/v1/resource/generic?history=true&limit=2&marker=${R1}%401&sort=id%3Aasc>; rel="next"`,
    );
    const next = await h.request(
      'GET',
      `/v1/resource/generic?history=true&sort=id:asc&limit=2&marker=${R1}@1`,
    );
    assert.deepEqual(
      (next.json() as Shown[]).map((r) => [r.id, r.user_id]),
      [
        [R2, 'u2'],
        [R2, null],
      ],
    );
    assert.equal(
      next.headers.link,
      `<http://localhost:80/v1/resource/generic?history=true&limit=2&marker=${R2}%402&sort=id%3Aasc>; rel="next"`,
    );
    const bad = await h.request('GET', `/v1/resource/generic?history=true&marker=${R1}`);
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.json(),
      envelope(400, 'Bad Request', `Invalid pagination: \`Invalid marker: \`${R1}''`),
    );
    const without = (await h.request('GET', '/v1/resource/generic')).json() as Shown[];
    assert.equal(without.length, 2);
  });

  test('a search with history=true matches past revisions too', async () => {
    const search = async (qs: string): Promise<[string, string | null][]> =>
      (
        (
          await h.request('POST', `/v1/search/resource/generic${qs}`, { body: { '=': { id: R2 } } })
        ).json() as Shown[]
      ).map((r) => [r.id, r.user_id]);
    assert.deepEqual(await search('?history=true&sort=revision_start:asc'), [
      [R2, null],
      [R2, 'u2'],
    ]);
    assert.deepEqual(await search(''), [[R2, 'u2']]);
  });

  test('metrics in a PATCH replace the map: others are detached, ids attached under new names', async () => {
    const r2 = await get(`/v1/resource/generic/${R2}`);
    const r1 = await get(`/v1/resource/generic/${R1}`);
    const r = await h.request('PATCH', `/v1/resource/generic/${R2}`, {
      body: { metrics: { load: r1.metrics.mem } },
    });
    assert.equal(r.status, 200);
    assert.deepEqual((r.json() as Shown).metrics, { load: r1.metrics.mem });
    const detached = (await h.request('GET', `/v1/metric/${r2.metrics.cpu}`)).json() as {
      resource: unknown;
      name: string;
    };
    assert.deepEqual([detached.resource, detached.name], [null, 'cpu']);
    const moved = (await h.request('GET', `/v1/metric/${r1.metrics.mem}`)).json() as {
      resource: { id: string };
      name: string;
    };
    assert.deepEqual([moved.resource.id, moved.name], [R2, 'load']);
    assert.deepEqual((await get(`/v1/resource/generic/${R1}`)).metrics, { cpu: r1.metrics.cpu });
  });

  test('unknown metrics, metrics of another creator or unknown policies change nothing', async () => {
    const before = await get(`/v1/resource/generic/${R1}`);
    const missing = '33333333-3333-3333-3333-333333333333';
    const cases: [unknown, string][] = [
      [{ x: missing }, `Metric ${missing} does not exist`],
      [{ cpu: { archive_policy_name: 'noexist' } }, 'Archive policy noexist does not exist'],
    ];
    for (const [metrics, reason] of cases) {
      const r = await h.request('PATCH', `/v1/resource/generic/${R1}`, { body: { user_id: 'zz', metrics } });
      assert.equal(r.status, 400);
      assert.deepEqual(r.json(), envelope(400, 'Bad Request', reason));
    }
    const bobs = await h.request('POST', '/v1/metric', {
      user: 'bob',
      body: { archive_policy_name: 'years_rate' },
    });
    const bobId = (bobs.json() as { id: string }).id;
    const r = await h.request('PATCH', `/v1/resource/generic/${R1}`, { body: { metrics: { b: bobId } } });
    assert.deepEqual(r.json(), envelope(400, 'Bad Request', `Metric ${bobId} does not exist`));
    assert.deepEqual(await get(`/v1/resource/generic/${R1}`), before);
  });

  test('metric definitions are checked before the required id of a new resource', async () => {
    const r = await h.request('POST', '/v1/resource/generic', {
      body: { metrics: { 'disk/iops': { archive_policy_name: 'years_rate' } } },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), envelope(400, 'Bad Request', "'/' is not supported in metric name"));
  });
});
