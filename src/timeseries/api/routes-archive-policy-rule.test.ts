import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelope, startHarness, type Harness } from './harness.test-support.js';

describe('archive policy rules', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('create → 201 + Location; duplicate → 409; unknown policy → 400 as Gnocchi’s {cause, detail}', async () => {
    const r = await h.request('POST', '/v1/archive_policy_rule', {
      body: { name: 'disk', metric_pattern: 'disk.*', archive_policy_name: 'medium' },
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, 'http://localhost:80/v1/archive_policy_rule/disk');
    assert.deepEqual(r.json(), { name: 'disk', metric_pattern: 'disk.*', archive_policy_name: 'medium' });
    const dup = await h.request('POST', '/v1/archive_policy_rule', {
      body: { name: 'disk', metric_pattern: 'x.*', archive_policy_name: 'low' },
    });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json(), envelope(409, 'Conflict', 'Archive policy rule disk already exists'));
    const bad = await h.request('POST', '/v1/archive_policy_rule', {
      body: { name: 'x', metric_pattern: 'x.*', archive_policy_name: 'nope' },
    });
    assert.equal(bad.status, 400);
    assert.deepEqual(
      bad.json(),
      envelope(400, 'Bad Request', { cause: 'Archive policy does not exist', detail: 'nope' }),
    );
  });

  test('schema errors', async () => {
    const missing = await h.request('POST', '/v1/archive_policy_rule', {
      body: { name: 'y', metric_pattern: 'y' },
    });
    assert.equal(missing.status, 400);
    assert.deepEqual(
      missing.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "required key not provided @ data['archive_policy_name']",
        detail: ['archive_policy_name'],
      }),
    );
    const extra = await h.request('POST', '/v1/archive_policy_rule', {
      body: { name: 'y', metric_pattern: 'y', archive_policy_name: 'low', foo: 1 },
    });
    assert.deepEqual(
      extra.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "extra keys not allowed @ data['foo']",
        detail: ['foo'],
      }),
    );
  });

  test('list in reverse metric_pattern order; the first match picks a new metric policy', async () => {
    await h.request('POST', '/v1/archive_policy_rule', {
      body: { name: 'diskio', metric_pattern: 'disk.io.*', archive_policy_name: 'high' },
    });
    const list = await h.request('GET', '/v1/archive_policy_rule');
    assert.deepEqual(
      (list.json() as { metric_pattern: string }[]).map((r) => r.metric_pattern),
      ['disk.io.*', 'disk.*', '*'],
    );
    const io = await h.request('POST', '/v1/metric', { body: { name: 'disk.io.read' } });
    assert.equal((io.json() as { archive_policy_name: string }).archive_policy_name, 'high');
    const disk = await h.request('POST', '/v1/metric', { body: { name: 'disk.usage' } });
    assert.equal((disk.json() as { archive_policy_name: string }).archive_policy_name, 'medium');
    const other = await h.request('POST', '/v1/metric', { body: { name: 'Lazio' } });
    assert.equal((other.json() as { archive_policy_name: string }).archive_policy_name, 'low');
  });

  test('show, rename, delete', async () => {
    assert.equal((await h.request('GET', '/v1/archive_policy_rule/disk')).status, 200);
    const missing = await h.request('GET', '/v1/archive_policy_rule/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), envelope(404, 'Not Found', 'Archive policy rule nope does not exist'));
    const renamed = await h.request('PATCH', '/v1/archive_policy_rule/disk', { body: { name: 'disk2' } });
    assert.equal(renamed.status, 200);
    assert.deepEqual(renamed.json(), {
      name: 'disk2',
      metric_pattern: 'disk.*',
      archive_policy_name: 'medium',
    });
    const clash = await h.request('PATCH', '/v1/archive_policy_rule/disk2', { body: { name: 'default' } });
    assert.equal(clash.status, 400);
    assert.deepEqual(
      clash.json(),
      envelope(
        400,
        'Bad Request',
        'Archive policy rule disk2 does not support change: Archive policy rule default already exists.',
      ),
    );
    assert.equal((await h.request('DELETE', '/v1/archive_policy_rule/disk2', { user: 'bob' })).status, 403);
    assert.equal((await h.request('DELETE', '/v1/archive_policy_rule/disk2')).status, 204);
    assert.equal((await h.request('DELETE', '/v1/archive_policy_rule/disk2')).status, 404);
  });

  test('no matching rule → 400', async () => {
    assert.equal((await h.request('DELETE', '/v1/archive_policy_rule/default')).status, 204);
    const r = await h.request('POST', '/v1/metric', { body: { name: 'cpu' } });
    assert.equal(r.status, 400);
    assert.deepEqual(
      r.json(),
      envelope(
        400,
        'Bad Request',
        'No archive policy name specified and no archive policy rule found matching the metric name cpu',
      ),
    );
  });
});
