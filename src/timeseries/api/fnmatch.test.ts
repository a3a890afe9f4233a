import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnmatch } from './fnmatch.js';

test('globs as Python fnmatchcase', () => {
  assert.equal(fnmatch('disk.io.read', 'disk.*'), true);
  assert.equal(fnmatch('', '*'), true);
  assert.equal(fnmatch('cpu1', 'cpu?'), true);
  assert.equal(fnmatch('cpu', 'cpu?'), false);
  assert.equal(fnmatch('cpu1', 'cpu[0-9]'), true);
  assert.equal(fnmatch('cpuX', 'cpu[!A-Z]'), false);
  assert.equal(fnmatch('cpu1', 'cpu[!A-Z]'), true);
  assert.equal(fnmatch('diskXio', 'disk.io'), false);
  assert.equal(fnmatch('Disk.io', 'disk.io'), false);
});

test('a [ without its ] and the regex characters of a name are literal', () => {
  assert.equal(fnmatch('a[b', 'a[b'), true);
  assert.equal(fnmatch('a(b)+', 'a(b)+'), true);
  assert.equal(fnmatch('ab', 'a(b)+'), false);
  assert.equal(fnmatch('line\nbreak', 'line*'), true);
});
