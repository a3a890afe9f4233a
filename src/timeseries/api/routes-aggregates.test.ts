import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createYearsRate, day, envelope, type Harness, startHarness } from './harness.test-support.js';

const out = (d: number): string => `${day(d)}+00:00`;

describe('aggregates', () => {
  let h: Harness;
  let lombardia: string;
  let lazio: string;
  let short: string;
  let rid: string;
  before(async () => {
    h = await startHarness();
    await createYearsRate(h);
    const r = await h.request('POST', '/v1/resource/generic', {
      body: {
        id: 'italia',
        metrics: {
          Lombardia: { archive_policy_name: 'years_rate' },
          Lazio: { archive_policy_name: 'years_rate' },
          NuovaRegione: { archive_policy_name: 'years_rate' },
        },
      },
    });
    const body = r.json() as { id: string; metrics: Record<string, string> };
    rid = body.id;
    lombardia = body.metrics.Lombardia ?? '';
    lazio = body.metrics.Lazio ?? '';
    short = body.metrics.NuovaRegione ?? '';
    await h.request('POST', '/v1/batch/metrics/measures', {
      body: {
        [lombardia]: [1, 2, 3].map((d) => ({ timestamp: day(d), value: d * 10 })),
        [lazio]: [1, 2, 3].map((d) => ({ timestamp: day(d), value: 700 + d })),
        [short]: [{ timestamp: day(1), value: 7 }],
      },
    });
  });
  after(async () => {
    await h.close();
  });

  const post = (qs: string, body: unknown) => h.request('POST', `/v1/aggregates${qs}`, { body });

  test('aggregate sum across metric ids (S-expression) → {"measures": {"aggregated": …}}', async () => {
    const r = await post('?granularity=86400', {
      operations: `(aggregate sum (metric (${lombardia} sum) (${lazio} sum)))`,
    });
    assert.equal(r.status, 200);
    assert.equal(
      r.body,
      `{"measures": {"aggregated": [["${out(1)}", 86400.0, 711.0], ["${out(2)}", 86400.0, 722.0], ["${out(3)}", 86400.0, 733.0]]}}`,
    );
  });

  test('the same as a nested list', async () => {
    const r = await post('', {
      operations: ['aggregate', 'sum', ['metric', [lombardia, 'sum'], [lazio, 'sum']]],
    });
    assert.equal(r.status, 200);
    assert.equal((r.json() as { measures: { aggregated: unknown[] } }).measures.aggregated.length, 3);
  });

  test('details=true adds the metric references, sorted by id', async () => {
    const r = await post('?granularity=86400&details=true', {
      operations: `(aggregate sum (metric (${lombardia} sum) (${lazio} sum)))`,
    });
    const body = r.json() as {
      references: { id: string; resource_id: string; archive_policy: { name: string } }[];
    };
    assert.deepEqual(
      body.references.map((m) => m.id),
      [lombardia, lazio].sort(),
    );
    assert.equal(body.references[0]?.resource_id, rid);
    assert.equal(body.references[0]?.archive_policy.name, 'years_rate');
  });

  test('without aggregate: per-metric series', async () => {
    const r = await post('?granularity=86400', { operations: `(metric (${lombardia} sum) (${lazio} sum))` });
    assert.deepEqual(r.json(), {
      measures: {
        [lombardia]: { sum: [1, 2, 3].map((d) => [out(d), 86400, d * 10]) },
        [lazio]: { sum: [1, 2, 3].map((d) => [out(d), 86400, 700 + d]) },
      },
    });
  });

  test('arithmetic keeps the per-metric shape', async () => {
    const r = await post('?granularity=86400', { operations: `(* 2 (metric ${lombardia} sum))` });
    assert.deepEqual(r.json(), {
      measures: { [lombardia]: { sum: [1, 2, 3].map((d) => [out(d), 86400, d * 20]) } },
    });
  });

  test('series of different length: default dropna sums what exists, needed_overlap=100 keeps the overlap', async () => {
    const ops = { operations: `(aggregate sum (metric (${lombardia} sum) (${short} sum)))` };
    const dropna = await post('?granularity=86400', ops);
    assert.deepEqual((dropna.json() as { measures: { aggregated: unknown } }).measures.aggregated, [
      [out(1), 86400, 17],
      [out(2), 86400, 20],
      [out(3), 86400, 30],
    ]);
    const fill = await post('?granularity=86400&fill=0', ops);
    assert.deepEqual((fill.json() as { measures: { aggregated: unknown } }).measures.aggregated, [
      [out(1), 86400, 17],
      [out(2), 86400, 20],
      [out(3), 86400, 30],
    ]);
    const overlap = await post('?granularity=86400&needed_overlap=100', ops);
    assert.deepEqual((overlap.json() as { measures: { aggregated: unknown } }).measures.aggregated, [
      [out(1), 86400, 17],
    ]);
  });

  test('start/stop cut the series', async () => {
    const r = await post(`?granularity=86400&start=${day(2)}&stop=${day(3)}`, {
      operations: `(aggregate sum (metric (${lombardia} sum) (${lazio} sum)))`,
    });
    assert.deepEqual((r.json() as { measures: { aggregated: unknown } }).measures.aggregated, [
      [out(2), 86400, 722],
    ]);
  });

  test('by resource search and metric-name glob', async () => {
    const r = await post('?granularity=86400', {
      resource_type: 'generic',
      search: { '=': { id: rid } },
      operations: '(aggregate sum (metric * sum))',
    });
    assert.equal(r.status, 200);
    assert.deepEqual((r.json() as { measures: { aggregated: unknown } }).measures.aggregated, [
      [out(1), 86400, 718],
      [out(2), 86400, 722],
      [out(3), 86400, 733],
    ]);
    const named = await post('?granularity=86400', {
      resource_type: 'generic',
      search: "original_resource_id = 'italia'",
      operations: '(metric Lombardia sum)',
    });
    assert.deepEqual(named.json(), {
      measures: { [rid]: { Lombardia: { sum: [1, 2, 3].map((d) => [out(d), 86400, d * 10]) } } },
    });
  });

  test('groupby=id', async () => {
    const r = await post('?granularity=86400&groupby=id', {
      resource_type: 'generic',
      search: { '=': { id: rid } },
      operations: '(aggregate sum (metric Lombardia sum))',
    });
    assert.deepEqual(r.json(), [
      {
        group: { id: rid },
        measures: { measures: { aggregated: [1, 2, 3].map((d) => [out(d), 86400, d * 10]) } },
      },
    ]);
  });

  test('errors as Gnocchi', async () => {
    const badOp = await post('?granularity=86400', {
      operations: `(aggregate summ (metric ${lombardia} sum))`,
    });
    assert.equal(badOp.status, 400);
    assert.deepEqual(
      badOp.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "'aggregate' operation invalid for dictionary value @ data['operations']",
        detail: ['operations'],
      }),
    );
    const notInPolicy = await post('?granularity=86400', {
      operations: `(aggregate sum (metric ${lombardia} mean))`,
    });
    assert.equal(notInPolicy.status, 404);
    assert.deepEqual(
      notInPolicy.json(),
      envelope(404, 'Not Found', {
        cause: 'Metrics with unknown aggregation',
        detail: [[lombardia, 'mean']],
      }),
    );
    const unknown = await post('?granularity=86400', {
      operations: '(aggregate sum (metric 00000000-0000-0000-0000-000000000000 sum))',
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual(
      unknown.json(),
      envelope(404, 'Not Found', {
        cause: 'Unknown metrics',
        reason: "Provided metrics don't exists",
        detail: ['00000000-0000-0000-0000-000000000000'],
      }),
    );
    const badRef = await post('?granularity=86400', {
      operations: '(aggregate sum (metric not-a-uuid sum))',
    });
    assert.equal(badRef.status, 400);
    assert.deepEqual(
      badRef.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid metric references',
        reason: 'badly formed hexadecimal UUID string',
        detail: [['not-a-uuid', 'sum']],
      }),
    );
    const unparsable = await post('?granularity=86400', { operations: '(aggregate sum (metric' });
    assert.equal(unparsable.status, 400);
    assert.equal(
      (unparsable.json() as { description: { cause: string } }).description.cause,
      'Invalid operations',
    );
    const missing = await post('?granularity=86400', {});
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "required key not provided @ data['operations']",
        detail: ['operations'],
      }),
    );
    const badGranularity = await post('?granularity=abc', { operations: `(metric ${lombardia} sum)` });
    assert.deepEqual(
      badGranularity.json(),
      envelope(400, 'Bad Request', {
        cause: 'Argument value error',
        detail: 'granularity',
        reason: 'Unable to parse timespan',
      }),
    );
    const badFill = await post('?fill=lots', { operations: `(metric ${lombardia} sum)` });
    assert.equal((badFill.json() as { description: { detail: string } }).description.detail, 'fill');
    const badOverlap = await post('?needed_overlap=x', { operations: `(metric ${lombardia} sum)` });
    assert.deepEqual(
      badOverlap.json(),
      envelope(400, 'Bad Request', {
        cause: 'Argument value error',
        detail: 'needed_overlap',
        reason: 'Must be a number',
      }),
    );
    const noType = await post('', { resource_type: 'nope', search: {}, operations: '(metric x sum)' });
    assert.deepEqual(
      noType.json(),
      envelope(400, 'Bad Request', { cause: 'Resource type does not exist', detail: 'nope' }),
    );
    const noMetric = await post('', {
      resource_type: 'generic',
      search: {},
      operations: '(metric Nope sum)',
    });
    assert.deepEqual(
      noMetric.json(),
      envelope(400, 'Bad Request', { cause: 'Metrics not found', detail: ['Nope'] }),
    );
  });

  test("operations named after Object.prototype's keys are unknown operations (400), not 200", async () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      for (const operations of [
        [name, ['metric', lombardia, 'sum'], 2],
        [name, ['metric', lombardia, 'sum']],
        `(${name} (metric ${lombardia} sum) 2)`,
      ]) {
        const r = await post('?granularity=86400', { operations });
        assert.equal(r.status, 400, `${JSON.stringify(operations)}: ${r.body}`);
        assert.deepEqual(
          r.json(),
          envelope(400, 'Bad Request', {
            cause: 'Invalid input',
            reason: `'${name}' operation invalid for dictionary value @ data['operations']`,
            detail: ['operations'],
          }),
        );
      }
      const method = await post('?granularity=86400', {
        operations: ['aggregate', name, ['metric', lombardia, 'sum']],
      });
      assert.equal(method.status, 400);
      assert.equal(
        (method.json() as { description: { reason: string } }).description.reason,
        "'aggregate' operation invalid for dictionary value @ data['operations']",
      );
    }
  });

  test("a search filter keyed by Object.prototype's keys is refused as an extra key", async () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      const r = await h.request('POST', '/v1/aggregates?granularity=86400', {
        raw: `{"resource_type": "generic", "search": {"${name}": {"id": "italia"}}, "operations": "(metric Lombardia sum)"}`,
      });
      assert.equal(r.status, 400, `${name}: ${r.body}`);
      assert.deepEqual(
        r.json(),
        envelope(400, 'Bad Request', {
          cause: 'Invalid input',
          reason: `extra keys not allowed @ data['search']['${name}']`,
          detail: ['search', name],
        }),
      );
    }
  });

  test("resource metrics named after Object.prototype's keys aggregate like any other name", async () => {
    const names = ['toString', 'constructor', '__proto__'];
    const created = await h.request('POST', '/v1/resource/generic', {
      raw: JSON.stringify({ id: 'prototype-names', metrics: {} }).replace(
        '{}',
        `{${names.map((n) => `"${n}": {"archive_policy_name": "years_rate"}`).join(', ')}}`,
      ),
    });
    assert.equal(created.status, 201, created.body);
    const resource = created.json() as { id: string; metrics: Record<string, string> };
    assert.deepEqual(Object.keys(resource.metrics), names);
    for (const [i, name] of names.entries()) {
      const id = Object.getOwnPropertyDescriptor(resource.metrics, name)?.value as string;
      const added = await h.request('POST', `/v1/metric/${id}/measures`, {
        body: [{ timestamp: day(1), value: i + 1 }],
      });
      assert.equal(added.status, 202, added.body);
    }
    const r = await post('?granularity=86400', {
      resource_type: 'generic',
      search: { '=': { original_resource_id: 'prototype-names' } },
      operations: `(metric ${names.map((n) => `(${n} sum)`).join(' ')})`,
    });
    assert.equal(r.status, 200, r.body);
    assert.equal(
      r.body,
      `{"measures": {"${resource.id}": {${names.map((n, i) => `"${n}": {"sum": [["${out(1)}", 86400.0, ${i + 1}.0]]}`).join(', ')}}}}`,
    );
    const total = await post('?granularity=86400', {
      resource_type: 'generic',
      search: { '=': { original_resource_id: 'prototype-names' } },
      operations: '(aggregate sum (metric (toString sum) (constructor sum) (__proto__ sum)))',
    });
    assert.deepEqual((total.json() as { measures: unknown }).measures, { aggregated: [[out(1), 86400, 6]] });
  });

  test('rate: methods aggregate across metrics, then differ along time from the second day', async () => {
    const r = await post('?granularity=86400', {
      operations: `(aggregate rate:sum (metric (${lombardia} sum) (${lazio} sum)))`,
    });
    assert.deepEqual((r.json() as { measures: unknown }).measures, {
      aggregated: [
        [out(2), 86400, 11],
        [out(3), 86400, 11],
      ],
    });
  });

  test("Gnocchi 4.4's texts: missing granularity, bad fill, unknown groupby attribute", async () => {
    const missing = await post('?granularity=60', { operations: `(metric ${lombardia} sum)` });
    assert.deepEqual(
      missing.json(),
      envelope(400, 'Bad Request', {
        cause: "Metrics can't being aggregated",
        reason: 'Granularities are missing',
        detail: [[lombardia, 'sum', 60]],
      }),
    );
    const badFill = await post('?fill=lots', { operations: `(metric ${lombardia} sum)` });
    assert.deepEqual(
      badFill.json(),
      envelope(400, 'Bad Request', {
        cause: 'Argument value error',
        detail: 'fill',
        reason: "Must be a float, 'dropna' or 'null'",
      }),
    );
    const unit = await post('?groupby=unit', {
      resource_type: 'generic',
      search: {},
      operations: '(metric Lombardia sum)',
    });
    assert.deepEqual(
      unit.json(),
      envelope(400, 'Bad Request', "Invalid pagination: `Sort key supplied is invalid: unit'"),
    );
  });

  test('groupby leaves out the groups without the metric; none has it: 400 Metrics not found', async () => {
    const other = await h.request('POST', '/v1/resource/generic', {
      body: {
        id: 'groupby-other',
        project_id: 'c7f32f1f-c5ef-427a-8ecd-915b219c66e8',
        metrics: { Other: { archive_policy_name: 'years_rate' } },
      },
    });
    assert.equal(other.status, 201, other.body);
    const r = await post('?granularity=86400&groupby=project_id', {
      resource_type: 'generic',
      search: {},
      operations: '(aggregate sum (metric Lombardia sum))',
    });
    assert.deepEqual(r.json(), [
      {
        group: { project_id: null },
        measures: { measures: { aggregated: [1, 2, 3].map((d) => [out(d), 86400, d * 10]) } },
      },
    ]);
    const none = await post('?groupby=project_id', {
      resource_type: 'generic',
      search: {},
      operations: '(aggregate sum (metric Nope sum))',
    });
    assert.deepEqual(
      none.json(),
      envelope(400, 'Bad Request', { cause: 'Metrics not found', detail: ['Nope'] }),
    );
  });

  test("another user cannot aggregate admin's metrics", async () => {
    const r = await h.request('POST', '/v1/aggregates', {
      user: 'bob',
      body: { operations: `(metric ${lombardia} sum)` },
    });
    assert.equal(r.status, 403);
  });
});
