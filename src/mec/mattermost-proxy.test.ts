import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startProxy } from './lcm-proxy-test-env.test-support.js';
import { MattermostProxy } from './mattermost-proxy.js';

/** A slash command as Mattermost sends it: a url-encoded POST with its usual fields. */
async function slash(url: string, fields: Record<string, string>, init: RequestInit = {}) {
  const body = new URLSearchParams({
    channel_id: 'c1',
    command: '/etsi',
    response_url: 'http://127.0.0.1:1/hooks/x',
    team_domain: 'edge',
    user_name: 'alice',
    ...fields,
  }).toString();
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body,
    ...init,
  });
  return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as unknown };
}

describe('etsimeccli --mattermost-proxy', () => {
  let env: Awaited<ReturnType<typeof startProxy>>;
  let proxy: MattermostProxy;

  before(async () => {
    env = await startProxy();
    env.service.proxy.addLambda('clambda0');
    env.service.proxy.addLambda('facerec0');
    proxy = await MattermostProxy.start({
      listen: 'http://127.0.0.1:0/mattermost',
      etsiApiRoot: env.root,
      token: 's3cret',
    });
  });
  after(async () => {
    await proxy?.stop();
    await env?.stop();
  });

  test('a slash command with the token gets the application list as a Markdown table, in the channel', async () => {
    const expected = {
      response_type: 'in_channel',
      text:
        ' | appName  | appProvider | appSoftVersion |\n | -------- | ----------- | -------------- |\n' +
        ' | clambda0 | OpenLambdaMec | 1.0 | \n | facerec0 | OpenLambdaMec | 1.0 | \n',
    };
    assert.deepEqual(await slash(proxy.url, { token: 's3cret', text: 'app_list' }), {
      status: 200,
      type: 'application/json',
      body: expected,
    });
    // An empty text runs the only command; GET with the fields in the query works too.
    assert.deepEqual((await slash(proxy.url, { token: 's3cret', text: '' })).body, expected);
    const get = await fetch(`${proxy.url}?token=s3cret&text=app_list`);
    assert.deepEqual(await get.json(), expected);
  });

  test('a wrong or missing token gets 401; an unknown command an ephemeral answer', async () => {
    assert.deepEqual(await slash(proxy.url, { token: 'nope', text: 'app_list' }), {
      status: 401,
      type: 'application/json',
      body: { text: 'Invalid Mattermost token' },
    });
    assert.equal((await slash(proxy.url, { text: 'app_list' })).status, 401);
    assert.deepEqual((await slash(proxy.url, { token: 's3cret', text: 'rm -rf' })).body, {
      response_type: 'ephemeral',
      text: 'Unknown command: rm -rf (one of: app_list)',
    });
  });

  test('bad requests: other paths, methods, content types and over-large bodies get clear errors', async () => {
    const root = new URL(proxy.url);
    assert.deepEqual(await slash(`${root.origin}/other`, { token: 's3cret' }), {
      status: 404,
      type: 'application/json',
      body: { text: 'Not found: /other' },
    });
    const put = await fetch(proxy.url, { method: 'PUT', body: 'x' });
    assert.deepEqual(
      [put.status, await put.json()],
      [405, { text: 'Method PUT not allowed: use GET or POST' }],
    );
    const json = await fetch(proxy.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    assert.deepEqual(
      [json.status, await json.json()],
      [415, { text: "Content-Type must be application/x-www-form-urlencoded, not 'application/json'" }],
    );
    const big = await slash(proxy.url, { token: 's3cret', text: 'x'.repeat(20_000) });
    assert.deepEqual([big.status, big.body], [413, { text: 'Request body larger than 16384 bytes' }]);
    // The proxy still answers.
    assert.equal((await slash(proxy.url, { token: 's3cret' })).status, 200);
  });

  test('an ETSI MEC API that cannot be reached is said to the user, ephemerally', async () => {
    const dead = await MattermostProxy.start({
      listen: 'http://127.0.0.1:0/',
      etsiApiRoot: 'http://127.0.0.1:1',
      token: '',
    });
    try {
      const r = await slash(dead.url, { text: 'app_list' });
      assert.equal(r.status, 200);
      const body = r.body as { response_type: string; text: string };
      assert.equal(body.response_type, 'ephemeral');
      assert.match(body.text, /^Could not list the applications of http:\/\/127\.0\.0\.1:1: /);
    } finally {
      await dead.stop();
    }
  });
});
