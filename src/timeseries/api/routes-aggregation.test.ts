// Gnocchi's deprecated /v1/aggregation/metric and /v1/aggregation/resource/<type>/metric/<name> routes:
// the values of Gnocchi's aggregation.yaml and resource-aggregation.yaml, and its error texts.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelope, type Harness, startHarness } from './harness.test-support.js';

const T = (hms: string): string => `2015-03-06T${hms}+00:00`;
const R1 = 'bcd3441c-b5aa-4d1b-af9a-5a72322bb269';
const R2 = '1b0a8345-b279-4cb8-bd7a-2cb83193624f';
const R3 = '0fb0b7cd-9a41-4a76-8b2e-bfc02843506a';
const P1 = 'c7f32f1f-c5ef-427a-8ecd-915b219c66e8';
const P2 = 'ee4cfc41-1cdc-4d2f-9a08-f94111d80171';

describe('deprecated aggregation routes', () => {
  let h: Harness;
  let m1: string;
  let m2: string;
  const get = (qs: string) => h.request('GET', `/v1/aggregation/metric?${qs}`);
  const both = (): string => `metric=${m1}&metric=${m2}`;

  before(async () => {
    h = await startHarness();
    const policy = await h.request('POST', '/v1/archive_policy', {
      body: { name: 'agglow', definition: [{ granularity: '1 second' }, { granularity: '300 seconds' }] },
    });
    assert.equal(policy.status, 201, policy.body);
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await h.request('POST', '/v1/metric', { body: { archive_policy_name: 'agglow' } });
      ids.push((r.json() as { id: string }).id);
    }
    [m1 = '', m2 = ''] = ids.sort();
    const push = async (path: string, measures: [string, number][]) => {
      const body = measures.map(([timestamp, value]) => ({ timestamp: `2015-03-06T${timestamp}`, value }));
      const r = await h.request('POST', path, { body });
      assert.equal(r.status, 202, r.body);
    };
    await push(`/v1/metric/${m1}/measures`, [
      ['14:33:57', 43.1],
      ['14:34:12', 12],
    ]);
    await push(`/v1/metric/${m2}/measures`, [
      ['14:33:57', 3.1],
      ['14:34:12', 2],
      ['14:35:12', 5],
    ]);
    for (const [id, project, values] of [
      [R1, P1, [43.1, 12]],
      [R2, P1, [3.1, 2, 5]],
      [R3, P2, [230, 45.41]],
    ] as const) {
      const r = await h.request('POST', '/v1/resource/generic', {
        body: { id, project_id: project, metrics: { agg_meter: { archive_policy_name: 'agglow' } } },
      });
      assert.equal(r.status, 201, r.body);
      await push(
        `/v1/resource/generic/${id}/metric/agg_meter/measures`,
        values.map((v, i): [string, number] => [['14:33:57', '14:34:12', '14:35:12'][i] as string, v]),
      );
    }
  });
  after(async () => {
    await h.close();
  });

  test('two metrics by GET: mean of the overlapping points (needed_overlap 100), POST takes a JSON list', async () => {
    const r = await get(`${both()}&granularity=1&refresh=true`);
    assert.equal(r.status, 200);
    assert.equal(r.body, `[["${T('14:33:57')}", 1.0, 23.1], ["${T('14:34:12')}", 1.0, 7.0]]`);
    const posted = await h.request('POST', '/v1/aggregation/metric?granularity=1', { body: [m1, m2] });
    assert.equal(posted.body, r.body);
  });

  test('every common granularity, coarsest first; start/stop; reaggregation; resample', async () => {
    const start = encodeURIComponent('2015-03-06T15:33:57+01:00');
    const stop = encodeURIComponent('2015-03-06T15:34:00+01:00');
    assert.deepEqual((await get(`${both()}&start=${start}&stop=${stop}`)).json(), [
      [T('14:30:00'), 300, 15.05],
      [T('14:33:57'), 1, 23.1],
    ]);
    assert.deepEqual((await get(`${both()}&reaggregation=min`)).json(), [
      [T('14:30:00'), 300, 2.55],
      [T('14:33:57'), 1, 3.1],
      [T('14:34:12'), 1, 2],
    ]);
    assert.deepEqual((await get(`${both()}&granularity=1&resample=60`)).json(), [
      [T('14:33:00'), 60, 23.1],
      [T('14:34:00'), 60, 7],
    ]);
  });

  test('fill: a float fills the gaps, null aggregates what exists; no overlap check', async () => {
    assert.deepEqual((await get(`${both()}&granularity=1&fill=0`)).json(), [
      [T('14:33:57'), 1, 23.1],
      [T('14:34:12'), 1, 7],
      [T('14:35:12'), 1, 2.5],
    ]);
    assert.deepEqual((await get(`${both()}&granularity=1&fill=null`)).json(), [
      [T('14:33:57'), 1, 23.1],
      [T('14:34:12'), 1, 7],
      [T('14:35:12'), 1, 5],
    ]);
    assert.deepEqual((await get(`${both()}&fill=0`)).json(), [
      [T('14:30:00'), 300, 15.05],
      [T('14:35:00'), 300, 2.5],
      [T('14:33:57'), 1, 23.1],
      [T('14:34:12'), 1, 7],
      [T('14:35:12'), 1, 2.5],
    ]);
  });

  test('one metric: its own series (reaggregation and overlap do not apply), no metric: []', async () => {
    assert.deepEqual((await get(`metric=${m2}&granularity=1&reaggregation=max`)).json(), [
      [T('14:33:57'), 1, 3.1],
      [T('14:34:12'), 1, 2],
      [T('14:35:12'), 1, 5],
    ]);
    assert.deepEqual((await get(`metric=${m2}&granularity=300&resample=3600`)).json(), [
      [T('14:00:00'), 3600, 3.775],
    ]);
    assert.deepEqual((await get('granularity=1')).json(), []);
  });

  test("errors with Gnocchi's texts", async () => {
    const cases: [string, number, unknown][] = [
      ['metric=foobar', 400, 'Invalid input: not a valid value @ data[0]'],
      [
        `${both()}&granularity=foobar`,
        400,
        { cause: 'Argument value error', detail: 'granularity', reason: 'Unable to parse timespan' },
      ],
      [
        `${both()}&fill=asdf`,
        400,
        { cause: 'Argument value error', detail: 'fill', reason: "Must be a float, 'dropna' or 'null'" },
      ],
      [
        `${both()}&aggregation=wtf`,
        404,
        `Aggregation method 'wtf' at granularity '1.0' for metric ${m1} does not exist`,
      ],
      [
        `metric=${m1}&aggregation=wtf`,
        404,
        {
          cause: 'Aggregation method does not exist for this metric',
          detail: { metric: m1, aggregation_method: 'wtf' },
        },
      ],
      [
        `metric=${m1}&granularity=42`,
        404,
        `Aggregation method 'mean' at granularity '42.0' for metric ${m1} does not exist`,
      ],
      [`${both()}&resample=60`, 400, 'A granularity must be specified to resample'],
      [`${both()}&granularity=1&resample=abc`, 400, 'Unable to parse timespan'],
      [
        `${both()}&granularity=1&resample=M`,
        400,
        {
          cause: 'Argument value error',
          detail: 'resample',
          reason: 'Calendar resampling applies to one metric only',
        },
      ],
      [
        `${both()}&reaggregation=foo`,
        400,
        {
          cause: 'Argument value error',
          detail: 'reaggregation',
          reason:
            'Must be one of mean, median, std, min, max, sum, var, count, rate:mean, rate:median, rate:std, ' +
            'rate:min, rate:max, rate:sum, rate:var, rate:count',
        },
      ],
      [
        'metric=00000000-0000-0000-0000-000000000000',
        404,
        'Metric 00000000-0000-0000-0000-000000000000 does not exist',
      ],
    ];
    for (const [qs, status, description] of cases) {
      const r = await get(qs);
      const title = status === 400 ? 'Bad Request' : 'Not Found';
      assert.deepEqual([r.status, r.json()], [status, envelope(status, title, description)], qs);
    }
    const bad = await h.request('POST', '/v1/aggregation/metric', { body: [m1, 'nope'] });
    assert.deepEqual(
      bad.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: 'not a valid value @ data[1]',
        detail: ['1'],
      }),
    );
    const notList = await h.request('POST', '/v1/aggregation/metric', { body: { id: m1 } });
    assert.deepEqual(
      notList.json(),
      envelope(400, 'Bad Request', { cause: 'Invalid input', reason: 'expected list', detail: [] }),
    );
    const bob = await h.request('GET', `/v1/aggregation/metric?metric=${m1}`, { user: 'bob' });
    assert.equal(bob.status, 403);
  });

  const byResource = (qs: string, body?: unknown) =>
    h.request('POST', `/v1/aggregation/resource/generic/metric/agg_meter${qs}`, {
      ...(body !== undefined ? { body } : {}),
    });

  test('by resource: the named metric of the resources a search body or ?filter= selects', async () => {
    const r = await byResource('?granularity=1', { '=': { project_id: P1 } });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [
      [T('14:33:57'), 1, 23.1],
      [T('14:34:12'), 1, 7],
    ]);
    const filtered = await byResource(
      `?granularity=1&reaggregation=min&filter=${encodeURIComponent(`project_id='${P1}'`)}`,
    );
    assert.deepEqual(filtered.json(), [
      [T('14:33:57'), 1, 3.1],
      [T('14:34:12'), 1, 2],
    ]);
    const none = await h.request('POST', '/v1/aggregation/resource/generic/metric/notexists');
    assert.deepEqual([none.status, none.json()], [200, []]);
  });

  test('groupby: one result per group, sorted by the attributes; a bad attribute is refused', async () => {
    const r = await byResource('?groupby=project_id&granularity=1');
    assert.deepEqual(r.json(), [
      {
        group: { project_id: P1 },
        measures: [
          [T('14:33:57'), 1, 23.1],
          [T('14:34:12'), 1, 7],
        ],
      },
      {
        group: { project_id: P2 },
        measures: [
          [T('14:33:57'), 1, 230],
          [T('14:34:12'), 1, 45.41],
        ],
      },
    ]);
    const bad = await byResource('?groupby=project_id&groupby=thisisdumb');
    assert.deepEqual(
      [bad.status, bad.json()],
      [400, envelope(400, 'Bad Request', 'Invalid groupby attribute')],
    );
  });

  test('one page of resources (limit), with the Link to the next one', async () => {
    const r = await byResource('?granularity=1&limit=1');
    assert.deepEqual(r.json(), [
      [T('14:33:57'), 1, 230],
      [T('14:34:12'), 1, 45.41],
    ]);
    assert.equal(
      r.headers.link,
      `<http://localhost:80/v1/aggregation/resource/generic/metric/agg_meter?granularity=1&limit=1&marker=${R3}>; rel="next"`,
    );
  });

  test('paths and methods: 404 for an unknown type, 405 without a name or with GET', async () => {
    const noType = await h.request('POST', '/v1/aggregation/resource/notexits/metric/agg_meter');
    assert.deepEqual(noType.json(), envelope(404, 'Not Found', 'Resource type notexits does not exist'));
    assert.equal((await h.request('GET', '/v1/aggregation/resource/generic/metric/agg_meter')).status, 405);
    assert.equal((await h.request('POST', '/v1/aggregation/resource/generic/metric')).status, 405);
    assert.equal((await h.request('POST', '/v1/aggregation/re/generic/metric/agg_meter')).status, 404);
    assert.equal(
      (await h.request('POST', '/v1/aggregation/resource/generic/notexists/agg_meter')).status,
      404,
    );
  });
});
