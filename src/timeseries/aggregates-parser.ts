/**
 * The string form of `/v1/aggregates` operations, read as Gnocchi reads it with pyparsing
 * (`OneOrMore(nestedExpr())`, first group): `(aggregate sum (metric (A mean) (B mean)))` becomes
 * `['aggregate', 'sum', ['metric', ['A', 'mean'], ['B', 'mean']]]`. Words stay strings (quotes removed);
 * the validator gives them meaning.
 */
import { TimeseriesError } from './errors.js';
import { MAX_NESTING } from './names.js';

/** A parsed S-expression: a word or a group of them. */
export type SExpression = string | SExpression[];

/** More than `MAX_NESTING` groups open at `position`. */
class NestingFailure extends Error {
  constructor(readonly position: number) {
    super(`more than ${MAX_NESTING} nested groups`);
  }
}

class ParseFailure extends Error {
  constructor(
    readonly expected: string,
    readonly position: number,
  ) {
    super(expected);
  }
}

function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"')
    ? `"${s}"`
    : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** pyparsing's ParseException text: `Expected ')', found '('  (at char 15), (line:1, col:16)`. */
function parseErrorText(text: string, failure: ParseFailure): string {
  const loc = failure.position;
  let found = '';
  if (text.length > 0) {
    if (loc >= text.length) found = ', found end of text';
    else found = `, found ${pyRepr(/^[A-Za-z0-9]{1,16}|^[\s\S]/.exec(text.slice(loc))?.[0] ?? '')}`;
  }
  const before = text.slice(0, loc);
  const line = before.split('\n').length;
  const column = loc - before.lastIndexOf('\n');
  return `Expected ${failure.expected}${found}  (at char ${loc}), (line:${line}, col:${column})`;
}

const QUOTED_RE = /^(?:"(?:[^"\n\\]|\\.)*"|'(?:[^'\n\\]|\\.)*')/;

function unquote(token: string): string {
  return token.slice(1, -1).replace(/\\(.)/g, '$1');
}

function skipSpace(text: string, pos: number): number {
  let p = pos;
  while (p < text.length && /\s/.test(text[p] as string)) p++;
  return p;
}

/**
 * Parses the group opening at `pos`; returns it and the position after its `)`. Iterative (an explicit
 * stack of open groups), so a megabyte of `(` costs no stack; more than `MAX_NESTING` open groups fail. A
 * failure inside a nested group is reported at that group's outermost `(` below the first one, as
 * pyparsing reports it.
 */
function parseGroup(text: string, pos: number): [SExpression[], number] {
  const open: { items: SExpression[]; start: number }[] = [{ items: [], start: pos }];
  const fail = (expected: string, at: number): ParseFailure =>
    new ParseFailure(expected, open.length > 1 ? (open[1] as { start: number }).start : at);
  let p = pos + 1;
  for (;;) {
    const items = (open[open.length - 1] as { items: SExpression[] }).items;
    p = skipSpace(text, p);
    if (p >= text.length) throw fail("')'", p);
    const c = text[p] as string;
    if (c === ')') {
      open.pop();
      const parent = open[open.length - 1];
      if (parent === undefined) return [items, p + 1];
      parent.items.push(items);
      p++;
      continue;
    }
    if (c === '(') {
      if (open.length >= MAX_NESTING) throw new NestingFailure(p);
      open.push({ items: [], start: p });
      p++;
      continue;
    }
    const quoted = QUOTED_RE.exec(text.slice(p));
    if (quoted) {
      items.push(unquote(quoted[0]));
      p += quoted[0].length;
      continue;
    }
    let end = p;
    while (end < text.length) {
      const ch = text[end] as string;
      if (ch === '(' || ch === ')' || /\s/.test(ch)) break;
      if ((ch === '"' || ch === "'") && end > p && QUOTED_RE.test(text.slice(end))) break;
      end++;
    }
    items.push(text.slice(p, end));
    p = end;
  }
}

/**
 * Parses the first group of an operations string. An unparsable string → 400 `{cause: 'Invalid
 * operations', reason: 'Fail to parse the operations string', detail: <pyparsing's message>}`, as is one
 * nesting more than `MAX_NESTING` groups (detail `More than 100 nested groups  (at char N)`).
 */
export function parseSExpression(text: string): SExpression[] {
  const start = skipSpace(text, 0);
  try {
    if (text[start] !== '(') throw new ParseFailure('nested () expression', start);
    return parseGroup(text, start)[0];
  } catch (e) {
    if (e instanceof NestingFailure) {
      throw new TimeseriesError(400, {
        cause: 'Invalid operations',
        reason: 'Fail to parse the operations string',
        detail: `More than ${MAX_NESTING} nested groups  (at char ${e.position})`,
      });
    }
    if (!(e instanceof ParseFailure)) throw e;
    throw new TimeseriesError(400, {
      cause: 'Invalid operations',
      reason: 'Fail to parse the operations string',
      detail: parseErrorText(text, e),
    });
  }
}
