/**
 * The body of `POST /v1/search/metric`: a predicate on measure values, as Gnocchi 4.4's
 * `SearchMetricController` reads it (`MetricSearchSchema`) and evaluates it (`MeasureQuery`). A tree of
 * one-key objects: comparisons and arithmetic (`{"=": 12}` is `value = 12`; `{"=": [{"+": 1}, 13]}` is
 * `value + 1 = 13`) and `and`/`or` (`∧`/`∨`) over lists of trees. Gnocchi's schema also admits `not`, which
 * its evaluator then refuses (400 `Unknown operator not`); so does this.
 */
import { TimeseriesError } from '../errors.js';
import { MAX_FILTER_CONDITIONS } from './search-filter.js';
import { isObject } from './validate.js';

/** A validated predicate tree. */
export type MetricSearchTree = { [op: string]: number | MetricSearchOperand[] | MetricSearchTree[] };

/** An argument of a binary operator: a number or a nested operation. */
export type MetricSearchOperand = number | MetricSearchTree;

type Binary = (a: number, b: number) => number | boolean;

/** Python's `%`: the result has the divisor's sign. */
function pyMod(a: number, b: number): number {
  if (b === 0) throw new TimeseriesError(400, 'float modulo');
  return a - b * Math.floor(a / b);
}

function pyDiv(a: number, b: number): number {
  if (b === 0) throw new TimeseriesError(400, 'float division by zero');
  return a / b;
}

/** Gnocchi's binary operators by every spelling. */
const BINARY: ReadonlyMap<string, Binary> = new Map<string, Binary>([
  ...['=', '==', 'eq'].map((k): [string, Binary] => [k, (a, b) => a === b]),
  ...['<', 'lt'].map((k): [string, Binary] => [k, (a, b) => a < b]),
  ...['>', 'gt'].map((k): [string, Binary] => [k, (a, b) => a > b]),
  ...['<=', '≤', 'le'].map((k): [string, Binary] => [k, (a, b) => a <= b]),
  ...['>=', '≥', 'ge'].map((k): [string, Binary] => [k, (a, b) => a >= b]),
  ...['!=', '≠', 'ne'].map((k): [string, Binary] => [k, (a, b) => a !== b]),
  ...['%', 'mod'].map((k): [string, Binary] => [k, pyMod]),
  ...['+', 'add'].map((k): [string, Binary] => [k, (a, b) => a + b]),
  ...['-', 'sub'].map((k): [string, Binary] => [k, (a, b) => a - b]),
  ...['*', '×', 'mul'].map((k): [string, Binary] => [k, (a, b) => a * b]),
  ...['/', '÷', 'div'].map((k): [string, Binary] => [k, pyDiv]),
  ...['**', '^', 'pow'].map((k): [string, Binary] => [k, (a, b) => a ** b]),
]);

/** Gnocchi's list operators as its evaluator maps them (`∨` any, `∧` all). */
const MULTIPLE: ReadonlyMap<string, 'any' | 'all'> = new Map([
  ['or', 'any'],
  ['∨', 'any'],
  ['and', 'all'],
  ['∧', 'all'],
]);

/** The operators the schema lets through around lists (`not` included). */
const LIST_KEYS = new Set(['and', '∨', 'or', '∧', 'not']);

function invalid(): TimeseriesError {
  return new TimeseriesError(400, { cause: 'Invalid input', reason: 'not a valid value', detail: [] });
}

function isOperation(value: unknown): boolean {
  if (!isObject(value)) return false;
  const entries = Object.entries(value);
  if (entries.length !== 1) return false;
  const [op, arg] = entries[0] as [string, unknown];
  if (!BINARY.has(op)) return false;
  if (typeof arg === 'number') return true;
  return (
    Array.isArray(arg) &&
    arg.length === 2 &&
    arg.every((a: unknown) => typeof a === 'number' || isOperation(a))
  );
}

function isSearch(value: unknown, depth: number, count: { conditions: number }): boolean {
  if (depth > 100) return false;
  if (isOperation(value)) {
    if (++count.conditions > MAX_FILTER_CONDITIONS) {
      throw new TimeseriesError(400, {
        cause: 'Invalid input',
        reason: `more than ${MAX_FILTER_CONDITIONS} conditions`,
        detail: [],
      });
    }
    return true;
  }
  if (!isObject(value)) return false;
  const entries = Object.entries(value);
  if (entries.length !== 1) return false;
  const [op, arg] = entries[0] as [string, unknown];
  return LIST_KEYS.has(op) && Array.isArray(arg) && arg.every((a: unknown) => isSearch(a, depth + 1, count));
}

/**
 * Validates a body as Gnocchi's `MetricSearchSchema` (400 Invalid input `not a valid value` otherwise); more
 * than {@link MAX_FILTER_CONDITIONS} conditions, each tried on every measure, are a 400 too.
 */
export function parseMetricSearch(body: unknown): MetricSearchTree {
  if (!isSearch(body, 0, { conditions: 0 })) throw invalid();
  return body as MetricSearchTree;
}

type Evaluator = (value: number) => number | boolean;

const asNumber = (x: number | boolean): number => (typeof x === 'boolean' ? Number(x) : x);

function evaluator(tree: MetricSearchOperand): Evaluator {
  if (typeof tree === 'number') return () => tree;
  const [op, nodes] = Object.entries(tree)[0] as [string, number | MetricSearchOperand[]];
  const multiple = MULTIPLE.get(op);
  if (multiple !== undefined) {
    const parts = (nodes as MetricSearchOperand[]).map(evaluator);
    return multiple === 'any'
      ? (v) => parts.some((p) => truthy(p(v)))
      : (v) => parts.every((p) => truthy(p(v)));
  }
  const binary = BINARY.get(op);
  if (binary === undefined) throw new TimeseriesError(400, `Unknown operator ${op}`);
  if (typeof nodes === 'number') return (v) => binary(v, nodes);
  const [left, right] = nodes.map(evaluator) as [Evaluator, Evaluator];
  return (v) => binary(asNumber(left(v)), asNumber(right(v)));
}

/** Python's truth of a result: a number is true unless 0 (NaN is true). */
function truthy(x: number | boolean): boolean {
  return typeof x === 'boolean' ? x : x !== 0;
}

/**
 * The predicate of a validated tree (400 `Unknown operator <op>` for `not`; dividing by zero while
 * evaluating is a 400 `float division by zero` / `float modulo`, where Gnocchi fails with a 500).
 */
export function metricSearchPredicate(tree: MetricSearchTree): (value: number) => boolean {
  const evaluate = evaluator(tree);
  return (value) => truthy(evaluate(value));
}
