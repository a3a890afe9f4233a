/**
 * Timestamps as Gnocchi reads and prints them: ISO 8601 (zone converted to UTC, none = UTC), epoch seconds
 * (number or numeric string), or an expression relative to now (`-2 days`, `10 minutes`, `now`). Internally a
 * timestamp is a float of epoch seconds rounded to the microsecond. The accepted range is Gnocchi's: from
 * the Epoch to 2262-04-11T23:47:16, the end of numpy's `datetime64[ns]` (Gnocchi cannot store anything
 * beyond it either); a boolean is not a timestamp (Gnocchi's `float(True)` would read 1).
 */
import { parseTimespanExpression } from './duration.js';
import { TimeseriesError } from './errors.js';
import { parsePythonFloat } from './python-float.js';

/** Gnocchi's reason for a timestamp that cannot be read (text of a measures push error). */
export const UNPARSABLE_TIMESTAMP_REASON = "unexpected timestamp 'Unable to convert timestamps'";
/** Gnocchi's reason for a timestamp before 1970-01-01. */
export const BEFORE_EPOCH_REASON = 'Timestamp must be after Epoch';
/** Gnocchi's reason when a measure's timestamp is not a scalar (null, object, list). */
export const MEASURES_FORMAT_REASON = 'unexpected measures format';

/**
 * The latest timestamp accepted, in epoch seconds: 2262-04-11T23:47:16+00:00, the end of numpy's
 * `datetime64[ns]` (int64 nanoseconds, which Gnocchi uses) to the second. Timestamps are floats of seconds:
 * after about 2100 their microseconds hold to ±2 µs.
 */
export const MAX_TIMESTAMP = 9_223_372_036;
/** The reason of a timestamp after {@link MAX_TIMESTAMP}. */
export const AFTER_MAX_REASON = 'Timestamp must not be after 2262-04-11T23:47:16+00:00';

/** Options of `parseTimestamp`. */
export interface ParseTimestampOptions {
  /** "Now" in epoch seconds for relative expressions; default the clock. */
  now?: number;
  /** The `detail` path of the TimeseriesError thrown on bad input; default `[]`. */
  path?: (string | number)[];
}

