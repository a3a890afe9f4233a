import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { uuid5, RESOURCE_ID_NAMESPACE } from './ids.js';
import { createYearsRate, day, envelope, type Harness, startHarness } from './harness.test-support.js';

describe('batch measures', () => {
  let h: Harness;
  let a: string;
  let b: string;
  const rid = uuid5(RESOURCE_ID_NAMESPACE, 'italia\u0000admin');
  before(async () => {
    h = await startHarness();
    await createYearsRate(h);
    const r = await h.request('POST', '/v1/resource/generic', {
      body: {
        id: 'italia',
        metrics: {
          Lazio: { archive_policy_name: 'years_rate' },
          Lombardia: { archive_policy_name: 'years_rate' },
        },
      },
    });
    const metrics = (r.json() as { metrics: Record<string, string> }).metrics;
    a = metrics.Lazio ?? '';
    b = metrics.Lombardia ?? '';
  });
  after(async () => {
    await h.close();
  });

  const read = async (id: string): Promise<unknown> =>
    (await h.request('GET', `/v1/metric/${id}/measures?aggregation=sum&granularity=86400`)).json();

  test('by metric id → 202', async () => {
    const r = await h.request('POST', '/v1/batch/metrics/measures', {
      body: { [a]: [{ timestamp: day(1), value: 100 }], [b]: [{ timestamp: day(1), value: 200 }] },
    });
    assert.equal(r.status, 202);
    assert.equal(r.body, '');
    assert.deepEqual(await read(a), [['2024-01-01T00:00:00+00:00', 86400, 100]]);
    assert.deepEqual(await read(b), [['2024-01-01T00:00:00+00:00', 86400, 200]]);
  });

  test('unknown metric id → 400, nothing written', async () => {
    const r = await h.request('POST', '/v1/batch/metrics/measures', {
      body: {
        [a]: [{ timestamp: day(2), value: 1 }],
        '00000000-0000-0000-0000-000000000000': [{ timestamp: day(1), value: 1 }],
      },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json(),
      envelope(400, 'Bad Request', 'Unknown metrics: 00000000-0000-0000-0000-000000000000'),
    );
    assert.equal(((await read(a)) as unknown[]).length, 1);
  });

  test('1001 unknown metrics: the first 1000 listed and the count, on both routes', async () => {
    const ids = Array.from(
      { length: 1001 },
      (_, i) => `00000000-0000-0000-0000-${String(i).padStart(12, '0')}`,
    );
    const byId = await h.request('POST', '/v1/batch/metrics/measures', {
      body: Object.fromEntries([...ids].reverse().map((id) => [id, []])),
    });
    assert.equal(byId.status, 400);
    const listed = `${ids.slice(0, 1000).join(', ')}, ... (1001 in all, the first 1000 listed)`;
    assert.deepEqual(byId.json(), envelope(400, 'Bad Request', `Unknown metrics: ${listed}`));
    const names = ids.map((_, i) => `m${String(i).padStart(4, '0')}`);
    const byName = await h.request('POST', '/v1/batch/resources/metrics/measures', {
      body: { italia: Object.fromEntries(names.map((n) => [n, []])) },
    });
    const named = `${names
      .slice(0, 1000)
      .map((n) => `${rid}/${n}`)
      .join(', ')}, ... (1001 in all, the first 1000 listed)`;
    assert.deepEqual(byName.json(), envelope(400, 'Bad Request', `Unknown metrics: ${named}`));
  });

  test('bad timestamp names the metric key', async () => {
    const r = await h.request('POST', '/v1/batch/metrics/measures', {
      body: { [a]: [{ timestamp: 'yesterday-ish', value: 1 }] },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: `unexpected timestamp 'Unable to convert timestamps' for dictionary value @ data['${a}']`,
        detail: [a],
      }),
    );
  });

  test('non-UUID key → 400 extra keys', async () => {
    const r = await h.request('POST', '/v1/batch/metrics/measures', { body: { nope: [] } });
    assert.deepEqual(
      r.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "extra keys not allowed @ data['nope']",
        detail: ['nope'],
      }),
    );
  });

  test('by resource and metric name (original id mapped) → 202', async () => {
    const r = await h.request('POST', '/v1/batch/resources/metrics/measures', {
      body: {
        italia: {
          Lazio: [{ timestamp: day(2), value: 110 }],
          Lombardia: { measures: [{ timestamp: day(2), value: 210 }] },
        },
      },
    });
    assert.equal(r.status, 202);
    assert.equal(((await read(a)) as unknown[]).length, 2);
    assert.deepEqual(((await read(b)) as unknown[])[1], ['2024-01-02T00:00:00+00:00', 86400, 210]);
  });

  test('unknown metric name → 400 Unknown metrics: <uuid>/<name>', async () => {
    const r = await h.request('POST', '/v1/batch/resources/metrics/measures', {
      body: { italia: { NoSuchRegion: [{ timestamp: day(1), value: 1 }] } },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(r.json(), envelope(400, 'Bad Request', `Unknown metrics: ${rid}/NoSuchRegion`));
  });

  test("metric names that are Object.prototype's keys are unknown metrics, not a crash", async () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      const r = await h.request('POST', '/v1/batch/resources/metrics/measures', {
        raw: `{"italia": {"${name}": [{"timestamp": "${day(1)}", "value": 1}]}}`,
      });
      assert.equal(r.status, 400, `${name}: ${r.body}`);
      assert.deepEqual(r.json(), envelope(400, 'Bad Request', `Unknown metrics: ${rid}/${name}`));
    }
  });

  test('create_metrics=true creates the named metric', async () => {
    const r = await h.request('POST', '/v1/batch/resources/metrics/measures?create_metrics=true', {
      body: {
        italia: {
          NuovaRegione: { archive_policy_name: 'years_rate', measures: [{ timestamp: day(1), value: 7 }] },
        },
      },
    });
    assert.equal(r.status, 202);
    const m = await h.request(
      'GET',
      '/v1/resource/generic/italia/metric/NuovaRegione/measures?aggregation=sum',
    );
    assert.deepEqual(m.json(), [['2024-01-01T00:00:00+00:00', 86400, 7]]);
    const withRule = await h.request('POST', '/v1/batch/resources/metrics/measures?create_metrics=True', {
      body: { italia: { Ruled: [] } },
    });
    assert.equal(withRule.status, 202);
    const metric = await h.request('GET', '/v1/resource/generic/italia/metric/Ruled');
    assert.equal((metric.json() as { archive_policy: { name: string } }).archive_policy.name, 'low');
  });

  test('create_metrics on an unknown resource → 400 Unknown resources', async () => {
    const r = await h.request('POST', '/v1/batch/resources/metrics/measures?create_metrics=true', {
      body: { nowhere: { x: [{ timestamp: day(1), value: 1 }] } },
    });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json(),
      envelope(400, 'Bad Request', {
        cause: 'Unknown resources',
        detail: [
          {
            resource_id: uuid5(RESOURCE_ID_NAMESPACE, 'nowhere\u0000admin'),
            original_resource_id: 'nowhere',
          },
        ],
      }),
    );
  });

  test('another user cannot write to admin metrics', async () => {
    const r = await h.request('POST', '/v1/batch/metrics/measures', { user: 'bob', body: { [a]: [] } });
    assert.equal(r.status, 403);
  });
});
