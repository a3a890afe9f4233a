/**
 * Limits on decoded JSON bodies, checked once in `readJson` so that no route meets them: nesting deeper
 * than `MAX_NESTING` levels (the validators, the error pages and the serializer recurse; 20,000 levels
 * would overflow their stack) and NUL in any string or key (PostgreSQL cannot store it; the embedded store
 * would). Both walks are iterative. The NUL walk runs only when the raw text holds a `\u0000` escape
 * (JSON cannot carry a raw NUL byte inside a string), so large measure batches pay one `indexOf`.
 */
import { nestsDeeperThan } from '../../support/json-depth.js';
import { TimeseriesError } from '../errors.js';
import { MAX_NESTING } from '../names.js';
import { invalidAt, type BodyPath } from './validate.js';

const NUL_ESCAPE = Buffer.from('\\u0000', 'latin1');

/** The path of the first string or key holding NUL, in document order, or undefined. */
export function findNul(value: unknown): BodyPath | undefined {
  const stack: { node: unknown; path: BodyPath }[] = [{ node: value, path: [] }];
  while (stack.length > 0) {
    const { node, path } = stack.pop() as { node: unknown; path: BodyPath };
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return path;
    } else if (Array.isArray(node)) {
      for (let i = node.length - 1; i >= 0; i--) stack.push({ node: node[i], path: [...path, i] });
    } else if (typeof node === 'object' && node !== null) {
      const entries = Object.entries(node);
      for (const [key] of entries) if (key.includes('\u0000')) return [...path, key];
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, unknown];
        stack.push({ node: child, path: [...path, key] });
      }
    }
  }
  return undefined;
}

/**
 * Refuses a decoded body (`raw` its bytes) nested deeper than `MAX_NESTING` levels (400 "Unable to decode
 * body", as Gnocchi's undecodable bodies) or holding NUL (400 Invalid input naming the field).
 */
export function checkJsonLimits(value: unknown, raw: Buffer): void {
  if (nestsDeeperThan(value, MAX_NESTING)) {
    throw new TimeseriesError(400, {
      cause: 'Unable to decode body',
      reason: `More than ${MAX_NESTING} nested levels of objects and lists`,
      detail: [],
    });
  }
  if (raw.indexOf(NUL_ESCAPE) === -1) return;
  const path = findNul(value);
  if (path !== undefined) throw invalidAt('NUL character not allowed', path);
}
