/**
 * Gnocchi's aggregation methods: the 216 valid names, the resolution of a policy's `aggregation_methods`
 * (explicit list, `+x`/`-x` modifiers, `*`) and the per-period computation of the base methods.
 */
import { TimeseriesError } from './errors.js';

/** The methods without percentiles or `rate:`. */
export const BASE_AGGREGATION_METHODS: readonly string[] = [
  'mean',
  'sum',
  'last',
  'max',
  'min',
  'std',
  'median',
  'first',
  'count',
];

const PLAIN_METHODS: readonly string[] = [
  ...BASE_AGGREGATION_METHODS,
  ...Array.from({ length: 99 }, (_, i) => `${i + 1}pct`),
];

/**
 * Every valid aggregation method (216): the 9 base methods, `1pct`…`99pct`, then the same 108 prefixed with
 * `rate:`. Gnocchi keeps them in a Python set whose order changes with each process (hash randomisation),
 * so this fixed order is ours.
 */
export const AGGREGATION_METHODS: readonly string[] = [
  ...PLAIN_METHODS,
  ...PLAIN_METHODS.map((m) => `rate:${m}`),
];

/** Gnocchi's default `default_aggregation_methods`. */
export const DEFAULT_AGGREGATION_METHODS: readonly string[] = ['mean', 'min', 'max', 'sum', 'std', 'count'];

const VALID = new Set(AGGREGATION_METHODS);
const PCT_RE = /^([1-9][0-9]?)pct$/;

/** True when `name` is one of the 216 valid methods. */
export function isAggregationMethod(name: unknown): name is string {
  return typeof name === 'string' && VALID.has(name);
}

/** True when the method is computed on the differences between consecutive points (`rate:` prefix). */
export function isRateMethod(name: string): boolean {
  return name.startsWith('rate:');
}

/** The method without its `rate:` prefix. */
export function baseMethodOf(name: string): string {
  return isRateMethod(name) ? name.slice(5) : name;
}

/** The percentile (1–99) of an `Npct` method, undefined for other methods. */
export function percentileOf(name: string): number | undefined {
  const m = PCT_RE.exec(name);
  return m ? Number(m[1]) : undefined;
}

function isValidEntry(entry: unknown): entry is string {
  if (typeof entry !== 'string') return false;
  if (entry === '*') return true;
  if (entry.startsWith('+') || entry.startsWith('-')) return VALID.has(entry.slice(1));
  return VALID.has(entry);
}

/**
 * Resolves a policy's `aggregation_methods` like Gnocchi: an explicit list; only `+x`/`-x` modifiers (or an
 * empty list) applied to `defaults`; `*` = every method (modifiers still apply). Undefined → `defaults`.
 * Order: explicit entries as given, else the defaults (or all methods) with additions appended. Throws
 * TimeseriesError 400 Invalid input `not a valid value @ data['aggregation_methods'][i]` (detail
 * `['aggregation_methods', i]`) or `expected a list …` when not a list.
 */
export function resolveAggregationMethods(
  spec: unknown,
  defaults: readonly string[] = DEFAULT_AGGREGATION_METHODS,
): string[] {
  if (spec === undefined) return [...defaults];
  if (!Array.isArray(spec)) {
    throw TimeseriesError.invalidInput("expected a list for dictionary value @ data['aggregation_methods']", [
      'aggregation_methods',
    ]);
  }
  const entries: string[] = [];
  spec.forEach((entry: unknown, index) => {
    if (!isValidEntry(entry)) {
      throw TimeseriesError.invalidInput(`not a valid value @ data['aggregation_methods'][${index}]`, [
        'aggregation_methods',
        index,
      ]);
    }
    entries.push(entry);
  });
  const modifier = (e: string): boolean => e.startsWith('+') || e.startsWith('-');
  let methods: string[];
  if (entries.includes('*')) methods = [...AGGREGATION_METHODS];
  else if (entries.every(modifier)) methods = [...defaults];
  else methods = entries.filter((e) => !modifier(e));
  const result: string[] = [];
  for (const m of methods) if (!result.includes(m)) result.push(m);
  for (const entry of entries) {
    if (entry.startsWith('-')) {
      const index = result.indexOf(entry.slice(1));
      if (index >= 0) result.splice(index, 1);
    } else if (entry.startsWith('+') && !result.includes(entry.slice(1))) {
      result.push(entry.slice(1));
    }
  }
  return result;
}

/**
 * Gnocchi's percentile of sorted values (numpy-style linear interpolation between closest ranks).
 * `sorted` must be ascending and not empty.
 */
export function percentileOfSorted(sorted: ArrayLike<number>, q: number): number {
  const realPos = (sorted.length - 1) * (q / 100);
  const floorPos = Math.floor(realPos);
  const ceilPos = Math.ceil(realPos);
  const low = sorted[floorPos] as number;
  if (floorPos === ceilPos) return low;
  return low * (ceilPos - realPos) + (sorted[ceilPos] as number) * (realPos - floorPos);
}

/** The median of sorted values (mean of the two middle ones for an even count). */
export function medianOfSorted(sorted: ArrayLike<number>): number {
  const n = sorted.length;
  const half = Math.floor(n / 2);
  const midFloor = n - 1 - half;
  const midCeil = midFloor + (((n % 2) + 1) % 2);
  return ((sorted[midFloor] as number) + (sorted[midCeil] as number)) / 2;
}

