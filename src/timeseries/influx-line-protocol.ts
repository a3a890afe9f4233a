/**
 * InfluxDB line protocol as Gnocchi 4.4 reads it (`gnocchi/rest/influxdb.py`, a pyparsing grammar), parsed
 * by hand in one pass: `measurement[,tag=value...] field=value[,field=value...][ timestamp]`. Names are
 * `"quoted"` (backslash escapes, `\t \n \f \r` as in pyparsing) or bare (`\ `, `\,`, `\=` escaped, a bare
 * name cannot start with `\`). Field values: `12i` (integer: digits then `i`, no sign), numbers
 * (`-1.5e3`: `[+-]?\d+(\.\d*)?([eE][+-]?\d+)?`), `"strings"` and, unlike Gnocchi (whose grammar defines
 * booleans but never uses them, so it refuses the line), booleans (`t`, `true`, `F`, `FALSE`...). The
 * timestamp is integer nanoseconds. Tabs are first expanded to spaces (tab stops of 8), as pyparsing does. As
 * with pyparsing's `parseString` without `parseAll`, whatever follows
 * the longest valid start of a line is ignored (`f=5u,g=1 123` reads as `f=5` with no timestamp); no
 * whitespace is skipped anywhere. Later duplicates of a tag or field win. Two inputs on which Gnocchi fails
 * with a 500 (a number like `1:e5`, which its regex's typo `(:?` admits but `float()` refuses; a timestamp
 * past 2^63 ns) are parse errors here; digits outside ASCII in numbers, which Python's `\d` and `float()`
 * accept, are too.
 */
import { MAX_TIMESTAMP, roundToMicroseconds } from './timestamp.js';

/** A field value: numbers (`float`, `int`, `bool` as 1/0) are measures, `string` values are skipped. */
export type FieldValue =
  { kind: 'float' | 'int' | 'bool'; value: number } | { kind: 'string'; value: string };

/** One parsed line. */
export interface LinePoint {
  measurement: string;
  /** Tag key → value (a later duplicate replaces an earlier one, keeping its place). */
  tags: Map<string, string>;
  /** Field key → value, in the line's order. */
  fields: Map<string, FieldValue>;
  /** The timestamp's decimal digits as written (nanoseconds by default), or null when absent. */
  timestamp: string | null;
}

const BARE_ESCAPE_RE = /\\([ ,=])/g;
const NUMBER_RE = /[+-]?[0-9]+(:?\.[0-9]*)?(:?[eE][+-]?[0-9]+)?/y;
const BOOLEAN_RE = /False|True|false|true|FALSE|TRUE|F|T|f|t/y;
const DIGITS_RE = /[0-9]+/y;
const ESCAPED_CHAR_RE = /\\([^\n])/gu;

/** A parse step: the value and the position after it, or undefined when it does not match. */
type Step<T> = [value: T, next: number] | undefined;

/**
 * pyparsing's `QuotedString('"', escChar='\\')` at `i`: the unquoted text (whitespace escapes converted,
 * then `\x` → `x`) and the position after the closing quote, or undefined.
 */
export function quoted(s: string, i: number): Step<string> {
  if (s[i] !== '"') return undefined;
  let j = i + 1;
  while (j < s.length) {
    const c = s[j];
    if (c === '"') {
      let text = s.slice(i + 1, j);
      if (text.includes('\\')) {
        text = text
          .replaceAll('\\t', '\t')
          .replaceAll('\\n', '\n')
          .replaceAll('\\f', '\f')
          .replaceAll('\\r', '\r')
          .replace(ESCAPED_CHAR_RE, '$1');
      }
      return [text, j + 1];
    }
    if (c === '\\') {
      if (j + 1 >= s.length || s[j + 1] === '\n') return undefined;
      j += 2;
    } else if (c === '\n' || c === '\r') return undefined;
    else j++;
  }
  return undefined;
}

/**
 * A bare name: characters other than space, comma, `=` and `\\` (at least one first), then any of those,
 * `\\ `, `\\,`, `\\=` (unescaped) and lone backslashes (kept). Found in one scan, unescaped in one pass.
 */
