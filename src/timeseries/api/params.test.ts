import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimeseriesError } from '../errors.js';
import { durationParam, parseBool, queryList, queryParam, timestampParam } from './params.js';

function argumentError(param: string, reason: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof TimeseriesError, String(e));
    assert.equal(e.status, 400);
    assert.deepEqual(e.description, { cause: 'Argument value error', detail: param, reason });
    return true;
  };
}

test('a repeated parameter gives its first value, or all of them as a list', () => {
  const query = { fill: ['0', 'null'], groupby: 'host' };
  assert.equal(queryParam(query, 'fill'), '0');
  assert.deepEqual(queryList(query, 'fill'), ['0', 'null']);
  assert.deepEqual(queryList(query, 'groupby'), ['host']);
  assert.deepEqual(queryList(query, 'start'), []);
});

test('timestamps and durations parse, or fail naming the parameter', () => {
  assert.equal(timestampParam({ start: '2024-01-01T00:00:00Z' }, 'start'), 1704067200);
  assert.equal(timestampParam({}, 'start'), undefined);
  assert.throws(
    () => timestampParam({ stop: 'yesterday-ish' }, 'stop'),
    argumentError('stop', 'Must be a datetime or a timestamp'),
  );
  assert.equal(durationParam({ granularity: '1h' }, 'granularity'), 3600);
  assert.equal(durationParam({ granularity: '60' }, 'granularity'), 60);
  assert.throws(
    () => durationParam({ granularity: '0' }, 'granularity'),
    argumentError('granularity', 'Timespan must be positive'),
  );
  assert.throws(
    () => durationParam({ granularity: 'toString' }, 'granularity'),
    argumentError('granularity', 'Unable to parse timespan'),
  );
});

test("booleans read Python's truth values", () => {
  assert.equal(parseBool('details', 'Yes'), true);
  assert.equal(parseBool('details', 'off'), false);
  assert.equal(parseBool('details', undefined, true), true);
  assert.throws(() => parseBool('details', 'maybe'), {
    message: "Unable to parse `details': invalid truth value 'maybe'",
  });
});
