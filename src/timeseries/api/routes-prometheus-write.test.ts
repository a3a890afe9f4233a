import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { encodeWriteRequest, snappyBlock, type SeriesSpec } from '../prometheus-remote-write.test-support.js';
import { buildApp } from './app.js';
import {
  basic,
  envelope,
  openTestStore,
  startHarness,
  type Harness,
  type TestStore,
} from './harness.test-support.js';
import { RESOURCE_ID_NAMESPACE, uuid5 } from './ids.js';

interface Sent {
  status: number;
  body: string;
}

/** Posts a remote-write body (series encoded and compressed, or raw bytes) as Prometheus does. */
async function write(
  app: Harness['app'],
  payload: readonly SeriesSpec[] | Buffer,
  user = 'admin',
): Promise<Sent> {
  const body = Buffer.isBuffer(payload) ? payload : snappyBlock(encodeWriteRequest(payload));
  const res = await app.inject({
    method: 'POST',
    url: '/v1/prometheus/write',
    headers: {
      authorization: basic(user),
      accept: 'application/json',
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
    },
    payload: body,
  });
  return { status: res.statusCode, body: res.body };
}

const T0 = Date.UTC(2024, 0, 1, 12, 0, 0);

describe('Prometheus remote write', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ defaults: false });
    const policy = await h.request('POST', '/v1/archive_policy', {
      body: {
        name: 'second',
        definition: [{ granularity: '1 second', points: 100000 }],
        aggregation_methods: ['mean'],
      },
    });
    assert.equal(policy.status, 201, policy.body);
    const rule = await h.request('POST', '/v1/archive_policy_rule', {
      body: { name: 'all', metric_pattern: '*', archive_policy_name: 'second' },
    });
    assert.equal(rule.status, 201, rule.body);
  });
  after(async () => {
    await h.close();
  });

  const measures = async (resource: string, metric: string): Promise<unknown> =>
    (
      await h.request('GET', `/v1/resource/prometheus/${resource}/metric/${metric}/measures?refresh=true`)
    ).json();

  test("a non-administrator's first write is 403 (the prometheus type does not exist yet), unless it has no samples", async () => {
    const r = await write(
      h.app,
      [{ labels: { __name__: 'up', job: 'j', instance: 'i' }, samples: [[T0, 1]] }],
      'alice',
    );
    assert.deepEqual([r.status, JSON.parse(r.body)], [403, envelope(403, 'Forbidden', '')]);
    assert.equal((await h.request('GET', '/v1/resource_type/prometheus')).status, 404);
    const empty = await write(h.app, [{ labels: { __name__: 'up' }, samples: [] }], 'alice');
    assert.deepEqual([empty.status, empty.body], [202, '']);
  });

  test('the first write creates the type, the job@instance resource and its metrics: 202', async () => {
    const r = await write(h.app, [
      {
        labels: { __name__: 'up', job: 'node', instance: 'h1:9100' },
        samples: [
          [T0, 1],
          [T0 + 1000, 0],
        ],
      },
      {
        labels: { __name__: 'load1', job: 'node', instance: 'h1:9100', cpu: 'all' },
        samples: [[T0 + 500, 0.75]],
      },
      { labels: { __name__: 'up', job: 'node', instance: 'h2:9100' }, samples: [[T0, 1]] },
      { labels: { __name__: 'no_samples', job: 'node', instance: 'h1:9100' }, samples: [] },
    ]);
    assert.deepEqual([r.status, r.body], [202, '']);
    const type = await h.request('GET', '/v1/resource_type/prometheus');
    assert.deepEqual(type.json(), {
      name: 'prometheus',
      state: 'active',
      attributes: {
        instance: { type: 'string', required: true, max_length: 512, min_length: 1 },
        job: { type: 'string', required: true, max_length: 512, min_length: 1 },
      },
    });
    const resource = (await h.request('GET', '/v1/resource/prometheus/node@h1:9100')).json() as Record<
      string,
      unknown
    >;
    assert.equal(resource.id, uuid5(RESOURCE_ID_NAMESPACE, 'node@h1:9100\u0000admin'));
    assert.equal(resource.original_resource_id, 'node@h1:9100');
    assert.equal(resource.job, 'node');
    assert.equal(resource.instance, 'h1:9100');
    assert.deepEqual(Object.keys(resource.metrics as object).sort(), ['load1', 'up']);
    assert.deepEqual(await measures('node@h1:9100', 'up'), [
      ['2024-01-01T12:00:00+00:00', 1.0, 1.0],
      ['2024-01-01T12:00:01+00:00', 1.0, 0.0],
    ]);
    assert.deepEqual(await measures('node@h1:9100', 'load1'), [['2024-01-01T12:00:00+00:00', 1.0, 0.75]]);
    assert.deepEqual(await measures('node@h2:9100', 'up'), [['2024-01-01T12:00:00+00:00', 1.0, 1.0]]);
  });

  test('then other users write their own resources; NaN staleness markers are skipped; none@none', async () => {
    const r = await write(
      h.app,
      [
        {
          labels: { __name__: 'up', job: 'node', instance: 'h1:9100' },
          samples: [
            [T0 + 2000, NaN],
            [T0 + 3000, 1],
          ],
        },
        { labels: { __name__: 'orphan' }, samples: [[T0, 5]] },
      ],
      'alice',
    );
    assert.equal(r.status, 202, r.body);
    const alice = (
      await h.request('GET', '/v1/resource/prometheus/node@h1:9100', { user: 'alice' })
    ).json() as {
      id: string;
    };
    assert.equal(alice.id, uuid5(RESOURCE_ID_NAMESPACE, 'node@h1:9100\u0000alice'));
    const points = await h.request(
      'GET',
      `/v1/resource/prometheus/node@h1:9100/metric/up/measures?refresh=true`,
      {
        user: 'alice',
      },
    );
    assert.deepEqual(points.json(), [['2024-01-01T12:00:03+00:00', 1.0, 1.0]]);
    const none = await h.request('GET', '/v1/resource/prometheus/none@none', { user: 'alice' });
    assert.equal((none.json() as { job: string }).job, 'none');
  });

  test('400s: a series with samples and no __name__, a timestamp before 1970, a body that is not snappy', async () => {
    const nameless = await write(h.app, [
      { labels: { __name__: 'a' }, samples: [[T0, 1]] },
      { labels: { job: 'x' }, samples: [[T0, 1]] },
    ]);
    assert.deepEqual(
      [nameless.status, JSON.parse(nameless.body)],
      [400, envelope(400, 'Bad Request', 'Time series 2 with samples has no __name__ label')],
    );
    const early = await write(h.app, [{ labels: { __name__: 'a' }, samples: [[-1000, 1]] }]);
    assert.deepEqual(
      [early.status, JSON.parse(early.body)],
      [
        400,
        envelope(400, 'Bad Request', {
          cause: 'Invalid input',
          reason: 'Timestamp must be after Epoch',
          detail: [],
        }),
      ],
    );
    const plain = await write(h.app, Buffer.from('{"timeseries": []}'));
    assert.equal(plain.status, 400);
    assert.match(
      (JSON.parse(plain.body) as { description: string }).description,
      /^Unable to decompress the body: /,
    );
  });
});

