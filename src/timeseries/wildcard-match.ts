/**
 * Matching a name against a compiled wildcard pattern (SQL `like`, shell globs) without regular expressions:
 * a two-pointer scan that, on a mismatch, only moves the last star on by one character. Every step advances
 * the text or the pattern, or restarts after the last star one character further, so a match costs at most
 * (text length + 1) × (pattern length + 1) steps, whatever the pattern: no backtracking blow-up.
 */

/** One element of a compiled pattern. */
export type WildcardToken =
  /** Any run of characters, the empty one included (`%`, `*`). */
  | { kind: 'star' }
  /** Any one character (`_`, `?`). */
  | { kind: 'any' }
  /** Exactly this code point. */
  | { kind: 'literal'; codePoint: number }
  /** One code point in (or, `negated`, not in) the inclusive ranges (`[a-z]`, `[!0-9]`). */
  | { kind: 'set'; ranges: [number, number][]; negated: boolean };

/** A step counter, for tests and budgets: `steps` grows by one per comparison of the scan. */
export interface MatchCost {
  steps: number;
}

function matchesOne(token: WildcardToken, codePoint: number): boolean {
  switch (token.kind) {
    case 'any':
      return true;
    case 'literal':
      return token.codePoint === codePoint;
    case 'set': {
      let inSet = false;
      for (const [lo, hi] of token.ranges) {
        if (codePoint >= lo && codePoint <= hi) {
          inSet = true;
          break;
        }
      }
      return inSet !== token.negated;
    }
    case 'star':
      return false;
  }
}

/**
 * Whether the whole of `text` matches `tokens` (characters are code points). `cost.steps`, when given,
 * grows by the steps taken: at most (code points + 1) × (tokens + 1).
 */
export function matchWildcard(tokens: readonly WildcardToken[], text: string, cost?: MatchCost): boolean {
  const chars = Array.from(text, (c) => c.codePointAt(0) as number);
  const n = chars.length;
  const m = tokens.length;
  let t = 0;
  let p = 0;
  let star = -1;
  let resume = 0;
  let steps = 0;
  while (t < n) {
    steps++;
    const token = tokens[p];
    if (token !== undefined && token.kind === 'star') {
      star = p++;
      resume = t;
    } else if (token !== undefined && matchesOne(token, chars[t] as number)) {
      p++;
      t++;
    } else if (star >= 0) {
      p = star + 1;
      t = ++resume;
    } else {
      if (cost) cost.steps += steps;
      return false;
    }
  }
  while (p < m && tokens[p]?.kind === 'star') {
    p++;
    steps++;
  }
  if (cost) cost.steps += steps;
  return p === m;
}
