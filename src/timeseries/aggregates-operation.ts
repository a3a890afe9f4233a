/**
 * The operation tree of `/v1/aggregates` (Gnocchi's `rest/aggregates` operations) once validated: what the
 * validator produces and the evaluator runs, the series it reads, and the error of a malformed tree.
 */
import { TimeseriesError } from './errors.js';

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

/**
 * Gnocchi's 400 for a malformed tree: Invalid input `<reason> for dictionary value @ data['operations']`
 * with detail `['operations']` (reason e.g. `'aggregate' operation invalid`).
 */
export function invalidOperations(reason: string): TimeseriesError {
  return TimeseriesError.invalidInput(`${reason} for dictionary value @ data['operations']`, ['operations']);
}

/** A key telling references apart: the metric and the aggregation (neither holds NUL). */
export function referenceKey(ref: MetricReference): string {
  return `${ref.metric}\u0000${ref.aggregation}`;
}

/** The series an operation reads, each once, in order of appearance. */
export function metricReferences(op: Operation): MetricReference[] {
  const refs: MetricReference[] = [];
  const seen = new Set<string>();
  const visit = (node: Operation): void => {
    switch (node.kind) {
      case 'metric':
        for (const r of node.refs) {
          const key = referenceKey(r);
          if (!seen.has(key)) {
            seen.add(key);
            refs.push(r);
          }
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
