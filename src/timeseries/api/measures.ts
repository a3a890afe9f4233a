/**
 * Measures in request bodies (Gnocchi's `MeasuresListSchema`) and aggregated points in responses.
 * A body is a list of `{"timestamp", "value"}`; timestamps use every form Gnocchi accepts (ISO 8601, epoch
 * seconds, relative like `-5 minutes`); values are numbers or numeric strings (`"42"`, as Gnocchi's
 * `float()`). Refused with 400 Invalid input: a non-list or an item without a scalar timestamp
 * ("unexpected measures format"), an unreadable timestamp ("unexpected timestamp 'Unable to convert
 * timestamps'", also for a list whose first timestamp is epoch seconds and another is not, as Gnocchi reads
 * every timestamp in the form of the first), a timestamp before 1970 ("Timestamp must be after Epoch"), a missing, non-numeric or
 * non-finite value such as NaN ("unexpected measures value"; unlike Gnocchi we refuse NaN and ±inf).
 */
import { TimeseriesError } from '../errors.js';
import type { Measure, Point } from '../model.js';
import { parsePythonFloat } from '../python-float.js';
import type { CalendarPoint } from '../resample.js';
import {
  formatTimestamp,
  MEASURES_FORMAT_REASON,
  parseTimestamp,
  UNPARSABLE_TIMESTAMP_REASON,
} from '../timestamp.js';
import { pyFloat, type PyFloat } from './json.js';
import { isObject } from './validate.js';

/** Gnocchi's reason for a value that does not convert to a float. */
export const MEASURES_VALUE_REASON = 'unexpected measures value';

/** Python's `float(x)` restricted to finite results; undefined when it fails. */
export function measureValue(value: unknown): number | undefined {
  let n: number | undefined;
  if (typeof value === 'number') n = value;
  else if (typeof value === 'boolean') n = value ? 1 : 0;
  else if (typeof value === 'string') n = parsePythonFloat(value);
  return n !== undefined && Number.isFinite(n) ? n : undefined;
}

/**
 * Parses a measures list. `key` is set for batch bodies: reasons then end with
 * ` for dictionary value @ data['<key>']` and `detail` is `[key]` (as Gnocchi's batch errors).
 */
export function parseMeasures(body: unknown, key?: string, now = Date.now() / 1000): Measure[] {
  const fail = (reason: string): TimeseriesError =>
    key === undefined
      ? TimeseriesError.invalidInput(reason)
      : TimeseriesError.invalidInput(`${reason} for dictionary value @ data['${key}']`, [key]);
  if (!Array.isArray(body)) throw fail(MEASURES_FORMAT_REASON);
  const timestamps: number[] = [];
  let epochSeconds: boolean | undefined;
  for (const item of body) {
    if (!isObject(item) || !('timestamp' in item)) throw fail(MEASURES_FORMAT_REASON);
    // Gnocchi reads the whole list in the form of its first timestamp: after epoch seconds, only numbers.
    const numeric = measureValue(item.timestamp) !== undefined && typeof item.timestamp !== 'boolean';
    epochSeconds ??= numeric;
    if (epochSeconds && !numeric) throw fail(UNPARSABLE_TIMESTAMP_REASON);
    try {
      timestamps.push(parseTimestamp(item.timestamp, now));
    } catch (e) {
      if (
        e instanceof TimeseriesError &&
        typeof e.description !== 'string' &&
        e.description.reason !== undefined
      ) {
        throw fail(e.description.reason);
      }
      throw e;
    }
  }
  return body.map((item: Record<string, unknown>, i) => {
    const value = measureValue(item.value);
    if (value === undefined) throw fail(MEASURES_VALUE_REASON);
    return { timestamp: timestamps[i] ?? 0, value };
  });
}

/** A point as the API prints it: `["2024-01-01T00:00:00+00:00", 86400.0, 42.0]` (calendar: `"M"`). */
export type PointJson = [string, PyFloat | string, PyFloat];

/** Formats points for a response. */
export function pointsJson(points: readonly (Point | CalendarPoint)[]): PointJson[] {
  return points.map(([ts, granularity, value]) => [
    formatTimestamp(ts),
    typeof granularity === 'string' ? granularity : pyFloat(granularity),
    pyFloat(value),
  ]);
}
