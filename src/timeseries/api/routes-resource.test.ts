import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { resourceUuid } from './ids.js';
import { createYearsRate, envelope, type Harness, startHarness } from './harness.test-support.js';

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{6})?\+00:00$/;

describe('resource ids', () => {
  test('non-UUID ids map to Gnocchi UUID5 per creator (transcript values)', () => {
    assert.equal(resourceUuid('italia-151458', 'admin'), '3bc01b32-3ed3-50c2-84f0-6e46176b0b8a');
    assert.equal(resourceUuid('cli-151458', 'admin'), 'af91f553-c005-56a0-a962-6ca0949f661a');
    assert.notEqual(resourceUuid('cli-151458', 'bob'), resourceUuid('cli-151458', 'admin'));
    assert.equal(
      resourceUuid('3BC01B32-3ED3-50C2-84F0-6E46176B0B8A', 'x'),
      '3bc01b32-3ed3-50c2-84f0-6e46176b0b8a',
    );
    assert.throws(() => resourceUuid('a/b', 'admin'), /'\/' is not supported in resource id/);
  });
});

describe('resources', () => {
  let h: Harness;
  const italia = '3bc01b32-3ed3-50c2-84f0-6e46176b0b8a';
  before(async () => {
    h = await startHarness();
    await createYearsRate(h);
    await h.request('POST', '/v1/resource_type', {
      body: {
        name: 'region',
        attributes: {
          code: { type: 'string', max_length: 2 },
          population: { type: 'number', required: false, min: 0 },
          island: { type: 'bool', required: false },
        },
      },
    });
  });
  after(async () => {
    await h.close();
  });

  test('create generic with named metrics: UUID5 id, original_resource_id, 201 + Location + ETag', async () => {
    const r = await h.request('POST', '/v1/resource/generic', {
      body: {
        id: 'italia-151458',
        metrics: {
          Lazio: { archive_policy_name: 'years_rate' },
          Lombardia: { archive_policy_name: 'years_rate' },
        },
      },
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, `http://localhost:80/v1/resource/generic/${italia}`);
    assert.match(String(r.headers.etag), /^"[0-9a-f]{40}"$/);
    const body = r.json() as Record<string, unknown> & { metrics: Record<string, string> };
    assert.deepEqual(Object.keys(body), [
      'creator',
      'started_at',
      'revision_start',
      'ended_at',
      'user_id',
      'project_id',
      'original_resource_id',
      'id',
      'type',
      'revision_end',
      'metrics',
      'created_by_user_id',
      'created_by_project_id',
    ]);
    assert.equal(body.id, italia);
    assert.equal(body.original_resource_id, 'italia-151458');
    assert.equal(body.type, 'generic');
    assert.equal(body.creator, 'admin');
    assert.equal(body.created_by_project_id, '');
    assert.equal(body.ended_at, null);
    assert.equal(body.user_id, null);
    assert.match(String(body.started_at), ISO_RE);
    assert.deepEqual(Object.keys(body.metrics), ['Lazio', 'Lombardia']);
    const metric = await h.request('GET', `/v1/metric/${body.metrics.Lazio}`);
    const m = metric.json() as { name: string; resource: { id: string } };
    assert.equal(m.name, 'Lazio');
    assert.equal(m.resource.id, italia);
  });

  test('duplicate resource → 409; duplicate named metric → 409 (resource) / 400 (metric API)', async () => {
    const dup = await h.request('POST', '/v1/resource/generic', { body: { id: 'italia-151458' } });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json(), envelope(409, 'Conflict', `Resource ${italia} already exists`));
    const named = await h.request('POST', '/v1/resource/generic/italia-151458/metric', {
      body: { Lazio: { archive_policy_name: 'years_rate' } },
    });
    assert.equal(named.status, 409);
    assert.deepEqual(named.json(), envelope(409, 'Conflict', 'Named metric Lazio already exists'));
    const viaMetric = await h.request('POST', '/v1/metric', {
      body: { name: 'Lazio', resource_id: 'italia-151458', archive_policy_name: 'years_rate' },
    });
    assert.equal(viaMetric.status, 400);
    assert.deepEqual(
      viaMetric.json(),
      envelope(400, 'Bad Request', { cause: 'Named metric already exists', detail: 'Lazio' }),
    );
  });

  test('named metrics: add, list, show, measures, delete', async () => {
    const add = await h.request('POST', '/v1/resource/generic/italia-151458/metric/', {
      body: { Veneto: { archive_policy_name: 'years_rate' } },
    });
    assert.equal(add.status, 200);
    const added = add.json() as { name: string; resource_id: string; archive_policy: { name: string } }[];
    assert.equal(added[0]?.name, 'Veneto');
    assert.equal(added[0]?.resource_id, italia);
    const viaMetric = await h.request('POST', '/v1/metric', {
      body: { name: 'Puglia', resource_id: 'italia-151458', archive_policy_name: 'years_rate' },
    });
    assert.equal(viaMetric.status, 201);
    assert.equal((viaMetric.json() as { resource_id: string }).resource_id, italia);
    const list = await h.request('GET', '/v1/resource/generic/italia-151458/metric');
    assert.deepEqual(
      (list.json() as { name: string }[]).map((m) => m.name),
      ['Lazio', 'Lombardia', 'Puglia', 'Veneto'],
    );
    const show = await h.request('GET', `/v1/resource/generic/${italia}/metric/Veneto`);
    assert.equal(show.status, 200);
    assert.equal((show.json() as { archive_policy: { name: string } }).archive_policy.name, 'years_rate');
    const push = await h.request('POST', '/v1/resource/generic/italia-151458/metric/Veneto/measures', {
      body: [{ timestamp: '2024-01-01', value: 3 }],
    });
    assert.equal(push.status, 202);
    const read = await h.request(
      'GET',
      '/v1/resource/generic/italia-151458/metric/Veneto/measures?aggregation=sum&granularity=86400',
    );
    assert.deepEqual(read.json(), [['2024-01-01T00:00:00+00:00', 86400, 3]]);
    const missing = await h.request('GET', '/v1/resource/generic/italia-151458/metric/Nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), envelope(404, 'Not Found', 'Metric Nope does not exist'));
    assert.equal((await h.request('DELETE', '/v1/resource/generic/italia-151458/metric/Veneto')).status, 204);
    const after = await h.request('GET', `/v1/resource/generic/${italia}`);
    assert.ok(!('Veneto' in (after.json() as { metrics: Record<string, string> }).metrics));
  });

  test('metric names with spaces and apostrophes (URL-encoded)', async () => {
    await h.request('POST', '/v1/resource/generic/italia-151458/metric', {
      body: { "Valle d'Aosta": { archive_policy_name: 'years_rate' } },
    });
    const r = await h.request(
      'GET',
      "/v1/resource/generic/italia-151458/metric/Valle%20d'Aosta/measures?aggregation=sum",
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), []);
  });

  test("metric names that are Object.prototype's keys are names like any other", async () => {
    const names = ['toString', 'constructor', '__proto__'];
    const created = await h.request('POST', '/v1/resource/generic', {
      raw: `{"id": "proto-names", "metrics": {"toString": {"archive_policy_name": "years_rate"}}}`,
    });
    assert.equal(created.status, 201, created.body);
    const more = await h.request('POST', '/v1/resource/generic/proto-names/metric', {
      raw: `{"constructor": {"archive_policy_name": "years_rate"}, "__proto__": {"archive_policy_name": "years_rate"}}`,
    });
    assert.equal(more.status, 200, more.body);
    const again = await h.request('POST', '/v1/resource/generic/proto-names/metric', {
      raw: `{"__proto__": {"archive_policy_name": "years_rate"}}`,
    });
    assert.equal(again.status, 409, again.body);
    assert.deepEqual(again.json(), envelope(409, 'Conflict', 'Named metric __proto__ already exists'));
    const shown = await h.request('GET', '/v1/resource/generic/proto-names');
    assert.deepEqual(Object.keys((shown.json() as { metrics: object }).metrics).sort(), [...names].sort());
    for (const [i, name] of names.entries()) {
      const push = await h.request('POST', `/v1/resource/generic/proto-names/metric/${name}/measures`, {
        body: [{ timestamp: '2024-01-01', value: i }],
      });
      assert.equal(push.status, 202, `${name}: ${push.body}`);
      const read = await h.request(
        'GET',
        `/v1/resource/generic/proto-names/metric/${name}/measures?aggregation=sum&granularity=86400`,
      );
      assert.deepEqual(read.json(), [['2024-01-01T00:00:00+00:00', 86400, i]]);
    }
    for (const name of ['valueOf', 'hasOwnProperty']) {
      const missing = await h.request('GET', `/v1/resource/generic/proto-names/metric/${name}`);
      assert.equal(missing.status, 404);
      assert.deepEqual(missing.json(), envelope(404, 'Not Found', `Metric ${name} does not exist`));
    }
    assert.equal((await h.request('DELETE', '/v1/resource/generic/proto-names')).status, 204);
  });

  test("attributes named after Object.prototype's keys are extra keys of a generic resource", async () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      const r = await h.request('POST', '/v1/resource/generic', {
        raw: `{"id": "x-${name}", "${name}": "v"}`,
      });
      assert.equal(r.status, 400, `${name}: ${r.body}`);
      assert.deepEqual(
        r.json(),
        envelope(400, 'Bad Request', {
          cause: 'Invalid input',
          reason: `extra keys not allowed @ data['${name}']`,
          detail: [name],
        }),
      );
    }
  });

  test('show by original id or UUID; unknown → 404; other user → 404 (its own UUID5)', async () => {
    const byOriginal = await h.request('GET', '/v1/resource/generic/italia-151458');
    assert.equal(byOriginal.status, 200);
    const byUuid = await h.request('GET', `/v1/resource/generic/${italia}`);
    assert.deepEqual(byUuid.json(), byOriginal.json());
    const missing = await h.request('GET', '/v1/resource/generic/nowhere');
    assert.equal(missing.status, 404);
    assert.deepEqual(
      missing.json(),
      envelope(404, 'Not Found', `Resource ${resourceUuid('nowhere', 'admin')} does not exist`),
    );
    assert.equal((await h.request('GET', '/v1/resource/generic/italia-151458', { user: 'bob' })).status, 404);
    assert.equal((await h.request('GET', `/v1/resource/generic/${italia}`, { user: 'bob' })).status, 403);
    const badType = await h.request('GET', '/v1/resource/nope/italia-151458');
    assert.deepEqual(badType.json(), envelope(404, 'Not Found', 'Resource type nope does not exist'));
  });

  test('ETag preconditions: If-None-Match → 304, If-Match mismatch → 412', async () => {
    const r = await h.request('GET', `/v1/resource/generic/${italia}`);
    const etag = String(r.headers.etag);
    const notModified = await h.request('GET', `/v1/resource/generic/${italia}`, {
      headers: { 'if-none-match': etag },
    });
    assert.equal(notModified.status, 304);
    const failed = await h.request('PATCH', `/v1/resource/generic/${italia}`, {
      body: { user_id: 'u' },
      headers: { 'if-match': '"0000"' },
    });
    assert.equal(failed.status, 412);
  });

  test('custom type: attribute validation, required attributes, attributes in the JSON', async () => {
    const ok = await h.request('POST', '/v1/resource/region', {
      body: {
        id: 'lazio',
        code: 'LZ',
        population: 5.7,
        island: false,
        user_id: 'u1',
        started_at: '2024-01-01T00:00:00',
      },
    });
    assert.equal(ok.status, 201);
    const body = ok.json() as Record<string, unknown>;
    assert.equal(body.code, 'LZ');
    assert.equal(body.population, 5.7);
    assert.equal(body.island, false);
    assert.equal(body.started_at, '2024-01-01T00:00:00+00:00');
    assert.deepEqual(Object.keys(body).slice(9, 14), [
      'revision_end',
      'code',
      'population',
      'island',
      'metrics',
    ]);
    const missing = await h.request('POST', '/v1/resource/region', { body: { id: 'x' } });
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "required key not provided @ data['code']",
        detail: ['code'],
      }),
    );
    const tooLong = await h.request('POST', '/v1/resource/region', { body: { id: 'x', code: 'ABC' } });
    assert.deepEqual(
      tooLong.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "length of value must be at most 2 for dictionary value @ data['code']",
        detail: ['code'],
      }),
    );
    const negative = await h.request('POST', '/v1/resource/region', {
      body: { id: 'x', code: 'AB', population: -1 },
    });
    assert.equal(
      (negative.json() as { description: { reason: string } }).description.reason,
      "value must be at least 0 for dictionary value @ data['population']",
    );
    const wrongType = await h.request('POST', '/v1/resource/region', {
      body: { id: 'x', code: 'AB', island: 'yes' },
    });
    assert.equal(
      (wrongType.json() as { description: { reason: string } }).description.reason,
      "expected bool for dictionary value @ data['island']",
    );
    const extra = await h.request('POST', '/v1/resource/region', {
      body: { id: 'x', code: 'AB', color: 'red' },
    });
    assert.equal(
      (extra.json() as { description: { reason: string } }).description.reason,
      "extra keys not allowed @ data['color']",
    );
    const ended = await h.request('POST', '/v1/resource/generic', {
      body: { id: 'e', started_at: '2024-01-02', ended_at: '2024-01-01' },
    });
    assert.deepEqual(
      ended.json(),
      envelope(400, 'Bad Request', 'Start timestamp cannot be after end timestamp'),
    );
    const slash = await h.request('POST', '/v1/resource/generic', { body: { id: 'a/b' } });
    assert.equal(slash.status, 400);
    const generic = await h.request('GET', `/v1/resource/generic/lazio`);
    assert.ok(!('code' in (generic.json() as object)));
    const typed = await h.request('GET', `/v1/resource/region/lazio`);
    assert.equal((typed.json() as { code: string }).code, 'LZ');
    const wrongTypePath = await h.request('GET', `/v1/resource/region/italia-151458`);
    assert.equal(wrongTypePath.status, 404);
  });

  test('PATCH changes attributes and bumps revision_start; metrics may be added', async () => {
    const before = (await h.request('GET', '/v1/resource/region/lazio')).json() as { revision_start: string };
    const r = await h.request('PATCH', '/v1/resource/region/lazio', {
      body: {
        population: 6,
        ended_at: '2025-01-01T00:00:00',
        metrics: { cases: { archive_policy_name: 'years_rate' } },
      },
    });
    assert.equal(r.status, 200);
    const body = r.json() as {
      population: number;
      ended_at: string;
      revision_start: string;
      metrics: object;
    };
    assert.equal(body.population, 6);
    assert.equal(body.ended_at, '2025-01-01T00:00:00+00:00');
    assert.notEqual(body.revision_start, before.revision_start);
    assert.deepEqual(Object.keys(body.metrics), ['cases']);
    const id = await h.request('PATCH', '/v1/resource/region/lazio', { body: { id: 'other' } });
    assert.equal(id.status, 400);
    const bad = await h.request('PATCH', '/v1/resource/region/lazio', { body: { code: 'TOOLONG' } });
    assert.equal(bad.status, 400);
    const history = (await h.request('GET', '/v1/resource/region/lazio/history')).json() as {
      population: number | null;
      revision_start: string;
      revision_end: string | null;
    }[];
    assert.deepEqual(
      history.map((r) => [r.population, r.revision_start, r.revision_end]),
      [
        [5.7, before.revision_start, body.revision_start],
        [6, body.revision_start, null],
      ],
    );
  });

  test('list: generic shows everything, details adds attributes, pagination', async () => {
    const list = await h.request('GET', '/v1/resource/generic');
    const resources = list.json() as Record<string, unknown>[];
    assert.equal(resources.length, 2);
    assert.ok(!('code' in (resources.find((r) => r.type === 'region') ?? {})));
    const details = await h.request('GET', '/v1/resource/generic?details=true');
    assert.equal((details.json() as Record<string, unknown>[]).find((r) => r.type === 'region')?.code, 'LZ');
    const typed = await h.request('GET', '/v1/resource/region');
    assert.equal((typed.json() as unknown[]).length, 1);
    const page = await h.request('GET', '/v1/resource/generic?limit=1');
    assert.equal((page.json() as unknown[]).length, 1);
    assert.match(String(page.headers.link), /rel="next"$/);
    assert.match(String(page.headers.link), /sort=revision_start%3Aasc&sort=started_at%3Aasc/);
    assert.deepEqual((await h.request('GET', '/v1/resource/generic', { user: 'bob' })).json(), []);
    const types = await h.request('GET', '/v1/resource');
    assert.deepEqual(types.json(), {
      generic: 'http://localhost:80/v1/resource/generic',
      region: 'http://localhost:80/v1/resource/region',
    });
  });

  test('batch delete by filter; empty filter refused', async () => {
    const empty = await h.request('DELETE', '/v1/resource/region');
    assert.equal(empty.status, 400);
    const r = await h.request('DELETE', '/v1/resource/region', { body: { '=': { code: 'LZ' } } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { deleted: 1 });
  });

  test('delete removes the resource and its metrics', async () => {
    const metrics = (
      (await h.request('GET', `/v1/resource/generic/${italia}`)).json() as { metrics: Record<string, string> }
    ).metrics;
    assert.equal((await h.request('DELETE', `/v1/resource/generic/${italia}`, { user: 'bob' })).status, 403);
    assert.equal((await h.request('DELETE', `/v1/resource/generic/${italia}`)).status, 204);
    assert.equal((await h.request('GET', `/v1/resource/generic/${italia}`)).status, 404);
    assert.equal((await h.request('GET', `/v1/metric/${metrics.Lazio}`)).status, 404);
    assert.equal((await h.request('DELETE', `/v1/resource/generic/${italia}`)).status, 404);
  });
});
