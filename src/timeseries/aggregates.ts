/**
 * The `/v1/aggregates` operations language: parsing (nested JSON list or S-expression string) and
 * evaluation over metric series, as Gnocchi's `rest/aggregates` (operations, processor) does it — series of
 * one granularity are laid on a common time grid, checked for overlap or filled, then the operation tree
 * (metric, aggregate, resample, rolling, arithmetic, comparisons, unary functions) is applied.
 */
import { aggregateAll, isAggregationMethod } from './aggregation-methods.js';
import { parseDuration } from './duration.js';
import { TimeseriesError } from './errors.js';
import type { Point } from './model.js';
import { resample } from './resample.js';

/** One series read by an operation: a metric (id, or name in a resource search) and its aggregation method. */
export interface MetricReference {
  metric: string;
  aggregation: string;
}

/** A validated operation tree. */
export type Operation =
  | { kind: 'metric'; refs: MetricReference[] }
  | { kind: 'constant'; value: number }
  | { kind: 'aggregate'; method: string; operand: Operation }
  | { kind: 'resample'; method: string; granularity: number; operand: Operation }
  | { kind: 'rolling'; method: string; window: number; operand: Operation }
  | { kind: 'unary'; operator: string; operand: Operation }
  | { kind: 'binary'; operator: string; left: Operation; right: Operation }
  | { kind: 'clip'; operand: Operation; min: Operation; max?: Operation };

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
   * `granularity '60' is missing` and `No granularity match` follow the policies, as in Gnocchi.
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

/** Methods of `aggregate` and `rolling` (numpy nan-functions across series), with their `rate:` forms. */
export const OPERATION_AGGREGATES: readonly string[] = (() => {
  const base = ['mean', 'median', 'std', 'min', 'max', 'sum', 'var', 'count'];
  return [...base, ...base.map((m) => `rate:${m}`)];
})();

const BINARY: Record<string, (a: number, b: number) => number> = {};
const addBinary = (names: string[], fn: (a: number, b: number) => number): void => {
  for (const n of names) BINARY[n] = fn;
};
addBinary(['=', '==', 'eq'], (a, b) => (a === b ? 1 : 0));
addBinary(['<', 'lt'], (a, b) => (a < b ? 1 : 0));
addBinary(['>', 'gt'], (a, b) => (a > b ? 1 : 0));
addBinary(['<=', '≤', 'le'], (a, b) => (a <= b ? 1 : 0));
addBinary(['>=', '≥', 'ge'], (a, b) => (a >= b ? 1 : 0));
addBinary(['!=', '≠', 'ne'], (a, b) => (a !== b ? 1 : 0));
addBinary(['%', 'mod'], (a, b) => {
  if (b === 0) return NaN;
  const r = a % b;
  return r !== 0 && r < 0 !== b < 0 ? r + b : r;
});
addBinary(['+', 'add'], (a, b) => a + b);
addBinary(['-', 'sub'], (a, b) => a - b);
addBinary(['*', '×', 'mul'], (a, b) => a * b);
addBinary(['/', '÷', 'div'], (a, b) => a / b);
addBinary(['**', '^', 'pow'], (a, b) => a ** b);
addBinary(['clip_min'], (a, b) => (Number.isNaN(a) ? a : Math.max(a, b)));
addBinary(['clip_max'], (a, b) => (Number.isNaN(a) ? a : Math.min(a, b)));

const UNARY: Record<string, (a: number) => number> = {
  abs: Math.abs,
  absolute: Math.abs,
  neg: (a) => -a,
  negative: (a) => -a,
  cos: Math.cos,
  sin: Math.sin,
  tan: Math.tan,
  floor: Math.floor,
  ceil: Math.ceil,
};
const UNARY_WITH_TIMESTAMPS = ['rateofchange', 'rateofchangesec'];

// ---------------------------------------------------------------------------------------------------------
// S-expression parsing (pyparsing `OneOrMore(nestedExpr())`)

type Node = string | number | Node[];

class ParseFailure extends Error {
  constructor(
    readonly expected: string,
    readonly position: number,
  ) {
    super(expected);
  }
}

