// Timestamps in (ISO 8601, epoch numbers, relative expressions) and out (Python isoformat).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TimeseriesError } from './errors.js';
import { formatTimestamp, MAX_TIMESTAMP, parseTimestamp } from './timestamp.js';

const NOW = 1_700_000_000;

function assertInvalid(fn: () => unknown, reason: string, detail: string[] = []): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof TimeseriesError);
    assert.equal(e.status, 400);
    assert.deepEqual(e.description, { cause: 'Invalid input', reason, detail });
    return true;
  });
}

void test('ISO 8601 without zone is UTC', () => {
  assert.equal(parseTimestamp('2014-10-06T14:33:57'), 1412606037);
  assert.equal(parseTimestamp('2014-10-06 14:33:57'), 1412606037);
  assert.equal(parseTimestamp('2014-10-06T14:33'), 1412606037 - 57);
});

void test('ISO 8601 fractional seconds keep microsecond precision', () => {
  assert.equal(parseTimestamp('2014-10-06T14:33:57.123456'), 1412606037.123456);
  assert.equal(parseTimestamp('2014-10-06T14:33:57.5'), 1412606037.5);
  assert.equal(parseTimestamp('2014-10-06T14:33:57.1234567'), 1412606037.123457);
});

void test('zones are converted to UTC', () => {
  assert.equal(parseTimestamp('2014-10-06T14:33:57Z'), 1412606037);
  assert.equal(parseTimestamp('2024-01-10T00:00:00+02:00'), parseTimestamp('2024-01-09T22:00:00'));
  assert.equal(parseTimestamp('2024-01-10T00:00:00-0130'), parseTimestamp('2024-01-10T01:30:00'));
});

void test('date only, and year-month', () => {
  assert.equal(parseTimestamp('2020-02-24'), 1582502400);
  assert.equal(parseTimestamp('2020-02'), parseTimestamp('2020-02-01T00:00:00'));
});

void test('numbers and numeric strings are epoch seconds', () => {
  assert.equal(parseTimestamp(1704758400), 1704758400);
  assert.equal(parseTimestamp('1704758400'), 1704758400);
  assert.equal(parseTimestamp('1704758400.25'), 1704758400.25);
  assert.equal(parseTimestamp(' 12 '), 12);
  assert.equal(parseTimestamp(0), 0);
});

void test('relative expressions are from now', () => {
  assert.equal(parseTimestamp('-2 days', NOW), NOW - 2 * 86400);
  assert.equal(parseTimestamp('10 minutes', NOW), NOW + 600);
  assert.equal(parseTimestamp('-5 minutes', { now: NOW }), NOW - 300);
  assert.equal(parseTimestamp('now', NOW), NOW);
  assert.equal(parseTimestamp('-1h30m', NOW), NOW - 5400);
  const live = parseTimestamp('now');
  assert.ok(Math.abs(live - Date.now() / 1000) < 5);
});

void test('unparsable timestamps: Gnocchi reason, caller-given detail path', () => {
  const reason = "unexpected timestamp 'Unable to convert timestamps'";
  assertInvalid(() => parseTimestamp('not-a-date'), reason);
  assertInvalid(() => parseTimestamp('2024-13-45T00:00:00'), reason);
  assertInvalid(() => parseTimestamp('2024-02-30'), reason);
  assertInvalid(() => parseTimestamp('yesterday-ish', { path: ['abc'] }), reason, ['abc']);
  assertInvalid(() => parseTimestamp(''), reason);
  assertInvalid(() => parseTimestamp(Number.NaN), reason);
  assertInvalid(() => parseTimestamp(null, { path: [0, 'timestamp'] }), 'unexpected measures format', [
    '0',
    'timestamp',
  ]);
});

void test('before Epoch is refused', () => {
  assertInvalid(() => parseTimestamp('1969-12-31T23:59:59'), 'Timestamp must be after Epoch');
  assertInvalid(() => parseTimestamp(-1, { path: ['start'] }), 'Timestamp must be after Epoch', ['start']);
  assertInvalid(
    () => parseTimestamp('-60 years', NOW),
    "unexpected timestamp 'Unable to convert timestamps'",
  );
  assertInvalid(() => parseTimestamp('-3000 weeks', NOW), 'Timestamp must be after Epoch');
});

void test('formatTimestamp prints Python isoformat with +00:00', () => {
  assert.equal(formatTimestamp(1412606037), '2014-10-06T14:33:57+00:00');
  assert.equal(formatTimestamp(1582502400), '2020-02-24T00:00:00+00:00');
  assert.equal(formatTimestamp(1412606037.123456), '2014-10-06T14:33:57.123456+00:00');
  assert.equal(formatTimestamp(1412606037.5), '2014-10-06T14:33:57.500000+00:00');
  assert.equal(formatTimestamp(0), '1970-01-01T00:00:00+00:00');
});

