/**
 * Evaluation of `/v1/aggregates` operation trees over metric series, as Gnocchi's `rest/aggregates`
 * processor does it: series of one granularity are laid on a common time grid, checked for overlap or
 * filled, then the tree (metric, aggregate, resample, rolling, arithmetic, comparisons, unary functions)
 * is applied.
 */
import {
  metricReferences,
  referenceKey,
  type MetricReference,
  type Operation,
} from './aggregates-operation.js';
import { binaryOperators, unaryOperators, type BinaryOperator } from './aggregates-operators.js';
import { aggregateAll } from './aggregation-methods.js';
import { TimeseriesError } from './errors.js';
import type { Point } from './model.js';
import { resample } from './resample.js';

/** Fill policy for missing points (`fill` query parameter). */
export type FillMode = number | 'null' | 'dropna' | 'ffill' | 'bfill' | 'full_ffill' | 'full_bfill';

/** Options of `evaluateOperations` (the query parameters of `/v1/aggregates`). */
export interface EvaluateOptions {
  /** Only this granularity (seconds); default: every granularity all series have. */
  granularity?: number;
  /** Percent of timestamps where every series must have a point (only when `fill` is unset). */
  needed_overlap?: number;
  /** How to fill missing points. When both `fill` and `needed_overlap` are unset, `dropna` (Gnocchi). */
  fill?: FillMode;
  /** Epoch seconds, inclusive (rounded down to each granularity). */
  start?: number;
  /** Epoch seconds, exclusive. */
  stop?: number;
  /**
   * The granularities a reference's archive policy defines; default: those present in its points. With it,
   * `Granularities are missing` and `No granularity match` follow the policies, as in Gnocchi.
   */
  granularities?: (ref: MetricReference) => readonly number[];
}

/** Result after an `aggregate` (or a combination of series): one series. */
export interface AggregatedResult {
  aggregated: Point[];
}

/** Result without aggregation: metric → aggregation method → points. */
export type PerMetricResult = Record<string, Record<string, Point[]>>;

/** What `/v1/aggregates` returns under `measures`. */
export type AggregatesResult = AggregatedResult | PerMetricResult;

/** Gnocchi's cause for series that cannot be combined. */
export const UNAGGREGABLE_CAUSE = "Metrics can't being aggregated";

/** Series laid on one time grid: `columns[i][row]`, NaN where missing. */
interface Frame {
  granularity: number;
  times: number[];
  columns: Float64Array[];
  /** The reference of each column while columns are still individual series. */
  refs: (MetricReference | undefined)[];
  aggregated: boolean;
}

type Value = Frame | number;

function unaggregable(references: MetricReference[], reason: string): TimeseriesError {
  return new TimeseriesError(400, {
    cause: UNAGGREGABLE_CAUSE,
    reason,
    detail: references.map((r) => [r.metric, r.aggregation]),
  });
}

/** numpy's nan-aware reductions used by `aggregate` and `rolling`. */
function nanReduce(method: string, values: number[]): number {
  const present = values.filter((v) => !Number.isNaN(v));
  const n = present.length;
  switch (method) {
    case 'count':
      return n;
    case 'sum':
      return present.reduce((a, b) => a + b, 0);
    case 'var':
    case 'std': {
      if (n === 0) return NaN;
      const mean = present.reduce((a, b) => a + b, 0) / n;
      const variance = present.reduce((a, b) => a + (b - mean) ** 2, 0) / n;
      return method === 'var' ? variance : Math.sqrt(variance);
    }
    default:
      return n === 0 ? NaN : (aggregateAll([method], present)[0] as number);
  }
}

/** The method a `rate:` method reduces with (`rate:mean` → `mean`), or the method itself. */
function baseMethod(method: string): string {
  return method.startsWith('rate:') ? method.slice('rate:'.length) : method;
}

/**
 * Gnocchi's `rate:` methods: reduce first, then take the differences along time (numpy.diff), so the
 * first timestamp goes (`times` and every column lose their first element).
 */
function rateAlongTime(frame: Frame, method: string): Frame {
  if (!method.startsWith('rate:')) return frame;
  return {
    ...frame,
    times: frame.times.slice(1),
    columns: frame.columns.map((c) => c.subarray(1).map((x, i) => x - (c[i] as number))),
  };
}

function frameOf(base: Frame, columns: Float64Array[], refs: (MetricReference | undefined)[]): Frame {
  return { ...base, columns, refs };
}

function mapColumns(v: Value, fn: (x: number) => number): Value {
  if (typeof v === 'number') return fn(v);
  return frameOf(
    v,
    v.columns.map((c) => c.map(fn)),
    v.refs,
  );
}

