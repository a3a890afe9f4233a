import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fnmatch, globMatcher } from './fnmatch.js';

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

test('sets follow Python 3 fnmatchcase: ] first, ranges, reversed ranges, - literal, code points', () => {
  const names = [
    ']',
    'x',
    ']x',
    'ax',
    '-',
    'b',
    'c',
    'a',
    'e',
    'd',
    'abd',
    'acd',
    'aad',
    '[',
    '\\',
    'x[!]',
    'x!',
    '^',
    'z',
    'main.c',
    'main.h',
    'aéb',
    '🙂a',
    '🙃',
    '🙂',
  ];
  // Generated with Python 3: [n for n in names if fnmatch.fnmatchcase(n, pattern)].
  const expected: [string, string[]][] = [
    ['[]]', [']']],
    ['[!]]x', ['ax']],
    ['[]-a]', [']', 'a', '^']],
    ['[z-a]', []],
    ['[!z-a]', [']', 'x', '-', 'b', 'c', 'a', 'e', 'd', '[', '\\', '^', 'z', '🙃', '🙂']],
    ['a[bz-ac]d', ['abd', 'acd']],
    ['[c-a-b]', ['-', 'b']],
    ['[a-c-e]', ['-', 'b', 'c', 'a', 'e']],
    ['[a-]', ['-', 'a']],
    ['[-a]', ['-', 'a']],
    ['[--x]', [']', 'x', '-', 'b', 'c', 'a', 'e', 'd', '[', '\\', '^']],
    [
      '[!a-c]*',
      [
        ']',
        'x',
        ']x',
        '-',
        'e',
        'd',
        '[',
        '\\',
        'x[!]',
        'x!',
        '^',
        'z',
        'main.c',
        'main.h',
        '🙂a',
        '🙃',
        '🙂',
      ],
    ],
    ['*[[]*', ['[', 'x[!]']],
    ['[\\]', ['\\']],
    ['x[!]', ['x[!]']],
    ['[^a]', ['a', '^']],
    ['*.[ch]', ['main.c', 'main.h']],
    ['?é?', ['aéb']],
    ['🙂?', ['🙂a']],
    ['[🙂-🙃]', ['🙃', '🙂']],
  ];
  for (const [pattern, matching] of expected) {
    assert.deepEqual(
      names.filter((n) => fnmatch(n, pattern)),
      matching,
      pattern,
    );
  }
});

test('pathological globs cost at most (name + 1) × (pattern + 1) steps, no backtracking blow-up', () => {
  const cases: [name: string, pattern: string][] = [
    ['a'.repeat(255), `${'*a'.repeat(100)}b`],
    ['a'.repeat(255), `*${'a'.repeat(200)}b`],
    ['a'.repeat(255), `${'?*'.repeat(120)}b`],
    [`${'ab'.repeat(127)}`, `${'*[ab]'.repeat(100)}c`],
  ];
  for (const [name, pattern] of cases) {
    const cost = { steps: 0 };
    assert.equal(globMatcher(pattern)(name, cost), false);
    assert.ok(cost.steps <= (name.length + 1) * (pattern.length + 1), `${cost.steps} steps for ${pattern}`);
  }
  const linear = { steps: 0 };
  globMatcher(`${'*a'.repeat(100)}b`)('a'.repeat(255), linear);
  assert.ok(linear.steps <= 2 * (255 + 201), `a%a%…b is linear: ${linear.steps} steps`);
});
