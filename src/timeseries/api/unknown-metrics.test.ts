import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MAX_LISTED_UNKNOWN_METRICS, unknownMetricsError } from './unknown-metrics.js';

test('unknown metrics are listed sorted, all of them up to the bound', () => {
  const err = unknownMetricsError(['b', 'a/x', 'a']);
  assert.equal(err.status, 400);
  assert.equal(err.description, 'Unknown metrics: a, a/x, b');
  const ids = Array.from({ length: MAX_LISTED_UNKNOWN_METRICS }, (_, i) => String(i).padStart(4, '0'));
  assert.equal(unknownMetricsError([...ids].reverse()).description, `Unknown metrics: ${ids.join(', ')}`);
});

test('past the bound, the first 1000 sorted ids and the count of all', () => {
  const ids = Array.from({ length: 2500 }, (_, i) => String(i).padStart(4, '0'));
  assert.equal(MAX_LISTED_UNKNOWN_METRICS, 1000);
  assert.equal(
    unknownMetricsError([...ids].reverse()).description,
    `Unknown metrics: ${ids.slice(0, 1000).join(', ')}, ... (2500 in all, the first 1000 listed)`,
  );
});
