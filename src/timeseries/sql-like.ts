/**
 * SQL `LIKE` as Gnocchi's indexer runs it for `like` searches: `%` matches any run of characters, `_` any
 * one character, everything else itself (case-sensitive, whole value). Compiled to wildcard tokens and
 * matched in linear-bounded time (see wildcard-match.ts), never through a backtracking regular expression.
 */
import { matchWildcard, type MatchCost, type WildcardToken } from './wildcard-match.js';

/** The tokens of a `like` pattern (consecutive `%` fold into one). */
export function compileLike(pattern: string): WildcardToken[] {
  const tokens: WildcardToken[] = [];
  for (const c of pattern) {
    if (c === '%') {
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '_') tokens.push({ kind: 'any' });
    else tokens.push({ kind: 'literal', codePoint: c.codePointAt(0) as number });
  }
  return tokens;
}

/** A matcher of values against one `like` pattern, compiled once. */
export function likeMatcher(pattern: string): (value: string, cost?: MatchCost) => boolean {
  const tokens = compileLike(pattern);
  return (value, cost) => matchWildcard(tokens, value, cost);
}
