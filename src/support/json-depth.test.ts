import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nestsDeeperThan } from './json-depth.js';

test('nesting is counted in objects and lists, iteratively', () => {
  assert.equal(nestsDeeperThan(5, 0), false);
  assert.equal(nestsDeeperThan([], 0), true);
  assert.equal(nestsDeeperThan([[1], { a: [2] }], 3), false);
  assert.equal(nestsDeeperThan([[1], { a: [2] }], 2), true);
  const deep = JSON.parse(`${'['.repeat(200_000)}${']'.repeat(200_000)}`) as unknown;
  assert.equal(nestsDeeperThan(deep, 100), true);
  assert.equal(nestsDeeperThan(deep, 200_000), false);
});
