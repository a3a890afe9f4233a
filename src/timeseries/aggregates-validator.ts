/**
 * Validation of `/v1/aggregates` operations, as Gnocchi's voluptuous `OperationsSchema`: the nested list
 * (given as JSON or parsed from its string form) becomes an operation tree, or a 400 with Gnocchi's text.
 */
import { invalidOperations, metricReferences, type Operation } from './aggregates-operation.js';
import { binaryOperators, OPERATION_AGGREGATES, unaryOperators } from './aggregates-operators.js';
import { parseSExpression } from './aggregates-parser.js';
import { isAggregationMethod } from './aggregation-methods.js';
import { parseDuration } from './duration.js';
import { TimeseriesError } from './errors.js';
import { MAX_NAME_LENGTH, tooLong } from './names.js';

/** A node the schema refuses; reported as the root operation being invalid, as voluptuous does. */
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
  if (typeof node === 'string' && /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:e[+-]?\d+)?\s*$/i.test(node))
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
  if (typeof head === 'string' && binaryOperators.has(head) && args.length === 2) {
    return { kind: 'binary', operator: head, left: sub(args[0]), right: sub(args[1]) };
  }
  if (typeof head === 'string' && unaryOperators.has(head) && args.length === 1) {
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

/**
 * Parses and validates `operations`: a nested list or its S-expression string
 * (`(aggregate sum (metric (A mean) (B mean)))`). Errors as Gnocchi: an unparsable string → 400
 * `{cause: 'Invalid operations', reason: 'Fail to parse the operations string', detail: <pyparsing text>}`;
 * a malformed tree, an unknown operation or method included → 400 Invalid input `'<op>' operation invalid
 * for dictionary value @ data['operations']` (detail `['operations']`, `<op>` the root operation); no
 * `metric` anywhere → 400 `{cause: 'Operations is invalid', reason: "At least one 'metric' is required",
 * detail: <tree>}`; a metric name or pattern over 255 characters → 400 Invalid input naming `operations`.
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
  const refs = metricReferences(op);
  const long = refs.find((r) => tooLong(r.metric));
  if (long !== undefined) {
    throw invalidOperations(`metric name or pattern longer than ${MAX_NAME_LENGTH} characters`);
  }
  if (refs.length === 0) {
    throw new TimeseriesError(400, {
      cause: 'Operations is invalid',
      reason: "At least one 'metric' is required",
      detail: tree,
    });
  }
  return op;
}
