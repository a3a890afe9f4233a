import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { metricSearchPredicate, parseMetricSearch } from './metric-search-query.js';

const matching = (body: unknown, values: number[]): number[] =>
  values.filter(metricSearchPredicate(parseMetricSearch(body)));

function refused(body: unknown, description: unknown): void {
  assert.throws(
    () => metricSearchPredicate(parseMetricSearch(body)),
    (err: { status: number; description: unknown }) => {
      assert.deepEqual([err.status, err.description], [400, description]);
      return true;
    },
  );
}

describe('metric search predicates', () => {
  const values = [-3, 0, 1, 2, 12, 13.5];

  test('comparisons by every spelling', () => {
    assert.deepEqual(matching({ '=': 12 }, values), [12]);
    assert.deepEqual(matching({ eq: 12 }, values), [12]);
    assert.deepEqual(matching({ '≥': 2 }, values), [2, 12, 13.5]);
    assert.deepEqual(matching({ lt: 1 }, values), [-3, 0]);
    assert.deepEqual(matching({ '≠': 0 }, values), [-3, 1, 2, 12, 13.5]);
  });

  test('arithmetic: nested operands, Python modulo, a number result is true unless 0', () => {
    assert.deepEqual(matching({ '=': [{ '+': 1 }, 13] }, values), [12]);
    assert.deepEqual(matching({ '=': [{ mod: 2 }, 1] }, values), [-3, 1]);
    assert.deepEqual(matching({ '-': 2 }, values), [-3, 0, 1, 12, 13.5]);
    assert.deepEqual(matching({ '>': [{ '**': 2 }, 100] }, values), [12, 13.5]);
    assert.deepEqual(matching({ '=': [{ '÷': 2 }, 0.5] }, values), [1]);
  });

  test('and/or, with ∧ as all and ∨ as any as Gnocchi evaluates them', () => {
    assert.deepEqual(matching({ and: [{ '>': 0 }, { '<': 12 }] }, values), [1, 2]);
    assert.deepEqual(matching({ '∧': [{ '≥': 1000 }] }, values), []);
    assert.deepEqual(matching({ or: [{ '=': -3 }, { '=': 12 }] }, values), [-3, 12]);
    assert.deepEqual(matching({ '∨': [{ '=': 0 }, { and: [{ '>': 12 }] }] }, values), [0, 13.5]);
  });

  test('refused: bad shapes, not, division by zero', () => {
    const invalid = { cause: 'Invalid input', reason: 'not a valid value', detail: [] };
    refused({}, invalid);
    refused({ '=': 1, '<': 2 }, invalid);
    refused({ '~': 1 }, invalid);
    refused({ '=': 'a' }, invalid);
    refused({ '=': [1, 2, 3] }, invalid);
    refused({ and: { '=': 1 } }, invalid);
    refused({ '=': [{ and: [] }, 1] }, invalid);
    refused([], invalid);
    refused({ not: [{ '=': 1 }] }, 'Unknown operator not');
    assert.throws(() => matching({ '/': 0 }, [1]), { description: 'float division by zero' });
    assert.throws(() => matching({ '%': 0 }, [1]), { description: 'float modulo' });
  });
});

test('a measure search holds at most 1000 conditions', () => {
  const or = (n: number) => ({ or: Array.from({ length: n }, (_, i) => ({ '=': i })) });
  assert.deepEqual(matching(or(1000), [5, 999, 1000]), [5, 999]);
  refused(or(1001), { cause: 'Invalid input', reason: 'more than 1000 conditions', detail: [] });
});
