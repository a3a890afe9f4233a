import assert from 'node:assert/strict';
import net from 'node:net';
import { test } from 'node:test';
import { bindError, socketErrorReason } from './socket-errors.js';

/** An error as Node's sockets make them: a message and an errno `code`. */
function errno(code: string, message = `${code.toLowerCase()} somewhere`): Error {
  return Object.assign(new Error(message), { code });
}

test('socketErrorReason reads the errno code of the error or of its causes', () => {
  assert.equal(socketErrorReason(errno('ECONNREFUSED')), 'connection refused');
  assert.equal(socketErrorReason(errno('EADDRINUSE')), 'address already in use');
  assert.equal(socketErrorReason(errno('EACCES')), 'permission denied');
  assert.equal(socketErrorReason(errno('EADDRNOTAVAIL')), 'address not available');
  assert.equal(socketErrorReason(errno('ENOTFOUND')), 'host not found');
  assert.equal(
    socketErrorReason(new Error('fetch failed', { cause: errno('EHOSTUNREACH') })),
    'host unreachable',
  );
});

test('socketErrorReason finds a code quoted in a message, as grpc-js writes them', () => {
  assert.equal(
    socketErrorReason(
      new Error(
        'No address added out of total 1 resolved errors: [listen EADDRINUSE: address already in use 127.0.0.1:6473]',
      ),
    ),
    'address already in use',
  );
  assert.equal(
    socketErrorReason(
      new Error(
        'RPC failed: No connection established. Last error: Error: connect ECONNREFUSED 127.0.0.1:6474. Resolution note: ',
      ),
    ),
    'connection refused',
  );
  assert.equal(
    socketErrorReason(new Error('RPC failed: Name resolution failed for target dns:nowhere.invalid:6474')),
    'host not found',
  );
});

test('socketErrorReason is undefined for what is not a socket failure', () => {
  assert.equal(socketErrorReason(new Error('RPC failed: boom')), undefined);
  assert.equal(socketErrorReason(errno('EWHATEVER')), undefined);
  assert.equal(socketErrorReason(undefined), undefined);
  assert.equal(socketErrorReason('ENOENT'), undefined);
});

test('bindError says why: in use, permission (with the privileged-port hint), not local, unknown', () => {
  assert.equal(
    bindError('127.0.0.1:6473', errno('EADDRINUSE')).message,
    'Could not bind to: 127.0.0.1:6473: address already in use',
  );
  assert.equal(
    bindError('0.0.0.0:80', errno('EACCES')).message,
    'Could not bind to: 0.0.0.0:80: permission denied (ports below 1024 need privileges)',
  );
  assert.equal(
    bindError('0.0.0.0:8080', errno('EACCES')).message,
    'Could not bind to: 0.0.0.0:8080: permission denied',
  );
  assert.equal(
    bindError('192.0.2.1:6473', errno('EADDRNOTAVAIL')).message,
    'Could not bind to: 192.0.2.1:6473: address not available',
  );
  assert.equal(
    bindError('[::1]:6473', new Error('something odd')).message,
    'Could not bind to: [::1]:6473: something odd',
  );
  assert.equal(bindError('127.0.0.1:6473', undefined).message, 'Could not bind to: 127.0.0.1:6473');
  const cause = errno('EADDRINUSE');
  assert.equal(bindError('127.0.0.1:6473', cause).cause, cause);
});

test('bindError of a real listen on a port in use', async () => {
  const holder = net.createServer();
  await new Promise<void>((resolve) => holder.listen(0, '127.0.0.1', resolve));
  const { port } = holder.address() as net.AddressInfo;
  const second = net.createServer();
  try {
    const err = await new Promise<Error>((resolve) => {
      second.once('error', resolve);
      second.listen(port, '127.0.0.1');
    });
    assert.equal(
      bindError(`127.0.0.1:${port}`, err).message,
      `Could not bind to: 127.0.0.1:${port}: address already in use`,
    );
  } finally {
    await new Promise<void>((resolve) => holder.close(() => resolve()));
  }
});
