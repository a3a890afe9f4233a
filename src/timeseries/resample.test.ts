// Resampling to coarser fixed periods and to calendar groups.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Point } from './model.js';
import { calendarPeriodStart, isCalendarUnit, resample, resampleCalendar } from './resample.js';
import { parseTimestamp } from './timestamp.js';

const DAY = 86400;
const d = (iso: string): number => parseTimestamp(iso);
const daily = (start: string, values: number[]): Point[] =>
  values.map((v, i) => [d(start) + i * DAY, DAY, v]);

void test('weekly resample buckets weeks from the epoch (Thursdays), as in the transcript', () => {
  // Lombardia's sums, 2024-01-01 … 2024-01-15 (transcript §6: resample=604800 → 46, 6342, 4560)
  const points = daily(
    '2024-01-01',
    [1.5, 2.5, 42, 903, 904, 905, 906, 907, 908, 909, 910, 911, 912, 913, 914],
  );
  assert.deepEqual(resample(points, 'sum', 604800), [
    [d('2023-12-28'), 604800, 46],
    [d('2024-01-04'), 604800, 6342],
    [d('2024-01-11'), 604800, 4560],
  ]);
});

void test('methods on resampled periods', () => {
  const points = daily('2024-01-01', [1, 2, 3, 4, 10]);
  assert.deepEqual(resample(points, 'mean', 2 * DAY), [
    [d('2023-12-31'), 2 * DAY, 1],
    [d('2024-01-02'), 2 * DAY, 2.5],
    [d('2024-01-04'), 2 * DAY, 7],
  ]);
  assert.deepEqual(
    resample(points, 'std', 2 * DAY).map((p) => p[0]),
    [d('2024-01-02'), d('2024-01-04')],
  );
  assert.deepEqual(
    resample(points, 'rate:sum', 2 * DAY).map((p) => p[2]),
    [2, 7],
  );
  assert.deepEqual(resample(points, 'max', 10 * DAY), [[d('2023-12-29'), 10 * DAY, 10]]);
  assert.deepEqual(resample(points, '50pct', 10 * DAY), [[d('2023-12-29'), 10 * DAY, 3]]);
  assert.deepEqual(resample([], 'mean', 60), []);
  assert.throws(() => resample(points, 'summ', 60), /Unknown aggregation method/);
});

void test('calendar periods: year, half, quarter, month, week starting Sunday', () => {
  const t = d('2024-08-15T13:45:00'); // a Thursday
  assert.equal(calendarPeriodStart(t, 'Y'), d('2024-01-01'));
  assert.equal(calendarPeriodStart(t, 'H'), d('2024-07-01'));
  assert.equal(calendarPeriodStart(t, 'Q'), d('2024-07-01'));
  assert.equal(calendarPeriodStart(t, 'M'), d('2024-08-01'));
  assert.equal(calendarPeriodStart(t, 'W'), d('2024-08-11'));
  assert.equal(calendarPeriodStart(d('2024-08-11T00:00:00'), 'W'), d('2024-08-11'));
  assert.equal(calendarPeriodStart(d('2024-01-01T00:00:00'), 'W'), d('2023-12-31'));
  assert.equal(calendarPeriodStart(d('2024-05-31T23:59:59'), 'Q'), d('2024-04-01'));
  assert.ok(isCalendarUnit('M'));
  assert.ok(!isCalendarUnit('D'));
});

void test('calendar resampling keeps the unit in place of the granularity', () => {
  const points = daily('2024-01-30', [1, 2, 3, 4]);
  assert.deepEqual(resampleCalendar(points, 'sum', 'M'), [
    [d('2024-01-01'), 'M', 3],
    [d('2024-02-01'), 'M', 7],
  ]);
  assert.deepEqual(resampleCalendar(points, 'count', 'W'), [[d('2024-01-28'), 'W', 4]]);
  assert.throws(
    () => resampleCalendar(points, 'rate:sum', 'M'),
    /Cannot derive aggregates on calendar granularities/,
  );
});