function combine(
  a: Value,
  b: Value,
  fn: BinaryOperator,
  references: MetricReference[],
  describe: () => string,
): Value {
  if (typeof a === 'number' && typeof b === 'number') return fn(a, b);
  if (typeof a === 'number') return mapColumns(b, (y) => fn(a, y));
  if (typeof b === 'number') return mapColumns(a, (x) => fn(x, b));
  const sameTimes = a.times.length === b.times.length && a.times.every((t, i) => t === b.times[i]);
  if (!sameTimes || a.granularity !== b.granularity) {
    throw unaggregable(references, `Can't compute timeseries with different granularity ${describe()}`);
  }
  const width = Math.max(a.columns.length, b.columns.length);
  if (a.columns.length !== b.columns.length && a.columns.length !== 1 && b.columns.length !== 1) {
    throw unaggregable(references, `Can't compute timeseries with different number of series ${describe()}`);
  }
  const columns = Array.from({ length: width }, (_, i) => {
    const x = a.columns[a.columns.length === 1 ? 0 : i] as Float64Array;
    const y = b.columns[b.columns.length === 1 ? 0 : i] as Float64Array;
    return x.map((xv, row) => fn(xv, y[row] as number));
  });
  return { ...a, columns, refs: columns.map(() => undefined), aggregated: true };
}

/**
 * Most values the `rolling` operations of one evaluation read in all (each window reads its width, per
 * series): a window is reduced afresh, as numpy does, so a window of half a series costs its length squared
 * over four (a window of 10,000 over 20,000 points took 2.5 s; 43,200 over a day of seconds would take 47).
 */
export const MAX_ROLLING_VALUES = 25_000_000;

/** What an evaluation may still spend: values the rolling windows may read. */
interface Budget {
  rollingValues: number;
}

function evaluate(op: Operation, base: Frame, references: MetricReference[], budget: Budget): Value {
  const sub = (o: Operation): Value => evaluate(o, base, references, budget);
  switch (op.kind) {
    case 'constant':
      return op.value;
    case 'metric': {
      const wanted = new Set(op.refs.map(referenceKey));
      const indexes = base.refs
        .map((r, i) => (r && wanted.has(referenceKey(r)) ? i : -1))
        .filter((i) => i >= 0);
      return frameOf(
        base,
        indexes.map((i) => base.columns[i] as Float64Array),
        indexes.map((i) => base.refs[i]),
      );
    }
    case 'unary': {
      const v = sub(op.operand);
      const operator = unaryOperators.get(op.operator);
      if (operator.kind === 'pointwise') return mapColumns(v, operator.apply);
      if (typeof v === 'number') return v;
      const times = v.times.slice(1);
      const dt = times.map((t, i) => t - (v.times[i] as number));
      const columns = v.columns.map((c) =>
        c.subarray(1).map((x, i) => (x - (c[i] as number)) / (operator.perSecond ? (dt[i] as number) : 1)),
      );
      return { ...v, times, columns };
    }
    case 'binary': {
      const fn = binaryOperators.get(op.operator);
      return combine(sub(op.left), sub(op.right), fn, references, () => `${op.operator} operands`);
    }
    case 'clip': {
      const low = combine(
        sub(op.operand),
        sub(op.min),
        binaryOperators.get('clip_min'),
        references,
        () => 'clip',
      );
      return op.max
        ? combine(low, sub(op.max), binaryOperators.get('clip_max'), references, () => 'clip')
        : low;
    }
    case 'aggregate': {
      const v = sub(op.operand);
      if (typeof v === 'number') return v;
      const method = baseMethod(op.method);
      const column = new Float64Array(v.times.length);
      for (let row = 0; row < v.times.length; row++) {
        column[row] = nanReduce(
          method,
          v.columns.map((c) => c[row] as number),
        );
      }
      return rateAlongTime({ ...v, columns: [column], refs: [undefined], aggregated: true }, op.method);
    }
    case 'rolling': {
      const v = sub(op.operand);
      if (typeof v === 'number') return v;
      if (op.window > v.times.length) {
        throw unaggregable(
          references,
          `Rolling window '${op.window}' is greater than serie length '${v.times.length}'`,
        );
      }
      const reads = (v.times.length - op.window + 1) * op.window * v.columns.length;
      budget.rollingValues -= reads;
      if (budget.rollingValues < 0) {
        throw new TimeseriesError(400, {
          cause: 'Rolling window too large',
          reason:
            `rolling windows read at most ${MAX_ROLLING_VALUES} values an aggregation: a window of ` +
            `${op.window} over ${v.times.length} points of ${v.columns.length} series reads ${reads}`,
          detail: references.map((r) => [r.metric, r.aggregation]),
        });
      }
      const times = v.times.slice(op.window - 1);
      const method = baseMethod(op.method);
      const columns = v.columns.map((c) =>
        Float64Array.from(times, (_, i) => nanReduce(method, Array.from(c.subarray(i, i + op.window)))),
      );
      return rateAlongTime({ ...v, times, columns }, op.method);
    }
    case 'resample': {
      const v = sub(op.operand);
      if (typeof v === 'number') return v;
      const resampled = v.columns.map((c) =>
        resample(
          v.times.map((t, i): Point => [t, v.granularity, c[i] as number]),
          op.method,
          op.granularity,
        ),
      );
      const times = [...new Set(resampled.flatMap((points) => points.map((p) => p[0])))].sort(
        (x, y) => x - y,
      );
      const index = new Map(times.map((t, i) => [t, i]));
      const columns = resampled.map((points) => {
        const column = new Float64Array(times.length).fill(NaN);
        for (const [t, , value] of points) column[index.get(t) as number] = value;
        return column;
      });
      return { ...v, granularity: op.granularity, times, columns };
    }
  }
}

