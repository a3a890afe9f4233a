import assert from 'node:assert/strict';
import { hostname, networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { isOwnEndpoint } from './own-endpoint.js';

/** An address of a network interface of this machine that is not a loopback one, if there is one. */
const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((a) => a !== undefined && !a.internal && a.family === 'IPv4')?.address;

test('bound to every address: any name or address of this machine on the same port is ourselves', () => {
  for (const bound of ['0.0.0.0:6473', '[::]:6473']) {
    for (const self of [
      '127.0.0.1:6473',
      '127.1.2.3:6473',
      'localhost:6473',
      'LOCALHOST:6473',
      '[::1]:6473',
    ]) {
      assert.equal(isOwnEndpoint(self, bound), true, `${self} vs ${bound}`);
    }
    assert.equal(isOwnEndpoint(`${hostname()}:6473`, bound), true);
    assert.equal(isOwnEndpoint('0.0.0.0:6473', bound), true);
    if (lanAddress !== undefined) assert.equal(isOwnEndpoint(`${lanAddress}:6473`, bound), true);
    assert.equal(isOwnEndpoint('127.0.0.1:6474', bound), false);
    assert.equal(isOwnEndpoint('192.0.2.1:6473', bound), false);
    assert.equal(isOwnEndpoint('example.org:6473', bound), false);
  }
});

test('bound to loopback: loopback names and 0.0.0.0 are ourselves, other addresses are not', () => {
  assert.equal(isOwnEndpoint('127.0.0.1:41000', '127.0.0.1:41000'), true);
  assert.equal(isOwnEndpoint('localhost:41000', '127.0.0.1:41000'), true);
  assert.equal(isOwnEndpoint('[::ffff:127.0.0.1]:41000', '127.0.0.1:41000'), true);
  assert.equal(isOwnEndpoint('0.0.0.0:41000', '127.0.0.1:41000'), true);
  if (lanAddress !== undefined) assert.equal(isOwnEndpoint(`${lanAddress}:41000`, '127.0.0.1:41000'), false);
});

test('bound to one address: only that address; port 0 and garbage are never ourselves', () => {
  assert.equal(isOwnEndpoint('192.0.2.7:6473', '192.0.2.7:6473'), true);
  assert.equal(isOwnEndpoint('127.0.0.1:6473', '192.0.2.7:6473'), false);
  assert.equal(isOwnEndpoint('127.0.0.1:0', '127.0.0.1:0'), false);
  assert.equal(isOwnEndpoint('not an endpoint', '0.0.0.0:6473'), false);
});
