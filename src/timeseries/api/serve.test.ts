import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { describe, test } from 'node:test';
import { openTestStore } from './harness.test-support.js';
import { installDefaultArchivePolicies, parseListen, startTimeseriesServer } from './serve.js';

describe('serve', () => {
  test('parseListen', () => {
    assert.deepEqual(parseListen('127.0.0.1:8041'), { host: '127.0.0.1', port: 8041 });
    assert.deepEqual(parseListen('[::1]:0'), { host: '::1', port: 0 });
    assert.deepEqual(parseListen(':8041'), { host: '0.0.0.0', port: 8041 });
    assert.throws(() => parseListen('nope'), /expected host:port/);
    assert.throws(() => parseListen('h:70000'), /Invalid port/);
  });

  test('default policies are installed once, like gnocchi-upgrade', async () => {
    const opened = await openTestStore();
    const { store } = opened;
    try {
      await installDefaultArchivePolicies(store);
      await installDefaultArchivePolicies(store);
      assert.deepEqual((await store.listArchivePolicies()).map((p) => p.name).sort(), [
        'bool',
        'high',
        'low',
        'medium',
      ]);
      assert.deepEqual(await store.listRules(), [
        { name: 'default', metric_pattern: '*', archive_policy_name: 'low' },
      ]);
    } finally {
      await opened.dispose();
    }
  });

  test(
    'a body sent too slowly gets 408 and its connection closed (slowloris)',
    { timeout: 120_000 },
    async () => {
      const opened = await openTestStore();
      const server = await startTimeseriesServer({
        listen: '127.0.0.1:0',
        store: opened.store,
        auth: 'basic',
        requestTimeoutMs: 500,
      });
      const { port } = new URL(server.url);
      const socket = connect(Number(port), '127.0.0.1');
      try {
        await once(socket, 'connect');
        // Headers and one byte of a 100-byte body, then nothing: before, the request stayed open forever.
        socket.write(
          'POST /v1/influxdb/write HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Basic YWRtaW46\r\n' +
            'Content-Length: 100\r\n\r\nm',
        );
        const started = Date.now();
        let reply = '';
        socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
        await once(socket, 'close');
        assert.match(reply, /^HTTP\/1\.1 408 Request Timeout\r\n/);
        // Checked every second: Node's default check every 30 s held it for 30 s past its 0.5 s.
        assert.ok(Date.now() - started < 10_000, `closed after ${Date.now() - started} ms`);
      } finally {
        socket.destroy();
        await server.close();
        await opened.dispose();
      }
    },
  );

  test('serves HTTP on a free port with basic auth; close() stops it', async () => {
    const opened = await openTestStore();
    const server = await startTimeseriesServer({ listen: '127.0.0.1:0', store: opened.store, auth: 'basic' });
    try {
      assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      const root = await fetch(`${server.url}/`);
      assert.equal(root.status, 200);
      assert.equal(root.headers.get('content-type'), 'application/json');
      const body = (await root.json()) as { versions: { links: { href: string }[] }[] };
      assert.equal(body.versions[0]?.links[0]?.href, `${server.url}/v1/`);
      const denied = await fetch(`${server.url}/v1/metric`, { headers: { accept: 'application/json' } });
      assert.equal(denied.status, 401);
      const created = await fetch(`${server.url}/v1/metric`, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          'content-type': 'application/json',
          authorization: `Basic ${Buffer.from('admin:').toString('base64')}`,
        },
        body: JSON.stringify({ name: 'x' }),
      });
      assert.equal(created.status, 201);
      assert.match(created.headers.get('location') ?? '', new RegExp(`^${server.url}/v1/metric/`));
    } finally {
      await server.close();
      await opened.dispose();
    }
    await assert.rejects(fetch(`${server.url}/`));
  });

  test('an address in use or of another machine: Could not bind to, with the reason', async () => {
    const opened = await openTestStore();
    const first = await startTimeseriesServer({ listen: '127.0.0.1:0', store: opened.store, auth: 'none' });
    const taken = first.url.slice('http://'.length);
    try {
      await assert.rejects(startTimeseriesServer({ listen: taken, store: opened.store, auth: 'none' }), {
        message: `Could not bind to: ${taken}: address already in use`,
      });
      await assert.rejects(
        startTimeseriesServer({
          listen: '192.0.2.1:8041',
          store: opened.store,
          auth: 'none',
          allowInsecureListen: true,
        }),
        { message: 'Could not bind to: 192.0.2.1:8041: address not available' },
      );
      assert.equal((await fetch(`${first.url}/`)).status, 200, 'the first server is unaffected');
    } finally {
      await first.close();
      await opened.dispose();
    }
  });

  test('beyond loopback without credentials: refused before binding, unless allowInsecureListen', async () => {
    const opened = await openTestStore();
    try {
      await assert.rejects(
        startTimeseriesServer({ listen: '0.0.0.0:0', store: opened.store, auth: 'basic' }),
        {
          message: /^--listen 0\.0\.0\.0:0 is every interface, and with --auth basic /,
        },
      );
      const open = await startTimeseriesServer({
        listen: '0.0.0.0:0',
        store: opened.store,
        auth: 'basic',
        allowInsecureListen: true,
      });
      const port = new URL(open.url).port;
      assert.equal((await fetch(`http://127.0.0.1:${port}/`)).status, 200);
      await open.close();
    } finally {
      await opened.dispose();
    }
  });
});
