import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { AGGREGATION_METHODS } from '../aggregation-methods.js';
import { envelope, startHarness, type Harness } from './harness.test-support.js';

describe('root, status and capabilities', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('GET / needs no auth and lists v1', async () => {
    const r = await h.request('GET', '/', { user: null });
    assert.equal(r.status, 200);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(
      r.body,
      '{"build": "4.4.2", "versions": [{"status": "CURRENT", "links": [{"rel": "self", "href": "http://localhost:80/v1/"}], "id": "v1.0", "updated": "2015-03-19"}]}',
    );
  });

  test('GET /v1/ links the collections', async () => {
    const r = await h.request('GET', '/v1/', { user: null });
    assert.equal(r.status, 200);
    const body = r.json() as { version: string; links: { rel: string; href: string }[] };
    assert.equal(body.version, '1.0');
    assert.deepEqual(body.links[0], { rel: 'self', href: 'http://localhost:80/v1' });
    // Gnocchi 4.4's 12 sub-controllers, sorted.
    assert.deepEqual(
      body.links.slice(1).map((l) => [l.rel, l.href]),
      [
        'aggregates',
        'aggregation',
        'archive_policy',
        'archive_policy_rule',
        'batch',
        'capabilities',
        'influxdb',
        'metric',
        'resource',
        'resource_type',
        'search',
        'status',
      ].map((name) => [name, `http://localhost:80/v1/${name}`]),
    );
  });

  test('capabilities lists the 216 aggregation methods', async () => {
    const r = await h.request('GET', '/v1/capabilities');
    assert.equal(r.status, 200);
    const body = r.json() as { aggregation_methods: string[] };
    assert.equal(body.aggregation_methods.length, 216);
    assert.deepEqual(body.aggregation_methods, [...AGGREGATION_METHODS]);
    assert.ok(body.aggregation_methods.includes('rate:95pct'));
  });

  test('status: admin gets the summary with rejected_measures and quarantined_records, others 403', async () => {
    const r = await h.request('GET', '/v1/status');
    assert.equal(r.status, 200);
    const body = r.json() as {
      storage: { summary: Record<string, number>; measures_to_process?: unknown };
      metricd: unknown;
    };
    assert.deepEqual(body.storage.summary, {
      metrics: 0,
      measures: 0,
      rejected_measures: 0,
      quarantined_records: 0,
    });
    // storage has Gnocchi's keys only (its base.yaml counts them); the journal is beside it
    assert.deepEqual(Object.keys(body.storage), ['summary', 'measures_to_process']);
    assert.deepEqual(body.metricd, { processors: null, statistics: {} });
    assert.deepEqual(Object.keys(body), ['storage', 'metricd', 'journal']);
    const short = await h.request('GET', '/v1/status?details=false');
    assert.deepEqual(Object.keys((short.json() as { storage: object }).storage), ['summary']);
    const bob = await h.request('GET', '/v1/status', { user: 'bob' });
    assert.equal(bob.status, 403);
    assert.deepEqual(bob.json(), envelope(403, 'Forbidden', ''));
    const bad = await h.request('GET', '/v1/status?details=maybe');
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.json(),
      envelope(400, 'Bad Request', "Unable to parse `details': invalid truth value 'maybe'"),
    );
  });
});

describe('auth none', () => {
  test('every caller is an administrator', async () => {
    const h = await startHarness({ auth: 'none' });
    try {
      const r = await h.request('GET', '/v1/status', { user: null });
      assert.equal(r.status, 200);
      const created = await h.request('POST', '/v1/metric', {
        user: null,
        body: { archive_policy_name: 'low' },
      });
      assert.equal(created.status, 201);
      assert.equal((created.json() as { creator: string }).creator, 'admin');
    } finally {
      await h.close();
    }
  });
});