/** Whether the tree yields one combined series (true), per-reference series (false) or a constant. */
function combinesSeries(op: Operation): boolean | 'constant' {
  switch (op.kind) {
    case 'constant':
      return 'constant';
    case 'metric':
      return false;
    case 'aggregate':
      return true;
    case 'binary':
    case 'clip': {
      const sides =
        op.kind === 'binary' ? [op.left, op.right] : [op.operand, op.min, ...(op.max ? [op.max] : [])];
      const kinds = sides.map(combinesSeries).filter((k) => k !== 'constant');
      if (kinds.length === 0) return 'constant';
      return kinds.length > 1 || kinds[0] === true;
    }
    default:
      return combinesSeries(op.operand);
  }
}

function forwardFill(c: Float64Array): void {
  for (let i = 1; i < c.length; i++) if (Number.isNaN(c[i])) c[i] = c[i - 1] as number;
}

function backwardFill(c: Float64Array): void {
  for (let i = c.length - 2; i >= 0; i--) if (Number.isNaN(c[i])) c[i] = c[i + 1] as number;
}

/** Builds the grid of one granularity, applies the overlap check or the fill. */
function buildFrame(
  granularity: number,
  series: Point[][],
  refs: MetricReference[],
  fill: FillMode | undefined,
  neededOverlap: number,
  start: number | undefined,
  stop: number | undefined,
): Frame {
  let times = [...new Set(series.flatMap((points) => points.map((p) => p[0])))].sort((a, b) => a - b);
  const index = new Map(times.map((t, i) => [t, i]));
  const filler = typeof fill === 'number' ? fill : NaN;
  let columns = series.map((points) => {
    const column = new Float64Array(times.length).fill(filler);
    for (const [t, , value] of points) column[index.get(t) as number] = value;
    return column;
  });
  if (fill === undefined && times.length > 0) {
    const overlap: number[] = [];
    times.forEach((_, row) => {
      if (columns.every((c) => !Number.isNaN(c[row]))) overlap.push(row);
    });
    if (overlap.length === 0 && neededOverlap > 0) throw unaggregable(refs, 'No overlap');
    if (overlap.length > 0) {
      const first = start === undefined ? (overlap[0] as number) : 0;
      const last = stop === undefined ? (overlap[overlap.length - 1] as number) + 1 : times.length;
      times = times.slice(first, last);
      columns = columns.map((c) => c.slice(first, last));
    }
    const percent = times.length === 0 ? 100 : (overlap.length * 100) / times.length;
    if (percent < neededOverlap) {
      throw unaggregable(
        refs,
        `Less than ${neededOverlap.toFixed(6)}% of datapoints overlap in this timespan (${percent.toFixed(2)}%)`,
      );
    }
  } else if (fill === 'ffill' || fill === 'full_ffill') {
    columns.forEach(forwardFill);
    if (fill === 'full_ffill') columns.forEach(backwardFill);
  } else if (fill === 'bfill' || fill === 'full_bfill') {
    columns.forEach(backwardFill);
    if (fill === 'full_bfill') columns.forEach(forwardFill);
  }
  return { granularity, times, columns, refs: [...refs], aggregated: false };
}

/** Seconds → integer microseconds, to compare granularities and timestamps exactly. */
function micros(g: number): number {
  return Math.round(g * 1e6);
}

