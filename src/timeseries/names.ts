/**
 * Limits on what requests may name and nest, the same for both stores: names (archive policies and their
 * rules, rule patterns, metrics, resource types, user and project ids, `like` and metric-name patterns) are
 * at most 255 characters, as Gnocchi's `String(255)` columns; NUL is refused everywhere (PostgreSQL cannot
 * store it); bodies, search filters and aggregation operations nest at most 100 levels.
 */

/** Characters (code points) a name may hold. */
export const MAX_NAME_LENGTH = 255;

/** Levels of nesting of a JSON body, a search filter string or an operations string. */
export const MAX_NESTING = 100;

/** Whether `text` holds more than `max` characters (code points, as Python's `len`); reads at most `max + 1`. */
export function tooLong(text: string, max = MAX_NAME_LENGTH): boolean {
  if (text.length <= max) return false;
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
    if (++count > max) return true;
  }
  return false;
}