void test('round trips', () => {
  for (const text of [
    '2014-10-06T14:33:57+00:00',
    '2026-11-26T15:16:29.027113+00:00',
    '2000-02-29T23:59:59+00:00',
  ]) {
    assert.equal(formatTimestamp(parseTimestamp(text)), text);
  }
  for (const seconds of [0, 1, 1704758400.000001, 1999999999.999999]) {
    assert.equal(parseTimestamp(formatTimestamp(seconds)), seconds);
  }
});

test('canonical UTC timestamps (the ingestion fast path) parse exactly, and invalid ones still fail', () => {
  for (let i = 0; i < 1000; i++) {
    const micros = 1_000_000 + (Math.floor(i * 2_654_435.761 * 1e6) % 3e15);
    const seconds = micros / 1e6;
    const text = formatTimestamp(seconds);
    assert.equal(parseTimestamp(text), Math.round(seconds * 1e6) / 1e6, text);
    assert.equal(parseTimestamp(text.replace('+00:00', 'Z')), parseTimestamp(text));
    assert.equal(parseTimestamp(text.replace('+00:00', '')), parseTimestamp(text));
  }
  assert.throws(() => parseTimestamp('2019-02-29T00:00:00'), { message: /Unable to convert timestamps/ });
  assert.throws(() => parseTimestamp('2019-01-01T24:00:00'), { message: /Unable to convert timestamps/ });
  assert.throws(() => parseTimestamp('0070-01-01T00:00:00'), { message: /Timestamp must be after Epoch/ });
  assert.equal(parseTimestamp('2014-10-06T14:33:57+02:00'), 1412598837);
});

void test('the range is the Epoch to the end of datetime64[ns] (to the second); beyond it a 400 naming the timestamp', () => {
  const after = 'Timestamp must not be after 2262-04-11T23:47:16+00:00';
  assert.equal(MAX_TIMESTAMP, 9223372036);
  assert.equal(parseTimestamp('2262-04-11T23:47:16'), MAX_TIMESTAMP);
  assert.equal(parseTimestamp('2262-04-12T01:47:16+02:00'), MAX_TIMESTAMP);
  assert.equal(parseTimestamp(MAX_TIMESTAMP), MAX_TIMESTAMP);
  assertInvalid(() => parseTimestamp('2262-04-11T23:47:16.000002'), after);
  assertInvalid(() => parseTimestamp('2262-04-11T23:47:17'), after);
  assertInvalid(() => parseTimestamp('9999-12-31'), after);
  assertInvalid(() => parseTimestamp('9999-12-31T23:59:59Z', { path: ['stop'] }), after, ['stop']);
  assertInvalid(() => parseTimestamp(1e15), after);
  assertInvalid(() => parseTimestamp('1e15'), after);
  assertInvalid(() => parseTimestamp('1e303'), after);
  assertInvalid(() => parseTimestamp(1.7976931348623157e308), after);
  assertInvalid(() => parseTimestamp('-1e303'), 'Timestamp must be after Epoch');
  assertInvalid(() => parseTimestamp('1e400'), "unexpected timestamp 'Unable to convert timestamps'");
  assertInvalid(() => parseTimestamp('100000000 weeks', NOW), after);
});

void test('a boolean is not a timestamp', () => {
  const reason = "unexpected timestamp 'Unable to convert timestamps'";
  assertInvalid(() => parseTimestamp(true), reason);
  assertInvalid(() => parseTimestamp(false, { path: ['timestamp'] }), reason, ['timestamp']);
});

void test('formatTimestamp prints every finite number as a date, the last accepted one included', () => {
  assert.equal(formatTimestamp(MAX_TIMESTAMP), '2262-04-11T23:47:16+00:00');
  assert.equal(formatTimestamp(253402300799), '9999-12-31T23:59:59+00:00');
  assert.equal(formatTimestamp(253402300800), '10000-01-01T00:00:00+00:00');
  assert.equal(formatTimestamp(1e15), '31690708-07-05T01:46:40+00:00');
  assert.equal(formatTimestamp(951782400), '2000-02-29T00:00:00+00:00');
  assert.equal(formatTimestamp(4107542400), '2100-03-01T00:00:00+00:00');
  assert.throws(() => formatTimestamp(Infinity), {
    name: 'RangeError',
    message: 'Timestamp out of range: Infinity',
  });
  assert.throws(() => formatTimestamp(NaN), { name: 'RangeError' });
});

void test('formatTimestamp agrees with Date over four centuries of days', () => {
  for (let s = 0; s < 86400 * 365 * 400; s += 86400 * 7 + 3661) {
    assert.equal(formatTimestamp(s), new Date(s * 1000).toISOString().replace('.000Z', '+00:00'), String(s));
  }
});

void test('long numeric or relative texts that fail are refused in one pass', () => {
  const reason = "unexpected timestamp 'Unable to convert timestamps'";
  assertInvalid(() => parseTimestamp(`${'1'.repeat(1_000_000)}x`), reason);
  assertInvalid(() => parseTimestamp(`1w${' '.repeat(100_000)}1d${' '.repeat(100_000)}x`, NOW), reason);
});
