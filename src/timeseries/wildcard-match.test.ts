import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchWildcard, type WildcardToken } from './wildcard-match.js';

const star: WildcardToken = { kind: 'star' };
const any: WildcardToken = { kind: 'any' };
const lit = (c: string): WildcardToken => ({ kind: 'literal', codePoint: c.codePointAt(0) as number });

test('stars, any-one, literals and sets over whole code points', () => {
  assert.equal(matchWildcard([lit('a'), star, lit('c')], 'abbbc'), true);
  assert.equal(matchWildcard([lit('a'), star, lit('c')], 'abbbcd'), false);
  assert.equal(matchWildcard([star, star], ''), true);
  assert.equal(matchWildcard([], ''), true);
  assert.equal(matchWildcard([any], '🙂'), true);
  assert.equal(matchWildcard([any, any], '🙂'), false);
  const digit: WildcardToken = { kind: 'set', ranges: [[0x30, 0x39]], negated: false };
  const notDigit: WildcardToken = { kind: 'set', ranges: [[0x30, 0x39]], negated: true };
  assert.equal(matchWildcard([digit, notDigit], '7x'), true);
  assert.equal(matchWildcard([digit, notDigit], '77'), false);
  assert.equal(matchWildcard([{ kind: 'set', ranges: [], negated: false }], 'a'), false);
  assert.equal(matchWildcard([{ kind: 'set', ranges: [], negated: true }], 'a'), true);
});

test('the worst case is bounded by (n + 1) × (m + 1) steps and reached in order n × m, not 2^n', () => {
  for (const n of [16, 64, 256]) {
    // '*' then n/2 'a' then 'b' against n 'a': each of n/2 restarts reads n/2 characters before the 'b'.
    const tokens: WildcardToken[] = [star, ...Array.from({ length: n / 2 }, () => lit('a')), lit('b')];
    const cost = { steps: 0 };
    assert.equal(matchWildcard(tokens, 'a'.repeat(n), cost), false);
    assert.ok(cost.steps <= (n + 1) * (tokens.length + 1), `${cost.steps} steps for n = ${n}`);
    assert.ok(cost.steps >= (n * n) / 8, `the scan does the work it must: ${cost.steps} steps for n = ${n}`);
  }
});
