import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { TimeseriesError } from '../errors.js';
import { resourceUuid } from './ids.js';
import { envelope, startHarness, type Harness } from './harness.test-support.js';
import { parseFilterString, validateFilter } from './search-filter.js';

describe('filter strings', () => {
  test('conditions, precedence, lists, literals', () => {
    assert.deepEqual(parseFilterString("user_id = 'x'"), { '=': { user_id: 'x' } });
    assert.deepEqual(parseFilterString("user_id = 'x' and host like 'compute%'"), {
      and: [{ '=': { user_id: 'x' } }, { like: { host: 'compute%' } }],
    });
    assert.deepEqual(parseFilterString('a = 1 or b = 2 and c = 3'), {
      or: [{ '=': { a: 1 } }, { and: [{ '=': { b: 2 } }, { '=': { c: 3 } }] }],
    });
    assert.deepEqual(parseFilterString('not (flavor_id != "1" and memory >= 24)'), {
      not: { and: [{ '!=': { flavor_id: '1' } }, { '>=': { memory: 24 } }] },
    });
    assert.deepEqual(parseFilterString('ended_at = null and up = true'), {
      and: [{ '=': { ended_at: null } }, { '=': { up: true } }],
    });
    assert.deepEqual(parseFilterString("id in ['a', 'b']"), { in: { id: ['a', 'b'] } });
    assert.deepEqual(parseFilterString('a ≥ 2 ∧ b ≠ 3'), { '∧': [{ '≥': { a: 2 } }, { '≠': { b: 3 } }] });
    assert.deepEqual(parseFilterString('id = 3bc01b32-3ed3-50c2-84f0-6e46176b0b8a'), {
      '=': { id: '3bc01b32-3ed3-50c2-84f0-6e46176b0b8a' },
    });
  });

  test('syntax errors → 400 Invalid filter', () => {
    for (const text of ['user_id =', "user_id 'x'", '(a = 1', 'a = 1 and']) {
      assert.throws(
        () => parseFilterString(text),
        (e: unknown) =>
          e instanceof TimeseriesError &&
          e.status === 400 &&
          typeof e.description === 'string' &&
          e.description.startsWith('Invalid filter: '),
        text,
      );
    }
  });

  test('validation maps ids and refuses bad shapes', () => {
    assert.deepEqual(validateFilter({ '=': { id: 'italia' } }, 'admin'), {
      '=': { id: resourceUuid('italia', 'admin') },
    });
    assert.equal(validateFilter({}, 'admin'), undefined);
    assert.throws(() => validateFilter({ foo: { a: 1 } }, 'admin'), /extra keys not allowed/);
    assert.throws(
      () => validateFilter({ '=': { a: 1, b: 2 } }, 'admin'),
      /length of value must be at most 1/,
    );
    assert.throws(() => validateFilter({ in: { a: [] } }, 'admin'), /length of value must be at least 1/);
    assert.throws(() => validateFilter({ and: [] }, 'admin'), /length of value must be at least 1/);
    assert.throws(
      () => validateFilter({ like: { id: 'x%' } }, 'admin'),
      /^TimeseriesError: Invalid input: extra keys not allowed @ data\['like'\]\['id'\]$/,
    );
  });
});

describe("filters keyed by Object.prototype's keys", () => {
  test('an operator named after a prototype key is an extra key; an attribute is a name like any other', () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      const filter = JSON.parse(`{"${name}": {"id": "italia"}}`) as unknown;
      assert.throws(
        () => validateFilter(filter, 'admin'),
        (e: unknown) => {
          assert.ok(e instanceof TimeseriesError);
          assert.deepEqual(e.description, {
            cause: 'Invalid input',
            reason: `extra keys not allowed @ data['${name}']`,
            detail: [name],
          });
          return true;
        },
      );
      const attribute = JSON.parse(`{"=": {"${name}": 1}}`) as unknown;
      assert.deepEqual(
        Object.keys((validateFilter(attribute, 'admin') as Record<string, object>)['='] ?? {}),
        [name],
      );
    }
  });
});