describe('Prometheus remote write limits', () => {
  let opened: TestStore;
  let app: Harness['app'];
  before(async () => {
    opened = await openTestStore();
    app = buildApp(opened.store, {
      auth: 'basic',
      remoteWriteLimits: { maxDecompressedBytes: 1000, maxLabelsPerSeries: 3, maxSamples: 2, maxSeries: 1 },
    });
  });
  after(async () => {
    await app.close();
    await opened.dispose();
  });

  test('decompressed size, labels per series and samples over the limits', async () => {
    const big = await write(app, snappyBlock(new Uint8Array(5000)));
    assert.deepEqual(
      [big.status, JSON.parse(big.body)],
      [
        413,
        envelope(
          413,
          'Payload Too Large',
          'The body decompresses to 5000 bytes, more than the limit of 1000 bytes',
        ),
      ],
    );
    const labels = await write(app, [
      { labels: { __name__: 'a', b: '1', c: '2', d: '3' }, samples: [[T0, 1]] },
    ]);
    assert.deepEqual(
      [labels.status, JSON.parse(labels.body)],
      [400, envelope(400, 'Bad Request', 'Time series 1 has more than 3 labels')],
    );
    const samples = await write(app, [
      {
        labels: { __name__: 'a' },
        samples: [
          [T0, 1],
          [T0 + 1, 2],
          [T0 + 2, 3],
        ],
      },
    ]);
    assert.deepEqual(
      [samples.status, JSON.parse(samples.body)],
      [413, envelope(413, 'Payload Too Large', 'The body has more than 2 samples')],
    );
  });

  test('more series with samples than allowed: 413 before any resource is created', async () => {
    const series = await write(app, [
      { labels: { __name__: 'a', job: 'j1' }, samples: [[T0, 1]] },
      { labels: { __name__: 'b' }, samples: [] },
      { labels: { __name__: 'c', job: 'j2' }, samples: [[T0, 2]] },
    ]);
    assert.deepEqual(
      [series.status, JSON.parse(series.body)],
      [413, envelope(413, 'Payload Too Large', 'The body has more than 1 time series')],
    );
    assert.equal(await opened.store.getResourceType('prometheus'), undefined);
  });
});
