import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelope, startHarness, type Harness } from './harness.test-support.js';

describe('POST /v1/search/metric', () => {
  let h: Harness;
  let id = '';
  before(async () => {
    h = await startHarness();
    const policy = await h.request('POST', '/v1/archive_policy', {
      body: {
        name: 'two',
        definition: [
          { granularity: '1s', timespan: '1 hour' },
          { granularity: '2s', timespan: '1 hour' },
        ],
      },
    });
    assert.equal(policy.status, 201);
    id = (
      (await h.request('POST', '/v1/metric', { body: { archive_policy_name: 'two' } })).json() as {
        id: string;
      }
    ).id;
    const measures = [10, 12, 14, 12].map((value, i) => ({ timestamp: `2014-10-06T14:34:1${i}`, value }));
    assert.equal((await h.request('POST', `/v1/metric/${id}/measures`, { body: measures })).status, 202);
  });
  after(async () => {
    await h.close();
  });

  test('points satisfying the predicate, coarsest granularity first', async () => {
    const r = await h.request('POST', `/v1/search/metric?metric_id=${id}`, { body: { '≥': 12 } });
    assert.equal(r.status, 200);
    assert.equal(
      r.body,
      `{"${id}": [["2014-10-06T14:34:12+00:00", 2.0, 13.0], ["2014-10-06T14:34:11+00:00", 1.0, 12.0], ` +
        '["2014-10-06T14:34:12+00:00", 1.0, 14.0], ["2014-10-06T14:34:13+00:00", 1.0, 12.0]]}',
    );
    const one = await h.request(
      'POST',
      `/v1/search/metric?metric_id=${id}&granularity=1s&start=2014-10-06T14:34:12`,
      {
        body: { '=': 12 },
      },
    );
    assert.deepEqual(one.json(), { [id]: [['2014-10-06T14:34:13+00:00', 1, 12]] });
  });

  test("Gnocchi's errors", async () => {
    const cases: [string, unknown, unknown][] = [
      [
        `metric_id=${id}&granularity=1s&granularity=300`,
        { '=': 12 },
        { cause: 'Aggregation does not exist', detail: { granularity: 300, aggregation_method: 'mean' } },
      ],
      [
        `metric_id=${id}&aggregation=last`,
        { '=': 12 },
        { cause: 'Aggregation does not exist', detail: { granularity: 2, aggregation_method: 'last' } },
      ],
      [`metric_id=${id}&start=foobar`, { '∧': [{ '≥': 1000 }] }, 'Invalid value for start'],
      [`metric_id=${id}&stop=foobar`, { '=': 1 }, 'Invalid value for stop'],
      [`metric_id=${id}`, { not: [{ '=': 1 }] }, 'Unknown operator not'],
      ['', { '=': 1 }, 'Missing argument: metric_id'],
    ];
    for (const [qs, body, description] of cases) {
      const r = await h.request('POST', `/v1/search/metric?${qs}`, { body });
      assert.deepEqual(r.json(), envelope(400, 'Bad Request', description), qs);
    }
    const empty = await h.request('POST', `/v1/search/metric?metric_id=${id}`);
    assert.deepEqual(empty.json(), envelope(400, 'Bad Request', 'No query specified in body'));
    const other = await h.request('POST', `/v1/search/metric?metric_id=${id}`, {
      user: 'bob',
      body: { '=': 1 },
    });
    assert.equal(other.status, 403);
    const unknown = await h.request(
      'POST',
      '/v1/search/metric?metric_id=00000000-0000-0000-0000-000000000001',
      {
        body: { '=': 1 },
      },
    );
    assert.deepEqual(unknown.json(), {});
  });
});