const ISO_RE =
  /^\s*(\d{4})(?:-(\d{2})(?:-(\d{2})(?:[T ](\d{2})(?::(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?)?)?\s*$/;

/** Rounds epoch seconds to the microsecond (the precision of every stored timestamp). */
export function roundToMicroseconds(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseIso(text: string): number | undefined {
  const m = ISO_RE.exec(text);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = mo === undefined ? 1 : Number(mo);
  const day = d === undefined ? 1 : Number(d);
  const hour = h === undefined ? 0 : Number(h);
  const minute = mi === undefined ? 0 : Number(mi);
  const second = s === undefined ? 0 : Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  let seconds = date.getTime() / 1000;
  if (frac !== undefined) seconds += Math.round(Number(`0.${frac.slice(0, 9)}`) * 1e6) / 1e6;
  if (zone !== undefined && zone !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    const offset = Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || '0') * 60;
    if (Number(digits.slice(0, 2)) > 23 || Number(digits.slice(2, 4) || '0') > 59) return undefined;
    seconds -= sign * offset;
  }
  return roundToMicroseconds(seconds);
}

function parseRelative(text: string, now: number): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === 'now') return now;
  if (trimmed === 'today') return Math.floor(now / 86400) * 86400;
  const offset = parseTimespanExpression(text);
  return offset === undefined ? undefined : now + offset;
}

/** The value of `n` ASCII digits of `text` at `at`, or -1 if one is not a digit. */
function digits(text: string, at: number, n: number): number {
  let value = 0;
  for (let i = at; i < at + n; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * The common canonical form `YYYY-MM-DDTHH:MM:SS[.f…][Z|+00:00]` read without regular expressions (the
 * hot path of measure ingestion); undefined for anything else, which the general parser then handles.
 */
function canonicalUtc(text: string): number | undefined {
  if (
    text.length < 19 ||
    text[4] !== '-' ||
    text[7] !== '-' ||
    text[10] !== 'T' ||
    text[13] !== ':' ||
    text[16] !== ':'
  ) {
    return undefined;
  }
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    return undefined;
  if (second < 0 || second > 59) return undefined;
  const leap = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  if (day > (DAYS_IN_MONTH[month - 1] as number) + (leap ? 1 : 0)) return undefined;
  let pos = 19;
  let fraction = 0;
  if (text[pos] === '.') {
    let scale = 0.1;
    pos++;
    const start = pos;
    for (; pos < text.length; pos++) {
      const d = text.charCodeAt(pos) - 48;
      if (d < 0 || d > 9) break;
      fraction += d * scale;
      scale /= 10;
    }
    if (pos === start) return undefined;
  }
  const zone = text.slice(pos);
  if (zone !== '' && zone !== 'Z' && zone !== '+00:00') return undefined;
  return Date.UTC(year, month - 1, day, hour, minute, second) / 1000 + fraction;
}

function toSeconds(input: unknown, now: number): number | undefined {
  if (typeof input === 'number') return Number.isFinite(input) ? input : undefined;
  if (input instanceof Date) return Number.isFinite(input.getTime()) ? input.getTime() / 1000 : undefined;
  if (typeof input !== 'string') return undefined;
  const canonical = canonicalUtc(input);
  if (canonical !== undefined) return canonical;
  const value = parsePythonFloat(input);
  if (value !== undefined) return Number.isFinite(value) ? value : undefined;
  return parseIso(input) ?? parseRelative(input, now);
}

/**
 * Parses a timestamp the way Gnocchi does and returns epoch seconds (microsecond precision). The second
 * argument is either "now" (epoch seconds, for relative expressions) or options `{now, path}`. Throws a
 * TimeseriesError 400 Invalid input (detail = `path`): `unexpected timestamp 'Unable to convert timestamps'`
 * when unreadable (a boolean too), `Timestamp must be after Epoch` before 1970, {@link AFTER_MAX_REASON}
 * after {@link MAX_TIMESTAMP}, `unexpected measures format` for a non-scalar.
 */
export function parseTimestamp(input: unknown, nowOrOptions?: number | ParseTimestampOptions): number {
  const options: ParseTimestampOptions =
    typeof nowOrOptions === 'number' ? { now: nowOrOptions } : (nowOrOptions ?? {});
  const path = options.path ?? [];
  if (input === null || input === undefined || typeof input === 'object') {
    if (!(input instanceof Date)) throw TimeseriesError.invalidInput(MEASURES_FORMAT_REASON, path);
  }
  const seconds = toSeconds(input, options.now ?? Date.now() / 1000);
  if (seconds === undefined) throw TimeseriesError.invalidInput(UNPARSABLE_TIMESTAMP_REASON, path);
  if (seconds < 0) throw TimeseriesError.invalidInput(BEFORE_EPOCH_REASON, path);
  const rounded = roundToMicroseconds(seconds);
  if (!(rounded <= MAX_TIMESTAMP)) throw TimeseriesError.invalidInput(AFTER_MAX_REASON, path);
  return rounded;
}

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/**
 * The proleptic Gregorian date of a day number since 1970-01-01 (H. Hinnant's `civil_from_days`): exact for
 * any day a float holds, unlike `Date`, which stops at year 275760.
 */
function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * Formats epoch seconds as Gnocchi prints timestamps (Python `isoformat()` of an aware UTC datetime):
 * `2014-10-06T14:33:57+00:00`, with `.ffffff` only when the microseconds are not zero. Any finite number
 * prints as a date (years past 9999 with more digits); a non-finite one throws a RangeError.
 */
export function formatTimestamp(seconds: number): string {
  if (!Number.isFinite(seconds)) throw new RangeError(`Timestamp out of range: ${seconds}`);
  const micros = Math.round(seconds * 1e6);
  const wholeSeconds = Math.floor(micros / 1e6);
  const fraction = micros - wholeSeconds * 1e6;
  const days = Math.floor(wholeSeconds / 86400);
  const secondOfDay = wholeSeconds - days * 86400;
  const { year, month, day } = civilFromDays(days);
  const text =
    `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}` +
    `T${pad(Math.floor(secondOfDay / 3600), 2)}:${pad(Math.floor(secondOfDay / 60) % 60, 2)}:${pad(secondOfDay % 60, 2)}`;
  return `${text}${fraction === 0 ? '' : `.${pad(fraction, 6)}`}+00:00`;
}
