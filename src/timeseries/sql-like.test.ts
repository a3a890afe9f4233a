import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compileLike, likeMatcher } from './sql-like.js';

test('% is any run, _ any one character, the rest itself, the whole value, case-sensitive', () => {
  const like = (value: string, pattern: string): boolean => likeMatcher(pattern)(value);
  assert.equal(like('compute-1', 'compute%'), true);
  assert.equal(like('compute', 'compute%'), true);
  assert.equal(like('Compute-1', 'compute%'), false);
  assert.equal(like('x-compute', 'compute%'), false);
  assert.equal(like('host42', 'host__'), true);
  assert.equal(like('host4', 'host__'), false);
  assert.equal(like('a.b', 'a_b'), true);
  assert.equal(like('a.*b', 'a.*b'), true);
  assert.equal(like('aXXb', 'a.*b'), false);
  assert.equal(like('', '%'), true);
  assert.equal(like('', ''), true);
  assert.equal(like('x', ''), false);
  assert.equal(like('line\nbreak', 'line%'), true);
  assert.equal(like('🙂', '_'), true);
  assert.equal(like('[a]', '[a]'), true);
});

test('consecutive % fold into one star', () => {
  assert.deepEqual(compileLike('a%%%_'), [
    { kind: 'literal', codePoint: 0x61 },
    { kind: 'star' },
    { kind: 'any' },
  ]);
});

test("'a%a%a%…b' against 'aaaa…' and other pathological patterns stay within (n + 1) × (m + 1) steps", () => {
  const cases: [value: string, pattern: string][] = [
    ['a'.repeat(100), `${'a%'.repeat(50)}b`],
    ['a'.repeat(255), `${'%a'.repeat(127)}b`],
    ['a'.repeat(255), `%${'a'.repeat(254)}b`],
    ['a'.repeat(255), `${'_%'.repeat(127)}b`],
  ];
  for (const [value, pattern] of cases) {
    const cost = { steps: 0 };
    assert.equal(likeMatcher(pattern)(value, cost), false);
    assert.ok(cost.steps <= (value.length + 1) * (pattern.length + 1), `${cost.steps} steps for ${pattern}`);
  }
  const first = { steps: 0 };
  likeMatcher(`${'a%'.repeat(50)}b`)('a'.repeat(100), first);
  assert.ok(first.steps <= 2 * (100 + 101), `linear in this case: ${first.steps} steps`);
  const matching = { steps: 0 };
  assert.equal(likeMatcher(`${'a%'.repeat(50)}b`)(`${'a'.repeat(100)}b`, matching), true);
  assert.ok(matching.steps <= 2 * (101 + 101), `${matching.steps} steps`);
});