function sum(values: ArrayLike<number>): number {
  let total = 0;
  for (let i = 0; i < values.length; i++) total += values[i] as number;
  return total;
}

function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values).sort();
}

/**
 * Applies a base method (no `rate:`) to the values of one period, given in time order, as Gnocchi's
 * Carbonara does: `std` is the sample standard deviation (ddof = 1; NaN below two values), percentiles
 * interpolate linearly, `count` is the number of values. An empty input gives NaN (0 for `count`).
 */
export function aggregate(method: string, values: ArrayLike<number>): number {
  const n = values.length;
  if (method === 'count') return n;
  if (n === 0) return NaN;
  switch (method) {
    case 'mean':
      return sum(values) / n;
    case 'sum':
      return sum(values);
    case 'first':
      return values[0] as number;
    case 'last':
      return values[n - 1] as number;
    case 'min': {
      let m = values[0] as number;
      for (let i = 1; i < n; i++) if ((values[i] as number) < m) m = values[i] as number;
      return m;
    }
    case 'max': {
      let m = values[0] as number;
      for (let i = 1; i < n; i++) if ((values[i] as number) > m) m = values[i] as number;
      return m;
    }
    case 'std': {
      if (n < 2) return NaN;
      const mean = sum(values) / n;
      let squares = 0;
      for (let i = 0; i < n; i++) squares += ((values[i] as number) - mean) ** 2;
      return Math.sqrt(squares / (n - 1));
    }
    case 'median':
      return medianOfSorted(sortedCopy(values));
    default: {
      const q = percentileOf(method);
      if (q === undefined) throw new Error(`Unknown aggregation method \`${method}'`);
      return percentileOfSorted(sortedCopy(values), q);
    }
  }
}

/**
 * A precompiled list of base methods for `aggregateRange`: each method as a code (0 mean, 1 sum, 2 last,
 * 3 max, 4 min, 5 std, 6 median, 7 first, 8 count, 100 + q for `qpct`).
 */
export interface AggregationPlan {
  readonly methods: readonly string[];
  readonly codes: Int32Array;
  readonly needsSort: boolean;
  readonly needsStd: boolean;
}

/** Compiles base methods (no `rate:`) for `aggregateRange`; throws on an unknown method. */
export function compileAggregationPlan(methods: readonly string[]): AggregationPlan {
  const codes = Int32Array.from(methods, (method) => {
    const index = BASE_AGGREGATION_METHODS.indexOf(method);
    if (index >= 0) return index;
    const q = percentileOf(method);
    if (q === undefined) throw new Error(`Unknown aggregation method \`${method}'`);
    return 100 + q;
  });
  return {
    methods: [...methods],
    codes,
    needsSort: codes.some((c) => c === 6 || c >= 100),
    needsStd: codes.includes(5),
  };
}

/**
 * Applies a compiled plan to `values[lo..hi)` (time order) in one pass (plus a sort for median and
 * percentiles), writing one result per method into `out`; NaN where a method has no value (empty range,
 * `std` below two values), 0 for `count` of an empty range.
 */
export function aggregateRange(
  plan: AggregationPlan,
  values: ArrayLike<number>,
  lo: number,
  hi: number,
  out: number[] | Float64Array,
): void {
  const n = hi - lo;
  const { codes } = plan;
  if (n <= 0) {
    for (let k = 0; k < codes.length; k++) out[k] = codes[k] === 8 ? 0 : NaN;
    return;
  }
  let total = 0;
  let min = values[lo] as number;
  let max = min;
  for (let i = lo; i < hi; i++) {
    const v = values[i] as number;
    total += v;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const mean = total / n;
  let std = NaN;
  if (plan.needsStd && n > 1) {
    let squares = 0;
    for (let i = lo; i < hi; i++) squares += ((values[i] as number) - mean) ** 2;
    std = Math.sqrt(squares / (n - 1));
  }
  let sorted: Float64Array | undefined;
  if (plan.needsSort) {
    sorted = new Float64Array(n);
    for (let i = lo; i < hi; i++) sorted[i - lo] = values[i] as number;
    sorted.sort();
  }
  for (let k = 0; k < codes.length; k++) {
    const code = codes[k] as number;
    let result: number;
    switch (code) {
      case 0:
        result = mean;
        break;
      case 1:
        result = total;
        break;
      case 2:
        result = values[hi - 1] as number;
        break;
      case 3:
        result = max;
        break;
      case 4:
        result = min;
        break;
      case 5:
        result = std;
        break;
      case 6:
        result = medianOfSorted(sorted as Float64Array);
        break;
      case 7:
        result = values[lo] as number;
        break;
      case 8:
        result = n;
        break;
      default:
        result = percentileOfSorted(sorted as Float64Array, code - 100);
    }
    out[k] = result;
  }
}

/**
 * Applies several base methods to the same period values (time order), sorting at most once; like
 * `aggregate`, with NaN where a method has no value (empty input, `std` below two values).
 */
export function aggregateAll(methods: readonly string[], values: ArrayLike<number>): number[] {
  const out: number[] = new Array<number>(methods.length).fill(NaN);
  aggregateRange(compileAggregationPlan(methods), values, 0, values.length, out);
  return out;
}
