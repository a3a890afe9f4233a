import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { createYearsRate, day, envelope, type Harness, startHarness } from './harness.test-support.js';

const out = (d: number): string => `${day(d)}+00:00`;

describe('measures of one metric', () => {
  let h: Harness;
  let id: string;
  let empty: string;
  before(async () => {
    h = await startHarness();
    await createYearsRate(h);
    id = (
      (await h.request('POST', '/v1/metric', { body: { archive_policy_name: 'years_rate' } })).json() as {
        id: string;
      }
    ).id;
    empty = (
      (await h.request('POST', '/v1/metric', { body: { archive_policy_name: 'years_rate' } })).json() as {
        id: string;
      }
    ).id;
  });
  after(async () => {
    await h.close();
  });

  test('push → 202, empty body, Content-Type application/json', async () => {
    const r = await h.request('POST', `/v1/metric/${id}/measures`, {
      body: [
        { timestamp: day(1), value: 1.5 },
        { timestamp: day(2), value: 2.5 },
      ],
    });
    assert.equal(r.status, 202);
    assert.equal(r.body, '');
    assert.equal(r.headers['content-type'], 'application/json');
  });

  test('numeric string values, epoch and offset timestamps are accepted; [] → 202', async () => {
    assert.equal(
      (await h.request('POST', `/v1/metric/${id}/measures`, { body: [{ timestamp: day(3), value: '42' }] }))
        .status,
      202,
    );
    const epoch = Date.UTC(2024, 0, 4) / 1000;
    assert.equal(
      (await h.request('POST', `/v1/metric/${id}/measures`, { body: [{ timestamp: epoch, value: 4 }] }))
        .status,
      202,
    );
    assert.equal(
      (
        await h.request('POST', `/v1/metric/${id}/measures`, {
          body: [{ timestamp: '2024-01-05T02:00:00+02:00', value: 5 }],
        })
      ).status,
      202,
    );
    assert.equal((await h.request('POST', `/v1/metric/${id}/measures`, { body: [] })).status, 202);
  });

  test('bad timestamps → 400 unexpected timestamp', async () => {
    for (const timestamp of ['not-a-date', '2024-13-45T00:00:00']) {
      const r = await h.request('POST', `/v1/metric/${id}/measures`, { body: [{ timestamp, value: 1 }] });
      assert.equal(r.status, 400);
      assert.deepEqual(
        r.json(),
        envelope(400, 'Bad Request', {
          cause: 'Invalid input',
          reason: "unexpected timestamp 'Unable to convert timestamps'",
          detail: [],
        }),
      );
    }
    const epoch = await h.request('POST', `/v1/metric/${id}/measures`, {
      body: [{ timestamp: '1960-01-01', value: 1 }],
    });
    assert.deepEqual(
      epoch.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: 'Timestamp must be after Epoch',
        detail: [],
      }),
    );
  });

  test('non-numeric, missing or NaN values → 400 unexpected measures value', async () => {
    for (const item of [
      { timestamp: day(3), value: 'abc' },
      { timestamp: day(3) },
      { timestamp: day(3), value: 'NaN' },
    ]) {
      const r = await h.request('POST', `/v1/metric/${id}/measures`, { body: [item] });
      assert.equal(r.status, 400);
      assert.deepEqual(
        r.json(),
        envelope(400, 'Bad Request', {
          cause: 'Invalid input',
          reason: 'unexpected measures value',
          detail: [],
        }),
      );
    }
  });

  test('not a list of measures → 400 unexpected measures format', async () => {
    for (const body of [{ timestamp: day(3), value: 1 }, [1, 2], [{ value: 1 }]]) {
      const r = await h.request('POST', `/v1/metric/${id}/measures`, { body });
      assert.deepEqual(
        r.json(),
        envelope(400, 'Bad Request', {
          cause: 'Invalid input',
          reason: 'unexpected measures format',
          detail: [],
        }),
      );
    }
  });

  test('malformed JSON → 400; unknown metric → 404; other user → 403', async () => {
    const bad = await h.request('POST', `/v1/metric/${id}/measures`, { raw: '{not json' });
    assert.equal(bad.status, 400);
    assert.equal(
      (bad.json() as { description: { cause: string } }).description.cause,
      'Unable to decode body',
    );
    const unknown = await h.request('POST', '/v1/metric/00000000-0000-0000-0000-000000000000/measures', {
      body: [{ timestamp: day(1), value: 1 }],
    });
    assert.equal(unknown.status, 404);
    assert.deepEqual(
      unknown.json(),
      envelope(404, 'Not Found', 'Metric 00000000-0000-0000-0000-000000000000 does not exist'),
    );
    const bob = await h.request('POST', `/v1/metric/${id}/measures`, { user: 'bob', body: [] });
    assert.equal(bob.status, 403);
  });

  test('read back sum @ 1 day as [timestamp, 86400.0, value]', async () => {
    const r = await h.request('GET', `/v1/metric/${id}/measures?aggregation=sum&granularity=86400`);
    assert.equal(r.status, 200);
    assert.equal(
      r.body,
      `[["${out(1)}", 86400.0, 1.5], ["${out(2)}", 86400.0, 2.5], ["${out(3)}", 86400.0, 42.0], ["${out(4)}", 86400.0, 4.0], ["${out(5)}", 86400.0, 5.0]]`,
    );
    const all = await h.request('GET', `/v1/metric/${id}/measures?aggregation=sum&refresh=true`);
    assert.equal((all.json() as unknown[]).length, 5);
  });

  test('start inclusive, stop exclusive', async () => {
    const r = await h.request(
      'GET',
      `/v1/metric/${id}/measures?aggregation=sum&granularity=86400&start=${day(2)}&stop=${day(4)}`,
    );
    assert.deepEqual(r.json(), [
      [out(2), 86400, 2.5],
      [out(3), 86400, 42],
    ]);
  });

  test('aggregation not in the policy (default mean, or unknown) → 404', async () => {
    for (const [qs, method] of [
      ['', 'mean'],
      ['?aggregation=summ', 'summ'],
      ['?aggregation=mean&granularity=86400', 'mean'],
    ] as const) {
      const r = await h.request('GET', `/v1/metric/${id}/measures${qs}`);
      assert.equal(r.status, 404);
      assert.deepEqual(
        r.json(),
        envelope(404, 'Not Found', {
          cause: 'Aggregation method does not exist for this metric',
          detail: { metric: id, aggregation_method: method },
        }),
      );
    }
  });

  test('granularity not in the policy → 404; malformed granularity/start → 400', async () => {
    const missing = await h.request('GET', `/v1/metric/${id}/measures?aggregation=sum&granularity=3600`);
    assert.equal(missing.status, 404);
    assert.deepEqual(
      missing.json(),
      envelope(
        404,
        'Not Found',
        `Aggregation method 'sum' at granularity '3600.0' for metric ${id} does not exist`,
      ),
    );
    const gran = await h.request('GET', `/v1/metric/${id}/measures?aggregation=sum&granularity=abc`);
    assert.equal(gran.status, 400);
    assert.deepEqual(
      gran.json(),
      envelope(400, 'Bad Request', {
        cause: 'Argument value error',
        detail: 'granularity',
        reason: 'Unable to parse timespan',
      }),
    );
    const start = await h.request('GET', `/v1/metric/${id}/measures?aggregation=sum&start=garbage`);
    assert.deepEqual(
      start.json(),
      envelope(400, 'Bad Request', {
        cause: 'Argument value error',
        detail: 'start',
        reason: 'Must be a datetime or a timestamp',
      }),
    );
    const refresh = await h.request('GET', `/v1/metric/${id}/measures?aggregation=sum&refresh=perhaps`);
    assert.deepEqual(
      refresh.json(),
      envelope(400, 'Bad Request', "Unable to parse `refresh': invalid truth value 'perhaps'"),
    );
  });

  test('resample to a week (epoch-aligned, Thursdays) and to calendar months', async () => {
    const r = await h.request(
      'GET',
      `/v1/metric/${id}/measures?aggregation=sum&resample=604800&granularity=86400`,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), [
      ['2023-12-28T00:00:00+00:00', 604800, 46],
      ['2024-01-04T00:00:00+00:00', 604800, 9],
    ]);
    assert.match(r.body, /604800\.0, 46\.0/);
    const month = await h.request(
      'GET',
      `/v1/metric/${id}/measures?aggregation=sum&resample=M&granularity=86400`,
    );
    assert.deepEqual(month.json(), [['2024-01-01T00:00:00+00:00', 'M', 55]]);
    const noGran = await h.request('GET', `/v1/metric/${id}/measures?aggregation=sum&resample=604800`);
    assert.equal(noGran.status, 400);
    assert.deepEqual(
      noGran.json(),
      envelope(400, 'Bad Request', 'A granularity must be specified to resample'),
    );
  });

  test('a metric without data → []', async () => {
    const r = await h.request('GET', `/v1/metric/${empty}/measures?aggregation=sum`);
    assert.equal(r.status, 200);
    assert.equal(r.body, '[]');
  });

  test('back window: a measure older than the window is refused with 400 naming the metric (ours)', async () => {
    const late = (
      (await h.request('POST', '/v1/metric', { body: { archive_policy_name: 'years_rate' } })).json() as {
        id: string;
      }
    ).id;
    assert.equal(
      (await h.request('POST', `/v1/metric/${late}/measures`, { body: [{ timestamp: day(10), value: 1 }] }))
        .status,
      202,
    );
    const r = await h.request('POST', `/v1/metric/${late}/measures`, {
      body: [{ timestamp: day(1), value: 1 }],
    });
    assert.equal(r.status, 400);
    const description = (r.json() as { description: { cause: string; reason: string } }).description;
    assert.equal(typeof description, 'object');
    assert.match(JSON.stringify(description), new RegExp(late));
    assert.match(JSON.stringify(description), /2024-01-10T00:00:00\+00:00/);
    const status = await h.request('GET', '/v1/status');
    const summary = (status.json() as { storage: { summary: { rejected_measures: number } } }).storage
      .summary;
    assert.ok(summary.rejected_measures >= 1);
  });
});
