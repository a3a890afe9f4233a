import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { envelope, startHarness, type Harness } from './harness.test-support.js';

describe('resource types', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('generic always exists', async () => {
    const r = await h.request('GET', '/v1/resource_type/generic');
    assert.equal(r.status, 200);
    assert.deepEqual(r.json(), { name: 'generic', attributes: {}, state: 'active' });
  });

  test('create → 201 + Location with defaults in Gnocchi key order', async () => {
    const r = await h.request('POST', '/v1/resource_type', {
      body: {
        name: 'region',
        attributes: {
          code: { type: 'string', min_length: 2, max_length: 2 },
          population: { type: 'number', required: false, min: 0 },
          capital: { type: 'uuid', required: false },
          island: { type: 'bool', required: false },
          founded: { type: 'datetime', required: false },
        },
      },
    });
    assert.equal(r.status, 201);
    assert.equal(r.headers.location, 'http://localhost:80/v1/resource_type/region');
    assert.equal(
      r.body,
      '{"name": "region", "attributes": {"code": {"type": "string", "required": true, "max_length": 2, "min_length": 2}, ' +
        '"population": {"type": "number", "required": false, "min": 0, "max": null}, ' +
        '"capital": {"type": "uuid", "required": false}, "island": {"type": "bool", "required": false}, ' +
        '"founded": {"type": "datetime", "required": false}}, "state": "active"}',
    );
  });

  test('duplicate → 409; non-admin → 403', async () => {
    const dup = await h.request('POST', '/v1/resource_type', { body: { name: 'region' } });
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json(), envelope(409, 'Conflict', 'Resource type region already exists'));
    const generic = await h.request('POST', '/v1/resource_type', { body: { name: 'generic' } });
    assert.equal(generic.status, 409);
    const bob = await h.request('POST', '/v1/resource_type', { user: 'bob', body: { name: 'bobs' } });
    assert.equal(bob.status, 403);
  });

  test('invalid attributes → 400', async () => {
    const reserved = await h.request('POST', '/v1/resource_type', {
      body: { name: 't1', attributes: { id: { type: 'string' } } },
    });
    assert.equal(reserved.status, 400);
    assert.deepEqual(
      reserved.json(),
      envelope(400, 'Bad Request', 'Invalid input: Resource attribute name id is invalid'),
    );
    const minmax = await h.request('POST', '/v1/resource_type', {
      body: { name: 't2', attributes: { x: { type: 'number', min: 5, max: 1 } } },
    });
    assert.deepEqual(
      minmax.json(),
      envelope(
        400,
        'Bad Request',
        'Invalid input: Resource attribute value min (or min_length) 5 must be less  than or equal to max (or max_length) 1!',
      ),
    );
    const badType = await h.request('POST', '/v1/resource_type', {
      body: { name: 't3', attributes: { x: { type: 'color' } } },
    });
    assert.equal(badType.status, 400);
    assert.deepEqual((badType.json() as { description: { detail: unknown } }).description.detail, [
      'attributes',
      'x',
    ]);
    const noName = await h.request('POST', '/v1/resource_type', { body: { attributes: {} } });
    assert.deepEqual(
      noName.json(),
      envelope(400, 'Bad Request', {
        cause: 'Invalid input',
        reason: "required key not provided @ data['name']",
        detail: ['name'],
      }),
    );
  });

  test("attribute types named after Object.prototype's keys are not valid values (400, not 500)", async () => {
    for (const type of ['toString', 'constructor', '__proto__']) {
      const r = await h.request('POST', '/v1/resource_type', {
        body: { name: `t-${type}`, attributes: { x: { type, required: false } } },
      });
      assert.equal(r.status, 400, `${type}: ${r.body}`);
      assert.deepEqual(
        r.json(),
        envelope(400, 'Bad Request', {
          cause: 'Invalid input',
          reason: "not a valid value for dictionary value @ data['attributes']['x']",
          detail: ['attributes', 'x'],
        }),
      );
    }
  });

  test('list, show, unknown → 404', async () => {
    const list = await h.request('GET', '/v1/resource_type');
    assert.deepEqual(
      (list.json() as { name: string }[]).map((t) => t.name),
      ['generic', 'region'],
    );
    const missing = await h.request('GET', '/v1/resource_type/nope');
    assert.equal(missing.status, 404);
    assert.deepEqual(missing.json(), envelope(404, 'Not Found', 'Resource type nope does not exist'));
  });

  test('PATCH adds attributes (existing resources get the fill) and removes them; admin only', async () => {
    const created = await h.request('POST', '/v1/resource/region', { body: { id: 'sicilia', code: 'SI' } });
    assert.equal(created.status, 201);
    const patch = (body: unknown, user = 'admin', type = 'application/json-patch+json') =>
      h.request('PATCH', '/v1/resource_type/region', { body, user, headers: { 'content-type': type } });
    const ops = [
      {
        op: 'add',
        path: '/attributes/area',
        value: { type: 'number', required: true, options: { fill: 25 } },
      },
      { op: 'add', path: '/attributes/motto', value: { type: 'string', required: false } },
      { op: 'remove', path: '/attributes/founded' },
    ];
    assert.equal((await patch(ops, 'bob')).status, 403);
    assert.equal((await patch(ops, 'admin', 'application/json')).status, 415);
    const r = await patch(ops);
    assert.equal(r.status, 200);
    assert.deepEqual(Object.keys((r.json() as { attributes: object }).attributes), [
      'code',
      'population',
      'capital',
      'island',
      'area',
      'motto',
    ]);
    const resource = (await h.request('GET', '/v1/resource/region/sicilia')).json() as Record<
      string,
      unknown
    >;
    assert.deepEqual([resource.area, resource.motto, 'founded' in resource], [25, null, false]);
    const again = await patch([{ op: 'remove', path: '/attributes/founded' }]);
    assert.equal(again.status, 400);
    assert.deepEqual(
      again.json(),
      envelope(400, 'Bad Request', "can't remove a non-existent object 'founded'"),
    );
    const missingFill = await patch([{ op: 'add', path: '/attributes/x', value: { type: 'bool' } }]);
    assert.deepEqual(
      missingFill.json(),
      envelope(
        400,
        'Bad Request',
        "Invalid input: Option 'fill' of resource attribute x is invalid: must not be empty if required=True",
      ),
    );
    assert.equal((await h.request('DELETE', '/v1/resource/region/sicilia')).status, 204);
  });

  test('delete: 400 while in use, then 204, then 404', async () => {
    const created = await h.request('POST', '/v1/resource/region', {
      body: { id: 'lazio', code: 'LZ', area: 17 },
    });
    assert.equal(created.status, 201);
    const inUse = await h.request('DELETE', '/v1/resource_type/region');
    assert.equal(inUse.status, 400);
    assert.deepEqual(inUse.json(), envelope(400, 'Bad Request', 'Resource type region is still in use'));
    assert.equal((await h.request('DELETE', '/v1/resource/region/lazio')).status, 204);
    assert.equal((await h.request('DELETE', '/v1/resource_type/region', { user: 'bob' })).status, 403);
    assert.equal((await h.request('DELETE', '/v1/resource_type/region')).status, 204);
    assert.equal((await h.request('DELETE', '/v1/resource_type/region')).status, 404);
  });
});
