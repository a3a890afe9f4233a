import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeseriesError } from '../errors.js';
import { compileFilter, MAX_FILTER_CONDITIONS, parseFilterString, validateFilter } from './search-filter.js';

function fails(fn: () => unknown, description: unknown): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TimeseriesError, String(e));
    assert.equal(e.status, 400);
    assert.deepEqual(e.description, description);
    return true;
  });
}

test('string filters nest up to 100 parentheses and nots; deeper, or a megabyte of (, is a 400', () => {
  assert.deepEqual(parseFilterString(`${'('.repeat(100)}x = 1${')'.repeat(100)}`), { '=': { x: 1 } });
  let expected: unknown = { '=': { x: 1 } };
  for (let i = 0; i < 100; i++) expected = { not: expected };
  assert.deepEqual(parseFilterString(`${'not '.repeat(100)}x = 1`), expected);
  fails(
    () => parseFilterString(`${'('.repeat(101)}x = 1${')'.repeat(101)}`),
    'Invalid filter: more than 100 nested levels at char 100',
  );
  fails(
    () => parseFilterString(`${'not '.repeat(101)}x = 1`),
    'Invalid filter: more than 100 nested levels at char 400',
  );
  fails(
    () => parseFilterString('('.repeat(1 << 20)),
    'Invalid filter: more than 100 nested levels at char 100',
  );
  fails(
    () => parseFilterString(`${'(not '.repeat(60)}x = 1`),
    'Invalid filter: more than 100 nested levels at char 250',
  );
});

test('a like pattern is at most 255 characters, and matches without regular expressions', () => {
  fails(() => validateFilter({ like: { name: `${'%a'.repeat(128)}` } }, 'admin'), {
    cause: 'Invalid input',
    reason: "length of value must be at most 255 for dictionary value @ data['like']['name']",
    detail: ['like', 'name'],
  });
  const filter = validateFilter({ like: { name: `${'a%'.repeat(127)}b` } }, 'admin');
  const matches = compileFilter<string>(
    filter,
    'generic',
    () => ({ kind: 'string', get: (item) => item }),
    (_kind, value) => value,
  );
  assert.equal(matches('a'.repeat(255)), false);
  assert.equal(matches(`${'a'.repeat(254)}b`), true);
  assert.equal(matches('a.*b'), false);
  const regexCharacters = compileFilter<string>(
    validateFilter({ like: { name: 'a.*(b)+%' } }, 'admin'),
    'generic',
    () => ({ kind: 'string', get: (item) => item }),
    (_kind, value) => value,
  );
  assert.equal(regexCharacters('a.*(b)+ and more'), true);
  assert.equal(regexCharacters('aXXbb'), false);
});

test('in matches as = does against each value, in one look-up: numbers, booleans, strings, null', () => {
  const values = [1, 2.5, '3', true, null, 'x', -0, 1e21];
  const matches = compileFilter<unknown>(
    validateFilter({ in: { v: values } }, 'admin'),
    'generic',
    () => ({ kind: 'string', get: (item) => item }),
    (_kind, value) => value,
  );
  // A null among the values matches nothing (= null would match a missing attribute).
  const equals = (actual: unknown): boolean =>
    values.some(
      (v) =>
        v !== null &&
        compileFilter<unknown>(
          validateFilter({ '=': { v } }, 'admin'),
          'generic',
          () => ({ kind: 'string', get: (item) => item }),
          (_kind, value) => value,
        )(actual),
    );
  const probes = [
    1,
    1.0,
    '1',
    2.5,
    '2.5',
    3,
    '3',
    true,
    'true',
    false,
    0,
    '0',
    null,
    undefined,
    'x',
    1e21,
    '1e+21',
  ];
  for (const actual of probes) assert.equal(matches(actual), equals(actual), `in vs = for ${String(actual)}`);
  assert.deepEqual(
    probes.filter((p) => matches(p)),
    [1, 1.0, '1', 2.5, '2.5', 3, '3', true, 'true', 0, '0', 'x', 1e21, '1e+21'],
  );
});

test('a filter holds at most 1000 conditions (an in of any length is one)', () => {
  assert.equal(MAX_FILTER_CONDITIONS, 1000);
  const or = (n: number) => ({ or: Array.from({ length: n }, (_, i) => ({ '=': { user_id: `u${i}` } })) });
  assert.equal((validateFilter(or(1000), 'admin')?.or as unknown[]).length, 1000);
  fails(() => validateFilter(or(1001), 'admin'), {
    cause: 'Invalid input',
    reason: "more than 1000 conditions @ data['or']['1000']['=']",
    detail: ['or', '1000', '='],
  });
  const values = Array.from({ length: 100_000 }, (_, i) => `u${i}`);
  assert.ok(
    validateFilter({ and: [{ in: { user_id: values } }, { not: { like: { name: 'x%' } } }] }, 'admin'),
  );
});
