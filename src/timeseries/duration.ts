/**
 * Durations (granularity, timespan, resample) as Gnocchi reads them — a number of seconds or a
 * pytimeparse expression (`1h`, `1 day`, `5min`, `0:59:58`) — and prints them (Python `timedelta` str).
 */

import { parsePythonFloat } from './python-float.js';

/** Gnocchi's message for a zero or negative duration. */
export const TIMESPAN_NOT_POSITIVE = 'Timespan must be positive';
/** Gnocchi's message for a duration it cannot read. */
export const TIMESPAN_UNPARSABLE = 'Unable to parse timespan';

/** pytimeparse's unit fields in the order they must appear, with the words of each (case-insensitive). */
const UNITS: readonly (readonly [field: string, words: readonly string[]])[] = [
  ['weeks', ['w', 'wk', 'wks', 'week', 'weeks']],
  ['days', ['d', 'dy', 'dys', 'day', 'days']],
  ['hours', ['h', 'hr', 'hrs', 'hour', 'hours']],
  ['mins', ['m', 'min', 'mins', 'minute', 'minutes']],
  ['secs', ['s', 'sec', 'secs', 'second', 'seconds']],
];
const SECS_UNIT = UNITS.length - 1;

/** pytimeparse's clock formats (anchored, linear: no two quantifiers compete for the same characters). */
const MINCLOCK_RE = /^\s*(?<mins>\d{1,2}):(?<secs>\d{2}(?:\.\d+)?)\s*$/;
const DAYCLOCK_RE = /^\s*(?<days>\d+):(?<hours>\d{2}):(?<mins>\d{2}):(?<secs>\d{2}(?:\.\d+)?)\s*$/;
const SECCLOCK_RE = /^\s*:(?<secs>\d{2}(?:\.\d+)?)\s*$/;
const HOURCLOCK_RE = /^(?<hours>\d+):(?<mins>\d{2}):(?<secs>\d{2}(?:\.\d+)?)\s*$/;

const SIGN_RE = /^\s*(?<sign>[+|-])?\s*(?<unsigned>[\s\S]*)$/;

const isSpace = (c: string | undefined): boolean => c !== undefined && /\s/.test(c);
const isNumberChar = (c: string | undefined): boolean =>
  c !== undefined && ((c >= '0' && c <= '9') || c === '.');
const isLetter = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));

/**
 * Reads pytimeparse's unit terms (`1w`, `3 days,`, `2.5 h /`) from `pos`: each a number (`[\d.]+`), spaces,
 * one of its unit's words, then, but after seconds, spaces, one optional `,` or `/` and spaces; units in
 * order and each once, up to `lastUnit`. One left-to-right pass: where pytimeparse's regular expression
 * backtracks over every split of the spaces (seconds for 200 characters), this reads each character once.
 * Returns the fields read and where they stop.
 */
function readUnitTerms(
  text: string,
  pos: number,
  lastUnit: number,
): { fields: Map<string, string>; end: number } {
  const fields = new Map<string, string>();
  let p = pos;
  let previous = -1;
  while (previous < SECS_UNIT) {
    let q = p;
    while (isNumberChar(text[q])) q++;
    if (q === p) break;
    const number = text.slice(p, q);
    while (isSpace(text[q])) q++;
    const wordStart = q;
    while (isLetter(text[q])) q++;
    const word = text.slice(wordStart, q).toLowerCase();
    const unit = UNITS.findIndex(([, words]) => words.includes(word));
    if (unit <= previous || unit > lastUnit) break;
    fields.set((UNITS[unit] as readonly [string, readonly string[]])[0], number);
    previous = unit;
    p = q;
    if (unit === SECS_UNIT) break;
    while (isSpace(text[p])) p++;
    if (text[p] === ',' || text[p] === '/') p++;
    while (isSpace(text[p])) p++;
  }
  return { fields, end: p };
}

function skipSpaces(text: string, pos: number): number {
  let p = pos;
  while (isSpace(text[p])) p++;
  return p;
}

function groupsOf(match: RegExpExecArray | null): Map<string, string> | undefined {
  if (match === null) return undefined;
  return new Map(Object.entries(match.groups ?? {}).filter((e): e is [string, string] => e[1] !== undefined));
}

/**
 * pytimeparse's formats, tried in order: unit terms; `M:SS`; weeks and days then `H:MM:SS`; `D:HH:MM:SS`;
 * `:SS`. Each gives the fields it read, or undefined when it does not match the whole text (or matches
 * only spaces).
 */
const TIMEFORMATS: readonly ((text: string) => Map<string, string> | undefined)[] = [
  (text) => {
    const { fields, end } = readUnitTerms(text, skipSpaces(text, 0), SECS_UNIT);
    return fields.size > 0 && skipSpaces(text, end) === text.length ? fields : undefined;
  },
  (text) => groupsOf(MINCLOCK_RE.exec(text)),
  (text) => {
    const { fields, end } = readUnitTerms(text, skipSpaces(text, 0), 1);
    const clock = groupsOf(HOURCLOCK_RE.exec(text.slice(end)));
    return clock === undefined ? undefined : new Map([...fields, ...clock]);
  },
  (text) => groupsOf(DAYCLOCK_RE.exec(text)),
  (text) => groupsOf(SECCLOCK_RE.exec(text)),
];

/** Seconds per unit, by field name. */
const MULTIPLIERS: ReadonlyMap<string, number> = new Map([
  ['weeks', 604800],
  ['days', 86400],
  ['hours', 3600],
  ['mins', 60],
  ['secs', 1],
]);

/**
 * pytimeparse's `timeparse()`: seconds (possibly negative with a leading `-`) or undefined when the text
 * matches none of its formats. Integer fields add up exactly; fractional non-second fields are truncated
 * to whole seconds as pytimeparse does. Linear in the length of the text.
 */
export function parseTimespanExpression(text: string): number | undefined {
  const signMatch = SIGN_RE.exec(text);
  const sign = signMatch?.groups?.sign === '-' ? -1 : 1;
  const unsigned = signMatch?.groups?.unsigned ?? text;
  for (const format of TIMEFORMATS) {
    const found = format(unsigned);
    if (found === undefined) continue;
    const fields = [...found];
    if (fields.some(([, v]) => !/^[\d.]+$/.test(v) || !Number.isFinite(Number(v)))) return undefined;
    const sum = (keep: (key: string) => boolean): number =>
      fields.filter(([k]) => keep(k)).reduce((acc, [k, v]) => acc + (MULTIPLIERS.get(k) ?? 0) * Number(v), 0);
    if (fields.every(([, v]) => /^\d+$/.test(v))) return sign * sum(() => true);
    const secs = found.get('secs');
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
    seconds = parsePythonFloat(input) ?? parseTimespanExpression(input);
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
