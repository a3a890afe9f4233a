/** Longest part of a peer's value an error message repeats, characters. */
const MAX_SHOWN = 64;

/**
 * A value from a peer as an error message shows it: in JSON quotes, control characters escaped (a NUL
 * is `\u0000`), cut after 64 characters with `…` and the full length.
 */
export function quoted(value: string): string {
  if (value.length <= MAX_SHOWN) return JSON.stringify(value);
  return `${JSON.stringify(value.slice(0, MAX_SHOWN))}… (${value.length} characters)`;
}
