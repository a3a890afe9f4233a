import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { formatPyFloat, pyFloat, pyJson } from './json.js';
import { envelope, startHarness, type Harness } from './harness.test-support.js';

describe('Python-style JSON', () => {
  test('floats keep their .0 and Python exponents', () => {
    assert.equal(formatPyFloat(86400), '86400.0');
    assert.equal(formatPyFloat(1.5), '1.5');
    assert.equal(formatPyFloat(1e16), '1e+16');
    assert.equal(formatPyFloat(1.5e-5), '1.5e-05');
    assert.equal(formatPyFloat(0.0001), '0.0001');
    assert.equal(formatPyFloat(-0), '-0.0');
    assert.equal(formatPyFloat(NaN), 'NaN');
  });

  test('separators and nesting as json.dumps', () => {
    assert.equal(
      pyJson({ a: [1, pyFloat(2)], b: null, c: 'x', d: true }),
      '{"a": [1, 2.0], "b": null, "c": "x", "d": true}',
    );
    assert.equal(pyJson([]), '[]');
    assert.equal(pyJson({ skipped: undefined }), '{}');
  });

  test('NaN and ±Infinity are written null, so that every reply is valid JSON (Python writes bare tokens)', () => {
    const text = pyJson([
      pyFloat(Infinity),
      pyFloat(-Infinity),
      pyFloat(NaN),
      Infinity,
      NaN,
      pyFloat(1.7e308),
    ]);
    assert.equal(text, '[null, null, null, null, null, 1.7e+308]');
    assert.deepEqual(JSON.parse(text), [null, null, null, null, null, 1.7e308]);
  });
});

describe('HTTP conventions', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness();
  });
  after(async () => {
    await h.close();
  });

  test('missing auth → 401 JSON envelope with empty description', async () => {
    const r = await h.request('GET', '/v1/archive_policy', { user: null });
    assert.equal(r.status, 401);
    assert.equal(r.headers['content-type'], 'application/json');
    assert.deepEqual(r.json(), envelope(401, 'Unauthorized', ''));
  });

  test('non-Basic Authorization → 401', async () => {
    const r = await h.request('GET', '/v1/archive_policy', {
      user: null,
      headers: { authorization: 'Bearer foo' },
    });
    assert.equal(r.status, 401);
    assert.deepEqual(r.json(), envelope(401, 'Unauthorized', ''));
  });

  test('without an Accept header errors are webob plain-text pages', async () => {
    const r = await h.request('POST', '/v1/metric', {
      accept: null,
      body: { name: 'x', archive_policy_name: 'no_such_policy' },
    });
    assert.equal(r.status, 400);
    assert.equal(r.headers['content-type'], 'text/plain; charset=UTF-8');
    assert.equal(
      r.body,
      '400 Bad Request\n\nThe server could not comply with the request since it is either malformed or ' +
        'otherwise incorrect.\n\n Archive policy no_such_policy does not exist  ',
    );
  });

  test('with an Accept header matching text/html but not JSON errors are webob HTML pages', async () => {
    const r = await h.request('GET', '/v1/archive_policy', { user: null, accept: '*/*' });
    assert.equal(r.status, 401);
    assert.equal(r.headers['content-type'], 'text/html; charset=UTF-8');
    assert.match(r.body, /^<html>\n <head>\n  <title>401 Unauthorized<\/title>/);
    assert.match(r.body, /<h1>401 Unauthorized<\/h1>/);
    const bad = await h.request('POST', '/v1/metric', {
      accept: 'text/html,*/*;q=0.8',
      body: { name: 'x', archive_policy_name: 'no_such_policy' },
    });
    assert.equal(bad.status, 400);
    assert.equal(
      bad.body,
      '<html>\n <head>\n  <title>400 Bad Request</title>\n </head>\n <body>\n  <h1>400 Bad Request</h1>\n' +
        '  The server could not comply with the request since it is either malformed or otherwise incorrect.<br /><br />\n' +
        'Archive policy no_such_policy does not exist\n\n\n </body>\n</html>',
    );
  });

  test('HTML page shows dict descriptions as Python repr, escaped', async () => {
    const r = await h.request('POST', '/v1/archive_policy', {
      accept: 'text/html,*/*;q=0.8',
      body: { name: 'x', definition: [], foo: 1 },
    });
    assert.equal(r.status, 400);
    assert.match(r.body, /\{'cause': 'Invalid input', 'reason': /);
  });

  test('wrong Content-Type → 415, missing → 415', async () => {
    const r = await h.request('POST', '/v1/metric', { raw: '{}', headers: { 'content-type': 'text/plain' } });
    assert.equal(r.status, 415);
    assert.deepEqual(r.json(), envelope(415, 'Unsupported Media Type', ''));
    const none = await h.app.inject({
      method: 'POST',
      url: '/v1/metric',
      headers: {
        authorization: `Basic ${Buffer.from('admin:').toString('base64')}`,
        accept: 'application/json',
      },
    });
    assert.equal(none.statusCode, 415);
  });

  test('malformed JSON → 400 Unable to decode body', async () => {
    const r = await h.request('POST', '/v1/metric', { raw: '{not json' });
    assert.equal(r.status, 400);
    const body = r.json() as { description: { cause: string; reason: string; detail: unknown } };
    assert.equal(body.description.cause, 'Unable to decode body');
    assert.deepEqual(body.description.detail, []);
    assert.equal(typeof body.description.reason, 'string');
  });

  test('Accept that cannot be JSON → 406 with null description', async () => {
    const r = await h.request('GET', '/v1/archive_policy', { accept: 'text/plain' });
    assert.equal(r.status, 406);
    const json = await h.request('GET', '/v1/archive_policy', { accept: 'text/plain, application/json' });
    assert.equal(json.status, 200);
    const any = await h.request('GET', '/v1/archive_policy', { accept: '*/*' });
    assert.equal(any.status, 200);
  });

  test('unsupported method on a known path → 405 with Allow', async () => {
    const r = await h.request('PUT', '/v1/archive_policy');
    assert.equal(r.status, 405);
    assert.deepEqual(r.json(), envelope(405, 'Method Not Allowed', ''));
    assert.equal(r.headers.allow, 'POST, GET, HEAD');
    const d = await h.request('DELETE', '/v1/metric');
    assert.equal(d.status, 405);
  });

  test('unknown path → 404', async () => {
    const r = await h.request('GET', '/v1/nothing-here');
    assert.equal(r.status, 404);
    assert.deepEqual(r.json(), envelope(404, 'Not Found', 'The resource could not be found.'));
  });

  test('trailing and doubled slashes are tolerated (the Python client sends both)', async () => {
    assert.equal((await h.request('GET', '/v1/archive_policy/')).status, 200);
    const r = await h.request('GET', '/v1/archive_policy//low');
    assert.equal(r.status, 200);
    assert.equal((r.json() as { name: string }).name, 'low');
  });
});
