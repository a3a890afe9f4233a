/** `--auth users` over the API (app.inject): passwords and tokens checked, challenges, ownership; basic unchanged. */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startHarness, type Harness } from './harness.test-support.js';
import { hashPassword, tokenHash } from './password-hash.js';
import { UserDirectory } from './user-directory.js';
import { parseUsersFile } from './users-file.js';

const CHALLENGES = ['Basic realm="soe-timeseries", charset="UTF-8"', 'Bearer realm="soe-timeseries"'];

function basicAuth(user: string, password: string): string {
  return `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
}

describe('--auth users', () => {
  let h: Harness;
  before(async () => {
    const text =
      `root admin password ${await hashPassword('r00t pw')}\n` +
      `ann user password ${await hashPassword('ann pw')}\n` +
      `ann user token ${tokenHash('soe_ann_token')}\n`;
    h = await startHarness({ auth: 'users', users: new UserDirectory(parseUsersFile(text, 'users')) });
  });
  after(() => h.close());

  const get = (url: string, headers: Record<string, string>) =>
    h.request('GET', url, { user: null, headers });

  test('no credentials: 401 saying what to send, with Basic and Bearer challenges', async () => {
    const r = await get('/v1/metric', {});
    assert.equal(r.status, 401);
    assert.deepEqual(r.headers['www-authenticate'], CHALLENGES);
    assert.deepEqual(r.json(), {
      code: 401,
      title: 'Unauthorized',
      description: 'Authentication required: a user name and password (Basic) or a token (Bearer)',
    });
  });

  test('a wrong password, an unknown user or no password: 401 with the challenges', async () => {
    for (const authorization of [
      basicAuth('root', 'r00t'),
      basicAuth('nobody', 'r00t pw'),
      basicAuth('root', ''),
      `Basic ${Buffer.from('root').toString('base64')}`,
    ]) {
      const r = await get('/v1/metric', { authorization });
      assert.equal(r.status, 401, authorization);
      assert.deepEqual(r.headers['www-authenticate'], CHALLENGES);
      assert.equal((r.json() as { description: string }).description, 'Wrong user name or password');
    }
  });

  test('the right password: 200, and an admin role sees everything', async () => {
    const r = await get('/v1/metric', { authorization: basicAuth('root', 'r00t pw') });
    assert.equal(r.status, 200);
    assert.equal(r.headers['www-authenticate'], undefined);
    const status = await get('/v1/status', { authorization: basicAuth('root', 'r00t pw') });
    assert.equal(status.status, 200);
  });

  test('a user of role user sees only what it created, and is not admin', async () => {
    const ann = { authorization: basicAuth('ann', 'ann pw') };
    const created = await h.request('POST', '/v1/metric', { user: null, headers: ann, body: { name: 'm' } });
    assert.equal(created.status, 201);
    const metric = created.json() as { id: string; creator: string };
    assert.equal(metric.creator, 'ann');
    const byRoot = await h.request('POST', '/v1/metric', {
      user: null,
      headers: { authorization: basicAuth('root', 'r00t pw') },
      body: { name: 'r' },
    });
    const rootMetric = byRoot.json() as { id: string };
    assert.equal((await get(`/v1/metric/${metric.id}`, ann)).status, 200);
    assert.equal((await get(`/v1/metric/${rootMetric.id}`, ann)).status, 403);
    assert.equal((await get('/v1/status', ann)).status, 403);
    const ids = ((await get('/v1/metric', ann)).json() as { id: string }[]).map((m) => m.id);
    assert.deepEqual(ids, [metric.id]);
  });

  test('a user named admin is not an administrator unless its role says so', async () => {
    const r = await get('/v1/status', { authorization: basicAuth('admin', '') });
    assert.equal(r.status, 401);
  });

  test('a token as Bearer or X-Auth-Token identifies its user; an unknown one is 401 invalid_token', async () => {
    const bearer = await get('/v1/metric', { authorization: 'Bearer soe_ann_token' });
    assert.equal(bearer.status, 200);
    const openstack = await get('/v1/status', { 'x-auth-token': 'soe_ann_token' });
    assert.equal(openstack.status, 403, 'ann, not an administrator');
    const unknown = await get('/v1/metric', { authorization: 'Bearer soe_ann_tokeN' });
    assert.equal(unknown.status, 401);
    assert.deepEqual(unknown.headers['www-authenticate'], [
      CHALLENGES[0],
      'Bearer realm="soe-timeseries", error="invalid_token"',
    ]);
    assert.equal((unknown.json() as { description: string }).description, 'Unknown token');
  });

  test('the GUI (X-Requested-With) gets its 401 without challenge, so no browser dialog opens', async () => {
    const r = await get('/v1/metric', { 'x-requested-with': 'XMLHttpRequest' });
    assert.equal(r.status, 401);
    assert.equal(r.headers['www-authenticate'], undefined);
  });

  test('public routes and the GUI description need no credentials', async () => {
    assert.equal((await get('/', {})).status, 200);
    assert.deepEqual((await get('/ui/auth.json', {})).json(), {
      mode: 'users',
      admin_user: null,
      password_checked: true,
    });
  });
});

describe('--auth basic stays Gnocchi’s', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ auth: 'basic' });
  });
  after(() => h.close());

  test('the user name is the identity, any password goes, no challenge', async () => {
    for (const password of ['', 'anything', 'r00t pw']) {
      const r = await h.request('GET', '/v1/status', {
        user: null,
        headers: { authorization: basicAuth('admin', password) },
      });
      assert.equal(r.status, 200, password);
    }
    const none = await h.request('GET', '/v1/metric', { user: null });
    assert.equal(none.status, 401);
    assert.equal(none.headers['www-authenticate'], undefined);
    assert.deepEqual(none.json(), { code: 401, title: 'Unauthorized', description: '' });
    const bearer = await h.request('GET', '/v1/metric', {
      user: null,
      headers: { authorization: 'Bearer x' },
    });
    assert.equal(bearer.status, 401);
  });
});
