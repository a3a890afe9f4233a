import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeseriesError } from '../errors.js';
import { checkJsonLimits, findNul } from './json-limits.js';

test('the first NUL is found in document order, in a key or a value', () => {
  assert.equal(findNul({ a: ['x', 'y'], b: 1 }), undefined);
  assert.deepEqual(findNul({ a: ['x', 'y\u0000'], b: 'z\u0000' }), ['a', 1]);
  assert.deepEqual(findNul({ a: { 'k\u0000': 1 } }), ['a', 'k\u0000']);
  assert.deepEqual(findNul('\u0000'), []);
});

test('checkJsonLimits: 400 Unable to decode body past 100 levels, 400 naming the field for NUL', () => {
  const check = (text: string): void => checkJsonLimits(JSON.parse(text), Buffer.from(text));
  check(`${'['.repeat(100)}${']'.repeat(100)}`);
  check('{"name": "a\\\\u0000b"}');
  assert.throws(
    () => check(`${'['.repeat(101)}${']'.repeat(101)}`),
    (e: unknown) =>
      e instanceof TimeseriesError &&
      e.status === 400 &&
      JSON.stringify(e.description) ===
        JSON.stringify({
          cause: 'Unable to decode body',
          reason: 'More than 100 nested levels of objects and lists',
          detail: [],
        }),
  );
  assert.throws(
    () => check('{"metrics": {"cpu": {"name": "a\\u0000b"}}}'),
    (e: unknown) =>
      e instanceof TimeseriesError &&
      JSON.stringify(e.description) ===
        JSON.stringify({
          cause: 'Invalid input',
          reason: "NUL character not allowed @ data['metrics']['cpu']['name']",
          detail: ['metrics', 'cpu', 'name'],
        }),
  );
});
