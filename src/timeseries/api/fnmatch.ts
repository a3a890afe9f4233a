/**
 * Python's `fnmatch.fnmatchcase`, as Gnocchi matches metric names against globs (archive policy rules,
 * metric names in `/v1/aggregates`): `*`, `?`, `[seq]`, `[!seq]` with ranges, case-sensitive, whole name.
 * The glob is compiled to wildcard tokens and matched in linear-bounded time (see wildcard-match.ts), never
 * through a backtracking regular expression.
 */
import { matchWildcard, type MatchCost, type WildcardToken } from '../wildcard-match.js';

/**
 * The set of a `[...]` whose body (between the brackets) is `body`: Python's rules, so a leading `!`
 * negates, `a-z` is a range, a `-` first, last or right after a range is itself, and a reversed range
 * (`z-a`) takes nothing, with its two ends.
 */
function compileSet(body: number[]): WildcardToken {
  const negated = body[0] === 0x21;
  const chars = negated ? body.slice(1) : body;
  const ranges: [number, number][] = [];
  let q = 0;
  while (q < chars.length) {
    const lo = chars[q] as number;
    if (chars[q + 1] === 0x2d && q + 2 < chars.length) {
      const hi = chars[q + 2] as number;
      if (lo <= hi) ranges.push([lo, hi]);
      q += 3;
    } else {
      ranges.push([lo, lo]);
      q++;
    }
  }
  return { kind: 'set', ranges, negated };
}

/** The tokens of a glob (consecutive `*` fold into one; a `[` without its `]` is itself). */
export function compileGlob(pattern: string): WildcardToken[] {
  const chars = Array.from(pattern, (c) => c.codePointAt(0) as number);
  const tokens: WildcardToken[] = [];
  let i = 0;
  while (i < chars.length) {
    const c = chars[i++] as number;
    if (c === 0x2a) {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === 0x3f) tokens.push({ kind: 'any' });
    else if (c === 0x5b) {
      let j = i;
      if (chars[j] === 0x21) j++;
      if (chars[j] === 0x5d) j++;
      while (j < chars.length && chars[j] !== 0x5d) j++;
      if (j >= chars.length) tokens.push({ kind: 'literal', codePoint: c });
      else {
        tokens.push(compileSet(chars.slice(i, j)));
        i = j + 1;
      }
    } else tokens.push({ kind: 'literal', codePoint: c });
  }
  return tokens;
}

/** A matcher of names against one glob, compiled once. */
export function globMatcher(pattern: string): (name: string, cost?: MatchCost) => boolean {
  const tokens = compileGlob(pattern);
  return (name, cost) => matchWildcard(tokens, name, cost);
}

/** Whether `name` matches the glob `pattern`: `*`, `?`, `[seq]`, `[!seq]`, case-sensitive, whole name. */
export function fnmatch(name: string, pattern: string): boolean {
  return matchWildcard(compileGlob(pattern), name);
}