describe('resource search', () => {
  let h: Harness;
  const ids: Record<string, string> = {};
  before(async () => {
    h = await startHarness();
    await h.request('POST', '/v1/resource_type', {
      body: {
        name: 'host',
        attributes: { name: { type: 'string' }, cpus: { type: 'number', required: false } },
      },
    });
    for (const [id, name, cpus, user] of [
      ['h1', 'compute1', 4, 'alice'],
      ['h2', 'compute2', 8, 'bob'],
      ['h3', 'storage1', 16, null],
    ] as const) {
      const r = await h.request('POST', '/v1/resource/host', {
        body: { id, name, cpus, user_id: user, started_at: `2024-01-0${id.slice(1)}T00:00:00` },
      });
      ids[id] = (r.json() as { id: string }).id;
    }
    await h.request('PATCH', '/v1/resource/host/h3', { body: { ended_at: '2024-01-10T00:00:00' } });
  });
  after(async () => {
    await h.close();
  });

  const search = async (filter: unknown, qs = '', type = 'host'): Promise<string[]> => {
    const r = await h.request(
      'POST',
      `/v1/search/resource/${type}${qs}`,
      filter === undefined ? {} : { body: filter },
    );
    assert.equal(r.status, 200, r.body);
    return (r.json() as { original_resource_id: string }[]).map((x) => x.original_resource_id).sort();
  };

  test('JSON operators', async () => {
    assert.deepEqual(await search({ '=': { name: 'compute1' } }), ['h1']);
    assert.deepEqual(await search({ eq: { name: 'compute1' } }), ['h1']);
    assert.deepEqual(await search({ '>': { cpus: 4 } }), ['h2', 'h3']);
    assert.deepEqual(await search({ ge: { cpus: 8 } }), ['h2', 'h3']);
    assert.deepEqual(await search({ lt: { cpus: 8 } }), ['h1']);
    assert.deepEqual(await search({ '<=': { cpus: 8 } }), ['h1', 'h2']);
    assert.deepEqual(await search({ ne: { name: 'compute1' } }), ['h2', 'h3']);
    // Gnocchi's ne is `IS NULL OR !=`: h3 has no user.
    assert.deepEqual(await search({ ne: { user_id: 'alice' } }), ['h2', 'h3']);
    assert.deepEqual(await search({ ne: { user_id: null } }), ['h1', 'h2']);
    assert.deepEqual(await search({ in: { name: ['compute1', 'storage1'] } }), ['h1', 'h3']);
    assert.deepEqual(await search({ like: { name: 'compute%' } }), ['h1', 'h2']);
    assert.deepEqual(await search({ like: { name: 'compute_' } }), ['h1', 'h2']);
    assert.deepEqual(await search({ and: [{ like: { name: 'compute%' } }, { '=': { user_id: 'bob' } }] }), [
      'h2',
    ]);
    assert.deepEqual(await search({ or: [{ '=': { name: 'compute1' } }, { '=': { cpus: 16 } }] }), [
      'h1',
      'h3',
    ]);
    assert.deepEqual(await search({ not: { '=': { name: 'compute1' } } }), ['h2', 'h3']);
    assert.deepEqual(await search({ '=': { user_id: null } }), ['h3']);
    assert.deepEqual(await search({ '=': { id: 'h2' } }), ['h2']);
    assert.deepEqual(await search({ '>=': { started_at: '2024-01-02' } }), ['h2', 'h3']);
    assert.deepEqual(await search({ '>': { lifespan: '1 day' } }), ['h3']);
    assert.deepEqual(await search(undefined), ['h1', 'h2', 'h3']);
    assert.deepEqual(await search({ '=': { type: 'host' } }, '', 'generic'), ['h1', 'h2', 'h3']);
  });

  test('string filter in ?filter=', async () => {
    assert.deepEqual(
      await search(undefined, `?filter=${encodeURIComponent("name like 'compute%' and cpus >= 8")}`),
      ['h2'],
    );
    assert.deepEqual(await search(undefined, `?filter=${encodeURIComponent("id = 'h1' or id = 'h3'")}`), [
      'h1',
      'h3',
    ]);
    for (const text of ['name =', 'name == compute1']) {
      const bad = await h.request('POST', `/v1/search/resource/host?filter=${encodeURIComponent(text)}`);
      assert.equal(bad.status, 400);
      assert.match(String((bad.json() as { description: string }).description), /^Invalid filter: Expected /);
    }
  });

  test('another method on a search path: 404 for an unknown type, else 405 allowing POST', async () => {
    const unknown = await h.request('GET', '/v1/search/resource/foobar');
    assert.deepEqual(unknown.json(), envelope(404, 'Not Found', 'Resource type foobar does not exist'));
    const known = await h.request('GET', '/v1/search/resource/host');
    assert.deepEqual([known.status, known.headers.allow], [405, 'POST']);
  });

  test('errors: unknown attribute, bad value, unknown type, bad operator', async () => {
    const attr = await h.request('POST', '/v1/search/resource/host', { body: { '=': { color: 'red' } } });
    assert.equal(attr.status, 400);
    assert.deepEqual(attr.json(), envelope(400, 'Bad Request', 'Resource type host has no color attribute'));
    const value = await h.request('POST', '/v1/search/resource/host', { body: { '=': { cpus: 'many' } } });
    assert.deepEqual(value.json(), envelope(400, 'Bad Request', "Invalid value: `many' for field `cpus'"));
    const type = await h.request('POST', '/v1/search/resource/nope', { body: {} });
    assert.equal(type.status, 404);
    const op = await h.request('POST', '/v1/search/resource/host', { body: { '~': { cpus: 1 } } });
    assert.equal(op.status, 400);
    assert.equal((op.json() as { description: { cause: string } }).description.cause, 'Invalid input');
  });

  test("Object.prototype's keys: an unknown operator (400 Invalid input), an unknown attribute (400)", async () => {
    for (const name of ['toString', 'constructor', '__proto__']) {
      const op = await h.request('POST', '/v1/search/resource/host', {
        raw: `{"${name}": {"name": "compute1"}}`,
      });
      assert.equal(op.status, 400, `${name}: ${op.body}`);
      assert.deepEqual(
        op.json(),
        envelope(400, 'Bad Request', {
          cause: 'Invalid input',
          reason: `extra keys not allowed @ data['${name}']`,
          detail: [name],
        }),
      );
      const attr = await h.request('POST', '/v1/search/resource/host', { raw: `{"=": {"${name}": 1}}` });
      assert.equal(attr.status, 400, `${name}: ${attr.body}`);
      assert.deepEqual(
        attr.json(),
        envelope(400, 'Bad Request', `Resource type host has no ${name} attribute`),
      );
      if (name !== '__proto__') {
        const text = await h.request('POST', `/v1/search/resource/host?filter=${name}%20%3D%201`);
        assert.deepEqual(
          text.json(),
          envelope(400, 'Bad Request', `Resource type host has no ${name} attribute`),
        );
      }
      const sort = await h.request('GET', `/v1/resource/host?sort=${name}`);
      assert.equal(sort.status, 400, `${name}: ${sort.body}`);
    }
  });

  test('details, sort, limit and visibility', async () => {
    const generic = await h.request(
      'POST',
      '/v1/search/resource/generic?details=true&sort=started_at:desc&limit=2',
      {
        body: {},
      },
    );
    const list = generic.json() as { original_resource_id: string; name: string }[];
    assert.deepEqual(
      list.map((r) => r.original_resource_id),
      ['h3', 'h2'],
    );
    assert.equal(list[0]?.name, 'storage1');
    assert.match(String(generic.headers.link), /marker=/);
    const bob = await h.request('POST', '/v1/search/resource/host', { user: 'bob', body: {} });
    assert.deepEqual(bob.json(), []);
  });
});
