import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_NAME_LENGTH, tooLong } from './names.js';

test('names are counted in code points, as Python counts them', () => {
  assert.equal(MAX_NAME_LENGTH, 255);
  assert.equal(tooLong('a'.repeat(255)), false);
  assert.equal(tooLong('a'.repeat(256)), true);
  assert.equal(tooLong('🙂'.repeat(255)), false, '510 UTF-16 units, 255 characters');
  assert.equal(tooLong('🙂'.repeat(256)), true);
  assert.equal(tooLong('abcd', 3), true);
  assert.equal(tooLong('', 0), false);
});

test('a lone surrogate counts as one character', () => {
  assert.equal(tooLong('\ud800'.repeat(255)), false);
  assert.equal(tooLong('\ud800'.repeat(256)), true);
  assert.equal(tooLong(`${'\udc00'.repeat(200)}${'🙂'.repeat(55)}`), false);
});
