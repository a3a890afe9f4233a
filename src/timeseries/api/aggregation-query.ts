/**
 * The query parameters both aggregation APIs share (`/v1/aggregates` and the deprecated
 * `/v1/aggregation/…` routes), read and checked as Gnocchi 4.4's `validate_qs` does: `start`, `stop`,
 * `granularity`, `needed_overlap` and `fill`, each error a 400 `Argument value error` naming the parameter.
 *
 * `fill` is a float, `null` or `dropna` as in Gnocchi 4.4 (and its error text is 4.4's); as an extension,
 * the modes of later Gnocchi releases (`ffill`, `bfill`, `full_ffill`, `full_bfill`) are accepted too.
 */
import type { EvaluateOptions, FillMode } from '../aggregates-evaluator.js';
import { TimeseriesError } from '../errors.js';
import { parsePythonFloat } from '../python-float.js';
import { durationParam, queryParam, timestampParam, type Query } from './params.js';

const FILL_WORDS = new Set(['null', 'dropna', 'ffill', 'bfill', 'full_ffill', 'full_bfill']);

/** Gnocchi 4.4's reason for a bad `fill`. */
export const FILL_REASON = "Must be a float, 'dropna' or 'null'";

/** A `fill` value: a fill word or a float (400 `Must be a float, 'dropna' or 'null'` otherwise). */
export function parseFill(text: string): FillMode {
  if (FILL_WORDS.has(text)) return text as FillMode;
  const n = parsePythonFloat(text);
  if (n === undefined) throw TimeseriesError.argument('fill', FILL_REASON);
  return n;
}

/** Reads `needed_overlap`, `start`, `stop`, `granularity` and `fill`, in Gnocchi's order. */
export function aggregationQuery(query: Query): EvaluateOptions {
  const options: EvaluateOptions = {};
  const overlap = queryParam(query, 'needed_overlap');
  if (overlap !== undefined) {
    const n = parsePythonFloat(overlap);
    if (n === undefined) throw TimeseriesError.argument('needed_overlap', 'Must be a number');
    options.needed_overlap = n;
  }
  const start = timestampParam(query, 'start');
  if (start !== undefined) options.start = start;
  const stop = timestampParam(query, 'stop');
  if (stop !== undefined) options.stop = stop;
  const granularity = durationParam(query, 'granularity');
  if (granularity !== undefined) options.granularity = granularity;
  const fill = queryParam(query, 'fill');
  if (fill !== undefined) options.fill = parseFill(fill);
  return options;
}
