/**
 * Python's `float()` of a numeric text (`42`, ` -1.5e3 `, `1_000.25`, `.5`, `5.`), as Gnocchi reads numbers
 * given as strings. The pattern gives each character one way to match, so a long text that fails (a
 * megabyte of digits then `x`) costs one pass, where `\d+\.?\d*` would try every split of the digits.
 */
const PYTHON_FLOAT_RE = /^\s*[+-]?(?:\d(?:_?\d)*(?:\.(?:\d(?:_?\d)*)?)?|\.\d(?:_?\d)*)(?:e[+-]?\d+)?\s*$/i;

/** The value of a numeric text as Python's `float()` reads it (`inf`/`nan` excepted), or undefined. */
export function parsePythonFloat(text: string): number | undefined {
  return PYTHON_FLOAT_RE.test(text) ? Number(text.trim().replace(/_/g, '')) : undefined;
}
