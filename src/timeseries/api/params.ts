/** Query-string helpers with Gnocchi's error shapes. */
import type { FastifyRequest } from 'fastify';
import { parseDuration } from '../duration.js';
import { TimeseriesError } from '../errors.js';
import { parseTimestamp } from '../timestamp.js';

/** The parsed query string (repeated keys become arrays). */
export type Query = Record<string, string | string[] | undefined>;

/** The query of a request. */
export function queryOf(request: FastifyRequest): Query {
  return (request.query ?? {}) as Query;
}

/** One query parameter (the first value if repeated), or undefined. */
export function queryParam(query: Query, name: string): string | undefined {
  const value = query[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Every value of a (possibly repeated) query parameter. */
export function queryList(query: Query, name: string): string[] {
  const value = query[name];
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

const TRUE_VALUES = new Set(['y', 'yes', 't', 'true', 'on', '1']);
const FALSE_VALUES = new Set(['n', 'no', 'f', 'false', 'off', '0']);

/** Python's strtobool; 400 "Unable to parse `<name>': invalid truth value '<v>'" otherwise. */
export function parseBool(name: string, value: string | undefined, fallback = false): boolean {
  if (value === undefined) return fallback;
  const v = value.toLowerCase();
  if (TRUE_VALUES.has(v)) return true;
  if (FALSE_VALUES.has(v)) return false;
  throw new TimeseriesError(400, `Unable to parse \`${name}': invalid truth value '${value}'`);
}

/** A boolean query parameter (`details=true`, `refresh=False`, …). */
export function queryBool(query: Query, name: string, fallback = false): boolean {
  return parseBool(name, queryParam(query, name), fallback);
}

/** A `start`/`stop` query parameter as epoch seconds (400 "Must be a datetime or a timestamp"). */
export function timestampParam(query: Query, name: string): number | undefined {
  const text = queryParam(query, name);
  if (text === undefined) return undefined;
  try {
    return parseTimestamp(text);
  } catch {
    throw TimeseriesError.argument(name, 'Must be a datetime or a timestamp');
  }
}

/** A duration query parameter in seconds (400 Argument value error with the parse failure). */
export function durationParam(query: Query, name: string): number | undefined {
  const text = queryParam(query, name);
  if (text === undefined) return undefined;
  try {
    return parseDuration(text);
  } catch (e) {
    throw TimeseriesError.argument(name, e instanceof Error ? e.message : String(e));
  }
}
