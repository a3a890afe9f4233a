import assert from 'node:assert/strict';
import { hostname } from 'node:os';
import { after, before, describe, test } from 'node:test';
import { allowedHostNames, hostOfHeader, normalHostName } from './host-check.js';
import { startHarness, type Harness } from './harness.test-support.js';

test('host names of Host headers: port dropped, lower case, IPv6 in brackets, no trailing dot', () => {
  assert.equal(hostOfHeader('LocalHost:8041'), 'localhost');
  assert.equal(hostOfHeader('[::1]:8041'), '[::1]');
  assert.equal(hostOfHeader('[::1]'), '[::1]');
  assert.equal(hostOfHeader('example.org.'), 'example.org');
  assert.equal(normalHostName('::1'), '[::1]');
});

test('allowed names: loopback, the listen host or the machine’s names for a wildcard, extras, * for any', () => {
  assert.deepEqual(
    [...(allowedHostNames('10.1.2.3', ['ts.example.org']) as Set<string>)],
    ['localhost', '127.0.0.1', '[::1]', 'ts.example.org', '10.1.2.3'],
  );
  const wildcard = allowedHostNames('0.0.0.0') as Set<string>;
  assert.ok(wildcard.has(hostname().toLowerCase()));
  assert.ok(wildcard.has('127.0.0.1'));
  assert.equal(allowedHostNames('::', ['a', '*']), 'any');
});

describe('Host and Origin checks on every request', () => {
  let h: Harness;
  before(async () => {
    h = await startHarness({ auth: 'none' });
  });
  after(() => h.close());

  const answer = async (method: string, headers: Record<string, string>, body?: unknown) => {
    const r = await h.request(method, method === 'GET' ? '/v1/metric' : '/v1/metric', {
      user: null,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    return {
      status: r.status,
      description: r.status === 403 ? (r.json() as { description: string }).description : '',
    };
  };

  test('a Host of another name (DNS rebinding) is 403 naming it and the option', async () => {
    for (const host of ['127.0.0.1:8041', 'localhost', '[::1]:8041', 'LOCALHOST.:80']) {
      assert.equal((await answer('GET', { host })).status, 200, host);
    }
    assert.deepEqual(await answer('GET', { host: 'evil.example:8041' }), {
      status: 403,
      description:
        "Host 'evil.example:8041' is not a name of this server: add it to --allowed-hosts to serve it",
    });
    const gui = await h.request('GET', '/ui/auth.json', { user: null, headers: { host: 'evil.example' } });
    assert.equal(gui.status, 403, 'the GUI’s files too');
  });

  test('a request that could change something from another origin is 403; same origin and reads pass', async () => {
    const body = { name: 'm', archive_policy_name: 'low' };
    assert.equal(
      (await answer('POST', { host: '127.0.0.1:8041', origin: 'http://127.0.0.1:8041' }, body)).status,
      201,
    );
    assert.equal(
      (await answer('POST', { host: 'localhost', origin: 'https://localhost' }, body)).status,
      201,
    );
    assert.equal((await answer('POST', {}, body)).status, 201, 'no Origin: not a browser');
    assert.equal((await answer('GET', { host: 'localhost', origin: 'http://evil.example' })).status, 200);
    for (const origin of ['http://evil.example', 'http://127.0.0.1:8042', 'null']) {
      for (const method of ['POST', 'DELETE', 'PATCH', 'PUT']) {
        const r = await answer(method, { host: '127.0.0.1:8041', origin }, body);
        assert.deepEqual(
          r,
          {
            status: 403,
            description: `Origin '${origin}' is not this server's: a page of another site may not change anything here`,
          },
          `${method} from ${origin}`,
        );
      }
    }
  });
});

test('--allowed-hosts adds names; * turns the Host check off', async () => {
  const { buildApp } = await import('./app.js');
  const { openTestStore } = await import('./harness.test-support.js');
  const opened = await openTestStore();
  try {
    for (const [allowed, host, status] of [
      [['ts.example.org'], 'ts.example.org:443', 200],
      [['ts.example.org'], 'other.example.org', 403],
      [['*'], 'anything.example', 200],
    ] as const) {
      const app = buildApp(opened.store, { auth: 'none', allowedHosts: allowed });
      const r = await app.inject({
        method: 'GET',
        url: '/v1/metric',
        headers: { host, accept: 'application/json' },
      });
      assert.equal(r.statusCode, status, `${allowed.join(',')} ${host}`);
      await app.close();
    }
  } finally {
    await opened.dispose();
  }
});