function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"')
    ? `"${s}"`
    : `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** pyparsing's ParseException text: `Expected ')', found '('  (at char 15), (line:1, col:16)`. */
function parseErrorText(text: string, failure: ParseFailure): string {
  const loc = failure.position;
  let found = '';
  if (text.length > 0) {
    if (loc >= text.length) found = ', found end of text';
    else found = `, found ${pyRepr(/^[A-Za-z0-9]{1,16}|^[\s\S]/.exec(text.slice(loc))?.[0] ?? '')}`;
  }
  const before = text.slice(0, loc);
  const line = before.split('\n').length;
  const column = loc - before.lastIndexOf('\n');
  return `Expected ${failure.expected}${found}  (at char ${loc}), (line:${line}, col:${column})`;
}

const QUOTED_RE = /^(?:"(?:[^"\n\\]|\\.)*"|'(?:[^'\n\\]|\\.)*')/;

function unquote(token: string): string {
  return token.slice(1, -1).replace(/\\(.)/g, '$1');
}

function skipSpace(text: string, pos: number): number {
  let p = pos;
  while (p < text.length && /\s/.test(text[p] as string)) p++;
  return p;
}

/** Parses the group opening at `pos`; returns it and the position after its `)`. */
function parseGroup(text: string, pos: number): [Node[], number] {
  const items: Node[] = [];
  let p = pos + 1;
  for (;;) {
    p = skipSpace(text, p);
    if (p >= text.length) throw new ParseFailure("')'", p);
    const c = text[p] as string;
    if (c === ')') return [items, p + 1];
    if (c === '(') {
      try {
        const [group, next] = parseGroup(text, p);
        items.push(group);
        p = next;
      } catch (e) {
        if (e instanceof ParseFailure) throw new ParseFailure("')'", p);
        throw e;
      }
      continue;
    }
    const quoted = QUOTED_RE.exec(text.slice(p));
    if (quoted) {
      items.push(unquote(quoted[0]));
      p += quoted[0].length;
      continue;
    }
    let end = p;
    while (end < text.length) {
      const ch = text[end] as string;
      if (ch === '(' || ch === ')' || /\s/.test(ch)) break;
      if ((ch === '"' || ch === "'") && end > p && QUOTED_RE.test(text.slice(end))) break;
      end++;
    }
    items.push(text.slice(p, end));
    p = end;
  }
}

function parseSExpression(text: string): Node[] {
  const start = skipSpace(text, 0);
  try {
    if (text[start] !== '(') throw new ParseFailure('nested () expression', start);
    return parseGroup(text, start)[0];
  } catch (e) {
    if (!(e instanceof ParseFailure)) throw e;
    throw new TimeseriesError(400, {
      cause: 'Invalid operations',
      reason: 'Fail to parse the operations string',
      detail: parseErrorText(text, e),
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Validation (Gnocchi's voluptuous OperationsSchema)

class SchemaFailure extends Error {}

function pythonTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'list' : 'dict';
}

function toConstant(node: unknown): number | undefined {
  if (typeof node === 'number') return node;
  if (typeof node === 'boolean') return node ? 1 : 0;
  if (typeof node === 'string' && /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i.test(node))
    return Number(node);
  if (typeof node === 'string' && /^\s*[+-]?(?:inf|infinity|nan)\s*$/i.test(node)) {
    const t = node.trim().toLowerCase();
    return t.includes('nan') ? NaN : t.startsWith('-') ? -Infinity : Infinity;
  }
  return undefined;
}

function validateMetric(node: unknown[]): Operation {
  const args = node.slice(1);
  const isPair = (x: unknown): x is [string, string] =>
    Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && typeof x[1] === 'string';
  if (args.length === 2 && typeof args[0] === 'string' && typeof args[1] === 'string') {
    return { kind: 'metric', refs: [{ metric: args[0], aggregation: args[1] }] };
  }
  if (args.length >= 1 && args.every(isPair)) {
    return { kind: 'metric', refs: args.map(([metric, aggregation]) => ({ metric, aggregation })) };
  }
  throw new SchemaFailure();
}

function validateNode(node: unknown, allowConstant: boolean): Operation {
  if (!Array.isArray(node)) {
    const value = allowConstant ? toConstant(node) : undefined;
    if (value === undefined) throw new SchemaFailure();
    return { kind: 'constant', value };
  }
  if (node.length < 2) throw new SchemaFailure();
  const [head, ...args] = node as [unknown, ...unknown[]];
  const sub = (x: unknown): Operation => validateNode(x, true);
  if (head === 'metric') return validateMetric(node);
  if (head === 'clip' && (args.length === 2 || args.length === 3)) {
    const [operand, min, max] = args;
    return {
      kind: 'clip',
      operand: sub(operand),
      min: sub(min),
      ...(args.length === 3 ? { max: sub(max) } : {}),
    };
  }
  if (typeof head === 'string' && head in BINARY && args.length === 2) {
    return { kind: 'binary', operator: head, left: sub(args[0]), right: sub(args[1]) };
  }
  if (
    typeof head === 'string' &&
    (head in UNARY || UNARY_WITH_TIMESTAMPS.includes(head)) &&
    args.length === 1
  ) {
    return { kind: 'unary', operator: head, operand: sub(args[0]) };
  }
  const method = args[0];
  if (head === 'aggregate' && args.length === 2 && typeof method === 'string') {
    if (!OPERATION_AGGREGATES.includes(method)) throw new SchemaFailure();
    return { kind: 'aggregate', method, operand: sub(args[1]) };
  }
  if (head === 'resample' && args.length === 3 && typeof method === 'string') {
    if (!isAggregationMethod(method)) throw new SchemaFailure();
    let granularity: number;
    try {
      granularity = parseDuration(args[1]);
    } catch {
      throw new SchemaFailure();
    }
    return { kind: 'resample', method, granularity, operand: sub(args[2]) };
  }
  if (head === 'rolling' && args.length === 3 && typeof method === 'string') {
    if (!OPERATION_AGGREGATES.includes(method)) throw new SchemaFailure();
    const w = args[1];
    const window =
      typeof w === 'number'
        ? Math.trunc(w)
        : typeof w === 'string' && /^\s*[+-]?\d+\s*$/.test(w)
          ? Number(w)
          : NaN;
    if (!(window >= 1)) throw new SchemaFailure();
    return { kind: 'rolling', method, window, operand: sub(args[2]) };
  }
  throw new SchemaFailure();
}

function invalidOperations(reason: string): TimeseriesError {
  return TimeseriesError.invalidInput(`${reason} for dictionary value @ data['operations']`, ['operations']);
}

/**
 * Parses and validates `operations`: a nested list or its S-expression string
 * (`(aggregate sum (metric (A mean) (B mean)))`). Errors as Gnocchi: an unparsable string → 400
 * `{cause: 'Invalid operations', reason: 'Fail to parse the operations string', detail: <pyparsing text>}`;
 * a malformed tree → 400 Invalid input `'<op>' operation invalid for dictionary value @ data['operations']`
 * (detail `['operations']`); no `metric` anywhere → 400 `{cause: 'Operations is invalid', reason: "At least
 * one 'metric' is required", detail: <tree>}`.
 */
export function parseOperations(input: unknown): Operation {
  const tree: unknown = typeof input === 'string' ? parseSExpression(input) : input;
  if (!Array.isArray(tree))
    throw invalidOperations(`Expected a tuple/list, got a <class '${pythonTypeName(tree)}'>`);
  if (tree.length === 0) throw invalidOperations('Operation must not be empty');
  if (tree.length < 2) throw invalidOperations('Operation need at least one argument');
  let op: Operation;
  try {
    op = validateNode(tree, false);
  } catch (e) {
    if (!(e instanceof SchemaFailure)) throw e;
    const head: unknown = tree[0];
    throw invalidOperations(`'${typeof head === 'string' ? head : JSON.stringify(head)}' operation invalid`);
  }
  if (metricReferences(op).length === 0) {
    throw new TimeseriesError(400, {
      cause: 'Operations is invalid',
      reason: "At least one 'metric' is required",
      detail: tree,
    });
  }
  return op;
}

/** The series an operation reads, each once, in order of appearance. */
export function metricReferences(op: Operation): MetricReference[] {
  const refs: MetricReference[] = [];
  const visit = (node: Operation): void => {
    switch (node.kind) {
      case 'metric':
        for (const r of node.refs) {
          if (!refs.some((x) => x.metric === r.metric && x.aggregation === r.aggregation)) refs.push(r);
        }
        return;
      case 'constant':
        return;
      case 'binary':
        visit(node.left);
        visit(node.right);
        return;
      case 'clip':
        visit(node.operand);
        visit(node.min);
        if (node.max) visit(node.max);
        return;
      default:
        visit(node.operand);
    }
  };
  visit(op);
  return refs;
}

// ---------------------------------------------------------------------------------------------------------
// Evaluation

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

function reduceWithRate(method: string, values: number[]): number {
  if (!method.startsWith('rate:')) return nanReduce(method, values);
  return nanReduce(
    method.slice(5),
    values.slice(1).map((v, i) => v - (values[i] as number)),
  );
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
  fn: (x: number, y: number) => number,
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

function evaluate(op: Operation, base: Frame, references: MetricReference[]): Value {
  const sub = (o: Operation): Value => evaluate(o, base, references);
  switch (op.kind) {
    case 'constant':
      return op.value;
    case 'metric': {
      const indexes = base.refs
        .map((r, i) =>
          r && op.refs.some((x) => x.metric === r.metric && x.aggregation === r.aggregation) ? i : -1,
        )
        .filter((i) => i >= 0);
      return frameOf(
        base,
        indexes.map((i) => base.columns[i] as Float64Array),
        indexes.map((i) => base.refs[i]),
      );
    }
    case 'unary': {
      const v = sub(op.operand);
      const fn = UNARY[op.operator];
      if (fn) return mapColumns(v, fn);
      if (typeof v === 'number') return v;
      const times = v.times.slice(1);
      const dt = times.map((t, i) => t - (v.times[i] as number));
      const columns = v.columns.map((c) =>
        c
          .subarray(1)
          .map(
            (x, i) => (x - (c[i] as number)) / (op.operator === 'rateofchangesec' ? (dt[i] as number) : 1),
          ),
      );
      return { ...v, times, columns };
    }
    case 'binary': {
      const fn = BINARY[op.operator] as (a: number, b: number) => number;
      return combine(sub(op.left), sub(op.right), fn, references, () => `${op.operator} operands`);
    }
    case 'clip': {
      const low = combine(
        sub(op.operand),
        sub(op.min),
        BINARY.clip_min as (a: number, b: number) => number,
        references,
        () => 'clip',
      );
      return op.max
        ? combine(
            low,
            sub(op.max),
            BINARY.clip_max as (a: number, b: number) => number,
            references,
            () => 'clip',
          )
        : low;
    }
    case 'aggregate': {
      const v = sub(op.operand);
      if (typeof v === 'number') return v;
      const column = new Float64Array(v.times.length);
      for (let row = 0; row < v.times.length; row++) {
        column[row] = reduceWithRate(
          op.method,
          v.columns.map((c) => c[row] as number),
        );
      }
      return { ...v, columns: [column], refs: [undefined], aggregated: true };
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
      const times = v.times.slice(op.window - 1);
      const columns = v.columns.map((c) =>
        Float64Array.from(times, (_, i) =>
          reduceWithRate(op.method, Array.from(c.subarray(i, i + op.window))),
        ),
      );
      return { ...v, times, columns };
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
    if (missing.length)
      throw unaggregable(missing, `granularity '${Math.trunc(options.granularity)}' is missing`);
    selected = [g];
  } else {
    const lists = known.filter((k): k is number[] => k !== undefined);
    selected = lists.length ? (lists[0] as number[]).filter((g) => lists.every((k) => k.includes(g))) : [];
    if (lists.length && selected.length === 0) throw unaggregable(refs, 'No granularity match');
  }
  selected.sort((a, b) => b - a);
  const isAggregated = combinesSeries(op) !== false;
  const aggregated: Point[] = [];
  const perMetric: PerMetricResult = {};
  if (!isAggregated) for (const ref of refs) (perMetric[ref.metric] ??= {})[ref.aggregation] ??= [];
  for (const gUs of selected) {
    const granularity = gUs / 1e6;
    const from =
      options.start === undefined ? -Infinity : (Math.floor(micros(options.start) / gUs) * gUs) / 1e6;
    const to = options.stop ?? Infinity;
    const series = points.map((ps) => ps.filter((p) => micros(p[1]) === gUs && p[0] >= from && p[0] < to));
    const base = buildFrame(granularity, series, refs, fill, neededOverlap, options.start, options.stop);
    const result = evaluate(op, base, refs);
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
        if (ref) ((perMetric[ref.metric] ??= {})[ref.aggregation] ??= []).push(...toPoints(column));
      });
    }
  }
  return isAggregated ? { aggregated } : perMetric;
}
