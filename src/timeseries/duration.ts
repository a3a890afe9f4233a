/**
 * Durations (granularity, timespan, resample) as Gnocchi reads them — a number of seconds or a
 * pytimeparse expression (`1h`, `1 day`, `5min`, `0:59:58`) — and prints them (Python `timedelta` str).
 */

/** Gnocchi's message for a zero or negative duration. */
export const TIMESPAN_NOT_POSITIVE = 'Timespan must be positive';
/** Gnocchi's message for a duration it cannot read. */
export const TIMESPAN_UNPARSABLE = 'Unable to parse timespan';

const WEEKS = String.raw`(?<weeks>[\d.]+)\s*(?:w|wks?|weeks?)`;
const DAYS = String.raw`(?<days>[\d.]+)\s*(?:d|dys?|days?)`;
const HOURS = String.raw`(?<hours>[\d.]+)\s*(?:h|hrs?|hours?)`;
const MINS = String.raw`(?<mins>[\d.]+)\s*(?:m|(?:mins?)|(?:minutes?))`;
const SECS = String.raw`(?<secs>[\d.]+)\s*(?:s|secs?|seconds?)`;
const SEPARATORS = '[,/]';
const SECCLOCK = String.raw`:(?<secs>\d{2}(?:\.\d+)?)`;
const MINCLOCK = String.raw`(?<mins>\d{1,2}):(?<secs>\d{2}(?:\.\d+)?)`;
const HOURCLOCK = String.raw`(?<hours>\d+):(?<mins>\d{2}):(?<secs>\d{2}(?:\.\d+)?)`;
const DAYCLOCK = String.raw`(?<days>\d+):(?<hours>\d{2}):(?<mins>\d{2}):(?<secs>\d{2}(?:\.\d+)?)`;
const opt = (x: string): string => `(?:${x})?`;
const optsep = (x: string): string => String.raw`(?:${x}\s*(?:${SEPARATORS}\s*)?)?`;

/** pytimeparse's formats, tried in order (each anchored, case-insensitive). */
const TIMEFORMATS = [
  String.raw`${optsep(WEEKS)}\s*${optsep(DAYS)}\s*${optsep(HOURS)}\s*${optsep(MINS)}\s*${opt(SECS)}`,
  MINCLOCK,
  String.raw`${optsep(WEEKS)}\s*${optsep(DAYS)}\s*${HOURCLOCK}`,
  DAYCLOCK,
  SECCLOCK,
].map((format) => new RegExp(String.raw`^\s*${format}\s*$`, 'i'));

/** Seconds per unit, by the group names of TIMEFORMATS. */
const MULTIPLIERS: ReadonlyMap<string, number> = new Map([
  ['weeks', 604800],
  ['days', 86400],
  ['hours', 3600],
  ['mins', 60],
  ['secs', 1],
]);
const SIGN_RE = /^\s*(?<sign>[+|-])?\s*(?<unsigned>[\s\S]*)$/;
const FLOAT_RE = /^\s*[+-]?(?:\d+(?:_\d+)*\.?(?:\d+(?:_\d+)*)?|\.\d+(?:_\d+)*)(?:e[+-]?\d+)?\s*$/i;

/**
 * pytimeparse's `timeparse()`: seconds (possibly negative with a leading `-`) or undefined when the text
 * matches none of its formats. Integer fields add up exactly; fractional non-second fields are truncated
 * to whole seconds as pytimeparse does.
 */
export function parseTimespanExpression(text: string): number | undefined {
  const signMatch = SIGN_RE.exec(text);
  const sign = signMatch?.groups?.sign === '-' ? -1 : 1;
  const unsigned = signMatch?.groups?.unsigned ?? text;
  for (const format of TIMEFORMATS) {
    const match = format.exec(unsigned);
    if (!match || match[0].trim() === '') continue;
    const fields = Object.entries(match.groups ?? {}).filter(
      (entry): entry is [string, string] => entry[1] !== undefined,
    );
    if (fields.some(([, v]) => !/^[\d.]+$/.test(v) || !Number.isFinite(Number(v)))) return undefined;
    const sum = (keep: (key: string) => boolean): number =>
      fields.filter(([k]) => keep(k)).reduce((acc, [k, v]) => acc + (MULTIPLIERS.get(k) ?? 0) * Number(v), 0);
    if (fields.every(([, v]) => /^\d+$/.test(v))) return sign * sum(() => true);
    const secs = match.groups?.secs;
    if (secs === undefined || /^\d+$/.test(secs)) {
      return sign * Math.trunc(sum((k) => k !== 'secs')) + (secs ? Number(secs) : 0);
    }
    return sign * sum(() => true);
  }
  return undefined;
}

/**
 * Parses a duration like Gnocchi's `to_timespan`: a number or numeric string is seconds, anything else goes
 * through pytimeparse. Returns seconds > 0. Throws a plain Error `Timespan must be positive` (zero or
 * negative, including below one nanosecond) or `Unable to parse timespan`.
 */
export function parseDuration(input: unknown): number {
  let seconds: number | undefined;
  if (typeof input === 'number') seconds = input;
  else if (typeof input === 'boolean') seconds = input ? 1 : 0;
  else if (typeof input === 'string') {
    seconds = FLOAT_RE.test(input) ? Number(input.trim().replace(/_/g, '')) : parseTimespanExpression(input);
  }
  if (seconds === undefined || !Number.isFinite(seconds)) throw new Error(TIMESPAN_UNPARSABLE);
  if (Math.trunc(seconds * 1e9) <= 0) throw new Error(TIMESPAN_NOT_POSITIVE);
  return seconds;
}

/**
 * Formats seconds as Python's `str(datetime.timedelta(seconds=s))`: `0:00:01`, `1 day, 0:00:00`,
 * `365 days, 0:00:00`, `0:00:03.600000`, `-1 day, 23:59:59`.
 */
export function formatTimedelta(seconds: number): string {
  const totalMicros = Math.round(seconds * 1e6);
  const days = Math.floor(totalMicros / 86_400e6);
  let rest = totalMicros - days * 86_400e6;
  const hours = Math.floor(rest / 3600e6);
  rest -= hours * 3600e6;
  const minutes = Math.floor(rest / 60e6);
  rest -= minutes * 60e6;
  const secs = Math.floor(rest / 1e6);
  const micros = rest - secs * 1e6;
  const clock = `${hours}:${String(minutes).padStart(2, '0')}:${String(secs).padStart(2, '0')}`;
  const fraction = micros === 0 ? '' : `.${String(micros).padStart(6, '0')}`;
  const dayPart = days === 0 ? '' : `${days} day${Math.abs(days) === 1 ? '' : 's'}, `;
  return `${dayPart}${clock}${fraction}`;
}

/**
 * Python's `repr()` of a float, as Gnocchi prints seconds in messages (`1.0`, `3600.0`, `3.6`, `1e-05`,
 * `1e+16`).
 */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0';
  const sign = value < 0 ? '-' : '';
  const [mantissa = '0', exponentText = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const exponent = Number(exponentText);
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${body}e${exponent < 0 ? '-' : '+'}${String(Math.abs(exponent)).padStart(2, '0')}`;
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`;
  const integer = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0');
  const fraction = digits.slice(exponent + 1);
  return `${sign}${integer}.${fraction === '' ? '0' : fraction}`;
}