/**
 * Evaluates an operation tree over the series `fetch` returns (all granularities of a metric's aggregation;
 * undefined = unknown metric → 404 `Unknown metrics`). Per granularity (coarsest first): series are cut to
 * [start rounded down, stop), put on a common time grid, then either checked for overlap (`fill` unset:
 * 400 `Metrics can't being aggregated` / `Less than 100.000000% of datapoints overlap in this timespan
 * (xx.xx%)`, `No overlap`) or filled, and the tree is applied. Returns `{aggregated: points}` when the tree
 * combines series, else `{metric: {aggregation: points}}`. With `dropna`, NaN/∞ results are dropped.
 */
export function evaluateOperations(
  op: Operation,
  fetch: (ref: MetricReference) => Point[] | undefined,
  options: EvaluateOptions = {},
): AggregatesResult {
  const refs = metricReferences(op);
  const fill: FillMode | undefined =
    options.fill === undefined && options.needed_overlap === undefined ? 'dropna' : options.fill;
  const neededOverlap = options.needed_overlap ?? 100;
  const data = refs.map((ref) => fetch(ref));
  const unknown = refs.filter((_, i) => data[i] === undefined);
  if (unknown.length) {
    throw new TimeseriesError(404, {
      cause: 'Unknown metrics',
      reason: "Provided metrics don't exists",
      detail: [...new Set(unknown.map((r) => r.metric))],
    });
  }
  const points = data as Point[][];
  const granularitiesOf = (i: number): number[] | undefined => {
    const given = options.granularities?.(refs[i] as MetricReference);
    const list = given ?? (points[i] as Point[]).map((p) => p[1]);
    return given === undefined && list.length === 0 ? undefined : [...new Set(list.map(micros))];
  };
  const known = refs.map((_, i) => granularitiesOf(i));
  let selected: number[];
  if (options.granularity !== undefined) {
    const g = micros(options.granularity);
    const missing = refs.filter((_, i) => known[i] !== undefined && !known[i]?.includes(g));
    if (missing.length) {
      throw new TimeseriesError(400, {
        cause: UNAGGREGABLE_CAUSE,
        reason: 'Granularities are missing',
        detail: missing.map((r) => [r.metric, r.aggregation, options.granularity]),
      });
    }
    selected = [g];
  } else {
    const lists = known.filter((k): k is number[] => k !== undefined);
    selected = lists.length ? (lists[0] as number[]).filter((g) => lists.every((k) => k.includes(g))) : [];
    if (lists.length && selected.length === 0) throw unaggregable(refs, 'No granularity match');
  }
  selected.sort((a, b) => b - a);
  const budget: Budget = { rollingValues: MAX_ROLLING_VALUES };
  const isAggregated = combinesSeries(op) !== false;
  const aggregated: Point[] = [];
  const perMetric = new Map<string, Map<string, Point[]>>();
  const pointsOf = (ref: MetricReference): Point[] => {
    let byAggregation = perMetric.get(ref.metric);
    if (byAggregation === undefined) perMetric.set(ref.metric, (byAggregation = new Map<string, Point[]>()));
    let list = byAggregation.get(ref.aggregation);
    if (list === undefined) byAggregation.set(ref.aggregation, (list = []));
    return list;
  };
  if (!isAggregated) for (const ref of refs) pointsOf(ref);
  for (const gUs of selected) {
    const granularity = gUs / 1e6;
    const from =
      options.start === undefined ? -Infinity : (Math.floor(micros(options.start) / gUs) * gUs) / 1e6;
    const to = options.stop ?? Infinity;
    const series = points.map((ps) => ps.filter((p) => micros(p[1]) === gUs && p[0] >= from && p[0] < to));
    const base = buildFrame(granularity, series, refs, fill, neededOverlap, options.start, options.stop);
    const result = evaluate(op, base, refs, budget);
    const frame: Frame =
      typeof result === 'number'
        ? {
            ...base,
            columns: [Float64Array.from(base.times, () => result)],
            refs: [undefined],
            aggregated: true,
          }
        : result;
    const toPoints = (column: Float64Array): Point[] =>
      frame.times.flatMap((t, i): Point[] => {
        const v = column[i] as number;
        return fill === 'dropna' && !Number.isFinite(v) ? [] : [[t, frame.granularity, v]];
      });
    if (isAggregated) {
      aggregated.push(...toPoints(frame.columns[0] ?? new Float64Array(frame.times.length).fill(NaN)));
    } else {
      frame.columns.forEach((column, i) => {
        const ref = frame.refs[i];
        if (ref) pointsOf(ref).push(...toPoints(column));
      });
    }
  }
  if (isAggregated) return { aggregated };
  const result: PerMetricResult = Object.fromEntries(
    [...perMetric].map(([metric, byAggregation]) => [metric, Object.fromEntries(byAggregation)]),
  );
  return result;
}