function bare(s: string, i: number): Step<string> {
  if (i >= s.length || isBareStop(s.charCodeAt(i))) return undefined;
  let j = i;
  let escaped = false;
  while (j < s.length) {
    const c = s.charCodeAt(j);
    if (c === BACKSLASH) {
      escaped = true;
      const next = s.charCodeAt(j + 1);
      j += next === SPACE || next === COMMA || next === EQUALS ? 2 : 1;
    } else if (isBareStop(c)) break;
    else j++;
  }
  const text = s.slice(i, j);
  return [escaped ? text.replace(BARE_ESCAPE_RE, '$1') : text, j];
}

const SPACE = 0x20;
const COMMA = 0x2c;
const EQUALS = 0x3d;
const BACKSLASH = 0x5c;

function isBareStop(c: number): boolean {
  return c === SPACE || c === COMMA || c === EQUALS || c === BACKSLASH;
}

/** A measurement, tag key, tag value or field key: quoted first, else bare. */
function name(s: string, i: number): Step<string> {
  return quoted(s, i) ?? bare(s, i);
}

function sticky(re: RegExp, s: string, i: number): string | undefined {
  re.lastIndex = i;
  return re.exec(s)?.[0];
}

/** A field value as Gnocchi reads it: integer, number or quoted string (the first that matches). */
function gnocchiFieldValue(s: string, i: number): Step<FieldValue> {
  const digits = sticky(DIGITS_RE, s, i);
  if (digits !== undefined && s[i + digits.length] === 'i') {
    return [{ kind: 'int', value: Number(digits) }, i + digits.length + 1];
  }
  const number = sticky(NUMBER_RE, s, i);
  if (number !== undefined) {
    // Gnocchi's `float()` fails on the `:` its regex admits (a 500 there).
    if (number.includes(':')) throw new LineSyntaxError();
    return [{ kind: 'float', value: Number(number) }, i + number.length];
  }
  const text = quoted(s, i);
  return text === undefined ? undefined : [{ kind: 'string', value: text[0] }, text[1]];
}

/** A field value, booleans too (tried last). */
function anyFieldValue(s: string, i: number): Step<FieldValue> {
  const value = gnocchiFieldValue(s, i);
  if (value !== undefined) return value;
  const bool = sticky(BOOLEAN_RE, s, i);
  if (bool === undefined) return undefined;
  return [{ kind: 'bool', value: bool[0] === 't' || bool[0] === 'T' ? 1 : 0 }, i + bool.length];
}

/** Thrown inside the parser for inputs Gnocchi fails on outside its grammar. */
class LineSyntaxError extends Error {}

/**
 * `delimitedList(OneOrMore(Group(key "=" value)))`: pairs separated by commas (or, after a quoted value, by
 * nothing); at least one. Stops before a comma that does not start another pair.
 */
function pairs<V>(s: string, i: number, value: (s: string, i: number) => Step<V>): Step<Map<string, V>> {
  const out = new Map<string, V>();
  let j = i;
  let first = true;
  for (;;) {
    const at = first ? j : s[j] === ',' ? j + 1 : j;
    const key = name(s, at);
    const val = key !== undefined && s[key[1]] === '=' ? value(s, key[1] + 1) : undefined;
    if (key === undefined || val === undefined) {
      if (first) return undefined;
      return [out, j];
    }
    out.set(key[0], val[0]);
    j = val[1];
    first = false;
  }
}

/** Python's `str.expandtabs()` (tab stops every 8 code points), which pyparsing applies to its input first. */
function expandTabs(s: string): string {
  if (!s.includes('\t')) return s;
  let column = 0;
  let last = 0;
  // One replacement per run of tabs or line break, so the work is linear in the input and the output.
  return s.replace(TAB_OR_BREAK_RE, (match: string, offset: number) => {
    column += codePoints(s, last, offset);
    last = offset + match.length;
    if (match[0] !== '\t') {
      column = 0;
      return match;
    }
    const spaces = 8 - (column % 8) + 8 * (match.length - 1);
    column += spaces;
    return ' '.repeat(spaces);
  });
}

const TAB_OR_BREAK_RE = /\t+|\n|\r/g;

/** The code points of `s` from `start` to `end` (a surrogate pair counts once). */
function codePoints(s: string, start: number, end: number): number {
  let n = end - start;
  for (let k = start; k < end; k++) {
    const unit = s.charCodeAt(k);
    if (unit >= 0xdc00 && unit <= 0xdfff && k > start) {
      const before = s.charCodeAt(k - 1);
      if (before >= 0xd800 && before <= 0xdbff) n--;
    }
  }
  return n;
}

