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
