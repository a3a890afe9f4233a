import assert from 'node:assert/strict';
import { test } from 'node:test';
import { checkEndpoint, GnocchiClient } from './gnocchi-client.js';

test('checkEndpoint takes http and https URLs', () => {
  for (const ok of [
    'http://127.0.0.1:8041',
    'https://gnocchi.example:8041/',
    'http://[::1]:8041',
    'http://h/gnocchi',
  ])
    assert.doesNotThrow(() => checkEndpoint(ok), ok);
});

test('checkEndpoint names the option and shows the expected form', () => {
  const expected = (got: string): string =>
    `--endpoint: expected an http:// or https:// URL such as http://127.0.0.1:8041, got '${got}'`;
  for (const bad of [
    '127.0.0.1:8041',
    'localhost:8041',
    'ftp://127.0.0.1:8041',
    '',
    'http://',
    'http://u:p@h:8041',
  ])
    assert.throws(() => checkEndpoint(bad, '--endpoint'), { message: expected(bad) }, bad);
});

test('a client of something that is not an http(s) URL is refused at once', () => {
  assert.throws(() => new GnocchiClient('127.0.0.1:8041'), {
    message:
      "endpoint: expected an http:// or https:// URL such as http://127.0.0.1:8041, got '127.0.0.1:8041'",
  });
});

test('under --auth users the client signs in with a password or a bearer token', async () => {
  const { openTestStore } = await import('../timeseries/api/harness.test-support.js');
  const { startTimeseriesServer } = await import('../timeseries/api/serve.js');
  const { hashPassword, tokenHash } = await import('../timeseries/api/password-hash.js');
  const { UserDirectory } = await import('../timeseries/api/user-directory.js');
  const { parseUsersFile } = await import('../timeseries/api/users-file.js');
  const opened = await openTestStore();
  const users = new UserDirectory(
    parseUsersFile(
      `loader user password ${await hashPassword('pw')}\nloader user token ${tokenHash('soe_t')}\n`,
      'users',
    ),
  );
  const server = await startTimeseriesServer({
    listen: '127.0.0.1:0',
    store: opened.store,
    auth: 'users',
    users,
  });
  try {
    const list = (client: GnocchiClient) => client.request<unknown[]>('GET', '/v1/archive_policy');
    assert.equal((await list(new GnocchiClient(server.url, { user: 'loader', password: 'pw' }))).length, 4);
    assert.equal((await list(new GnocchiClient(server.url, { token: 'soe_t' }))).length, 4);
    await assert.rejects(list(new GnocchiClient(server.url, { user: 'loader' })), {
      name: 'GnocchiError',
      status: 401,
      message: 'GET /v1/archive_policy: 401 Unauthorized: Wrong user name or password',
    });
  } finally {
    await server.close();
    await opened.dispose();
  }
});
