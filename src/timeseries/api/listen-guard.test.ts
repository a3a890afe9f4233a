import assert from 'node:assert/strict';
import { test } from 'node:test';
import { insecureListenProblem, isLoopbackHost } from './listen-guard.js';
import { parseListen } from './serve.js';

test('loopback: localhost, 127.0.0.0/8, ::1 and its IPv4-mapped form; nothing else', () => {
  for (const host of ['localhost', 'LOCALHOST', '127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) {
    assert.equal(isLoopbackHost(host), true, host);
  }
  for (const host of ['0.0.0.0', '::', '10.0.0.1', '::ffff:10.0.0.1', 'myhost', '128.0.0.1']) {
    assert.equal(isLoopbackHost(host), false, host);
  }
});

test('beyond loopback, none and basic are refused with the options named; users is fine anywhere', () => {
  const problem = (listen: string, auth: 'basic' | 'none' | 'users') =>
    insecureListenProblem(listen, parseListen(listen).host, auth);
  assert.equal(problem('127.0.0.1:8041', 'basic'), undefined);
  assert.equal(problem('[::1]:8041', 'none'), undefined);
  assert.equal(problem('localhost:8041', 'basic'), undefined);
  assert.equal(problem(':8041', 'users'), undefined);
  assert.equal(
    problem(':8041', 'basic'),
    '--listen :8041 is every interface, and with --auth basic the password is not checked, anyone who sends ' +
      'the user name admin is admin: use --auth users with --users-file, listen on loopback (127.0.0.1:PORT), ' +
      'or give --allow-insecure-listen on a trusted network',
  );
  assert.equal(
    problem('10.0.0.5:8041', 'none'),
    '--listen 10.0.0.5:8041 is an address other than loopback, and with --auth none every caller is admin: use ' +
      '--auth users with --users-file, listen on loopback (127.0.0.1:PORT), or give --allow-insecure-listen on ' +
      'a trusted network',
  );
  assert.match(problem('[::]:8041', 'none') ?? '', /^--listen \[::\]:8041 is every interface,/);
});
