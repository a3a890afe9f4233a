/**
 * Re-aggregation of an aggregated series to a coarser period (`?resample=` and the `resample` operation):
 * fixed periods aligned on the epoch, or calendar groups `Y` (year), `H` (half), `Q` (quarter), `M` (month),
 * `W` (week starting on Sunday), all in UTC.
 */
import { AGGREGATION_METHODS, aggregateAll, baseMethodOf, isRateMethod } from './aggregation-methods.js';
import type { Point } from './model.js';

/** The calendar groupings Gnocchi accepts as `resample` values. */
export type CalendarUnit = 'Y' | 'H' | 'Q' | 'M' | 'W';

/** Every calendar unit. */
export const CALENDAR_UNITS: readonly CalendarUnit[] = ['Y', 'H', 'Q', 'M', 'W'];

/** A calendar-resampled point: Gnocchi keeps the unit letter where a granularity would be. */
export type CalendarPoint = [timestamp: number, unit: CalendarUnit, value: number];

/** True for `Y`, `H`, `Q`, `M`, `W`. */
export function isCalendarUnit(value: unknown): value is CalendarUnit {
  return typeof value === 'string' && (CALENDAR_UNITS as readonly string[]).includes(value);
}

/** Start (epoch seconds, UTC) of the calendar period holding `seconds`. */
export function calendarPeriodStart(seconds: number, unit: CalendarUnit): number {
  const date = new Date(Math.floor(seconds) * 1000);
  const year = date.getUTCFullYear();
  const month = date.getUTCMonth();
  const utc = (y: number, m: number, d = 1): number => {
    const start = new Date(0);
    start.setUTCFullYear(y, m, d);
    return start.getTime() / 1000;
  };
  switch (unit) {
    case 'Y':
      return utc(year, 0);
    case 'H':
      return utc(year, month - (month % 6));
    case 'Q':
      return utc(year, month - (month % 3));
    case 'M':
      return utc(year, month);
    case 'W':
      return utc(year, month, date.getUTCDate() - date.getUTCDay());
  }
}

function groupAndAggregate(
  points: readonly Point[],
  method: string,
  periodOf: (seconds: number) => number,
): [number, number][] {
  if (!AGGREGATION_METHODS.includes(method)) throw new Error(`Unknown aggregation method \`${method}'`);
  let times = points.map((p) => p[0]);
  let values = points.map((p) => p[2]);
  if (isRateMethod(method)) {
    values = values.slice(1).map((v, i) => v - (values[i] as number));
    times = times.slice(1);
  }
  const base = baseMethodOf(method);
  const result: [number, number][] = [];
  let i = 0;
  while (i < times.length) {
    const period = periodOf(times[i] as number);
    let j = i + 1;
    while (j < times.length && periodOf(times[j] as number) === period) j++;
    const [value] = aggregateAll([base], values.slice(i, j)) as [number];
    if (!(base === 'std' && j - i < 2)) result.push([period, value]);
    i = j;
  }
  return result;
}

/**
 * Re-aggregates an ascending series with `method` (any of the 216; `rate:X` applies X to the differences
 * between consecutive points) into periods of `granularity` seconds aligned on the epoch, like Carbonara's
 * `AggregatedTimeSerie.resample`. Periods without a value (e.g. `std` of one point) are left out.
 */
export function resample(points: readonly Point[], method: string, granularity: number): Point[] {
  const gUs = Math.max(1, Math.round(granularity * 1e6));
  const periodOf = (seconds: number): number => (Math.floor(Math.round(seconds * 1e6) / gUs) * gUs) / 1e6;
  return groupAndAggregate(points, method, periodOf).map(([t, v]) => [t, granularity, v]);
}

/**
 * Re-aggregates an ascending series into calendar periods (UTC). `rate:` methods are refused as Gnocchi
 * does (`Cannot derive aggregates on calendar granularities.`).
 */
export function resampleCalendar(
  points: readonly Point[],
  method: string,
  unit: CalendarUnit,
): CalendarPoint[] {
  if (isRateMethod(method)) throw new Error('Cannot derive aggregates on calendar granularities.');
  return groupAndAggregate(points, method, (s) => calendarPeriodStart(s, unit)).map(([t, v]) => [t, unit, v]);
}
