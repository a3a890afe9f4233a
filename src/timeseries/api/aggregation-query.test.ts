// The query parameters of the aggregation APIs, read as Gnocchi 4.4's validate_qs reads them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { assertTimeseriesError } from '../timeseries-error.test-support.js';
import { aggregationQuery, FILL_REASON, parseFill } from './aggregation-query.js';

void test("fill: a float (Python's float()), null or dropna; the later modes as an extension", () => {
  assert.equal(parseFill('0'), 0);
  assert.equal(parseFill(' -1.5e3 '), -1500);
  assert.equal(parseFill('1_000'), 1000);
  for (const word of ['null', 'dropna', 'ffill', 'bfill', 'full_ffill', 'full_bfill']) {
    assert.equal(parseFill(word), word);
  }
  for (const bad of ['asdf', '', 'None', '1,5']) {
    assertTimeseriesError(() => parseFill(bad), 400, {
      cause: 'Argument value error',
      detail: 'fill',
      reason: "Must be a float, 'dropna' or 'null'",
    });
  }
  assert.equal(FILL_REASON, "Must be a float, 'dropna' or 'null'");
});

void test('every parameter read, in seconds; errors name the parameter', () => {
  assert.deepEqual(
    aggregationQuery({
      needed_overlap: '50',
      start: '2015-03-06T14:33:57',
      stop: '2015-03-06T15:34:00+01:00',
      granularity: '5min',
      fill: 'null',
    }),
    { needed_overlap: 50, start: 1425652437, stop: 1425652440, granularity: 300, fill: 'null' },
  );
  assert.deepEqual(aggregationQuery({}), {});
  assertTimeseriesError(() => aggregationQuery({ needed_overlap: 'most' }), 400, {
    cause: 'Argument value error',
    detail: 'needed_overlap',
    reason: 'Must be a number',
  });
  assertTimeseriesError(() => aggregationQuery({ start: 'soon' }), 400, {
    cause: 'Argument value error',
    detail: 'start',
    reason: 'Must be a datetime or a timestamp',
  });
  assertTimeseriesError(() => aggregationQuery({ granularity: 'foobar' }), 400, {
    cause: 'Argument value error',
    detail: 'granularity',
    reason: 'Unable to parse timespan',
  });
});
