// --max-concurrent-body-size against a real server on port 0: a body held half sent keeps its
// Content-Length reserved, so another that would pass the bound is a 503 before it is read; once the
// first is answered, the bytes are free again.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connect } from 'node:net';
import { test } from 'node:test';
import { openTestStore } from './harness.test-support.js';
import { startTimeseriesServer } from './serve.js';

const ADMIN = `Basic ${Buffer.from('admin:').toString('base64')}`;

test('a body that would pass --max-concurrent-body-size while another is received is a 503', async () => {
  const opened = await openTestStore();
  const server = await startTimeseriesServer({
    listen: '127.0.0.1:0',
    store: opened.store,
    auth: 'basic',
    maxConcurrentBodySize: 100,
  });
  const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
  try {
    await once(socket, 'connect');
    const policy = JSON.stringify({ name: 'p', definition: [{ granularity: '1 day', points: 10 }] }).padEnd(
      80,
    );
    let reply = '';
    socket.on('data', (chunk: Buffer) => (reply += chunk.toString('latin1')));
    // 80 bytes declared, 10 sent: the server holds 80 of its 100 while the rest comes.
    socket.write(
      `POST /v1/archive_policy HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${ADMIN}\r\n` +
        `Content-Type: application/json\r\nContent-Length: 80\r\nConnection: close\r\n\r\n${policy.slice(0, 10)}`,
    );
    const post = () =>
      fetch(`${server.url}/v1/search/resource/generic`, {
        method: 'POST',
        headers: { authorization: ADMIN, accept: 'application/json', 'content-type': 'application/json' },
        body: JSON.stringify({ '=': { user_id: 'x'.repeat(10) } }), // 30 bytes
      });
    let other = await post();
    while (other.status === 200) other = await post();
    assert.deepEqual(
      [other.status, await other.json()],
      [
        503,
        {
          code: 503,
          title: 'Service Unavailable',
          description:
            'Request bodies of 110 bytes at once, more than the 100 of --max-concurrent-body-size: try again later',
        },
      ],
    );
    socket.write(policy.slice(10));
    await once(socket, 'close');
    assert.match(reply, /^HTTP\/1\.1 201 Created\r\n/);
    assert.equal((await post()).status, 200);
  } finally {
    socket.destroy();
    await server.close();
    await opened.dispose();
  }
});