/** Options of {@link parseLine}. */
export interface ParseLineOptions {
  /** Read boolean field values (default true; false refuses them as Gnocchi does). */
  booleans?: boolean;
}

/** Parses one line (without its `\n`); undefined when Gnocchi would refuse it ("Unable to parse line"). */
export function parseLine(line: string, options: ParseLineOptions = {}): LinePoint | undefined {
  const s = expandTabs(line);
  const fieldValue = options.booleans === false ? gnocchiFieldValue : anyFieldValue;
  try {
    const measurement = name(s, 0);
    if (measurement === undefined) return undefined;
    let i = measurement[1];
    let tags = new Map<string, string>();
    if (s[i] === ',') {
      const parsed = pairs(s, i + 1, name);
      if (parsed !== undefined) [tags, i] = parsed;
    }
    if (s[i] !== ' ') return undefined;
    const fields = pairs(s, i + 1, fieldValue);
    if (fields === undefined) return undefined;
    i = fields[1];
    const timestamp = s[i] === ' ' ? (sticky(DIGITS_RE, s, i + 1) ?? null) : null;
    return { measurement: measurement[0], tags, fields: fields[0], timestamp };
  } catch (e) {
    if (e instanceof LineSyntaxError) return undefined;
    throw e;
  }
}

/** A line Gnocchi would refuse: its 1-based number in the body. */
export class LineParseError extends Error {
  constructor(readonly line: number) {
    super(`Unable to parse line ${line}`);
    this.name = 'LineParseError';
  }
}

/** A body with more lines than allowed. */
export class TooManyLinesError extends Error {
  constructor(readonly limit: number) {
    super(`The body has more than ${limit} lines`);
    this.name = 'TooManyLinesError';
  }
}

/** A parsed line with its 1-based number in the body. */
export interface NumberedPoint {
  line: number;
  point: LinePoint;
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Parses a body of lines separated by `\n` (each decoded as strict UTF-8, empty ones skipped, as Gnocchi),
 * yielding each line as it is parsed: throws {@link TooManyLinesError} before the first when the body has
 * more than `maxLines` lines, and {@link LineParseError} when it reaches a line that does not parse.
 */
export function parseLines(body: Buffer, maxLines: number): Generator<NumberedPoint, void, undefined> {
  const ends: number[] = [];
  for (let at = body.indexOf(0x0a); at !== -1; at = body.indexOf(0x0a, at + 1)) {
    ends.push(at);
    if (ends.length >= maxLines) {
      if (at + 1 < body.length || ends.length > maxLines) throw new TooManyLinesError(maxLines);
    }
  }
  ends.push(body.length);
  return numberedPoints(body, ends);
}

function* numberedPoints(body: Buffer, ends: readonly number[]): Generator<NumberedPoint, void, undefined> {
  let start = 0;
  for (const [index, end] of ends.entries()) {
    if (end > start) {
      let text: string;
      try {
        text = UTF8.decode(body.subarray(start, end));
      } catch {
        throw new LineParseError(index + 1);
      }
      const point = parseLine(text);
      if (point === undefined) throw new LineParseError(index + 1);
      yield { line: index + 1, point };
    }
    start = end + 1;
  }
}

/** Units of line timestamps (InfluxDB's `precision` query parameter; Gnocchi reads nanoseconds only). */
export const PRECISIONS: ReadonlyMap<string, bigint> = new Map([
  ['n', 1n],
  ['ns', 1n],
  ['u', 1_000n],
  ['us', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
]);

/** More digits than any accepted timestamp has (2^63 ns has 19), so BigInt never reads a megabyte. */
const MAX_TIMESTAMP_DIGITS = 20;

/**
 * A line timestamp (decimal digits in units of `nanosPerUnit` nanoseconds) as epoch seconds rounded to the
 * microsecond, or undefined when it is after {@link MAX_TIMESTAMP} (2262-04-11T23:47:16).
 */
export function lineTimestampSeconds(digits: string, nanosPerUnit: bigint): number | undefined {
  const significant = digits.replace(/^0+/, '');
  if (significant.length > MAX_TIMESTAMP_DIGITS) return undefined;
  const nanos = BigInt(significant === '' ? '0' : significant) * nanosPerUnit;
  const seconds = roundToMicroseconds(Number(nanos / 1_000_000_000n) + Number(nanos % 1_000_000_000n) / 1e9);
  return seconds <= MAX_TIMESTAMP ? seconds : undefined;
}
