import type { Reading } from './readings.js';

/** Running totals of one lambda on a computer. */
interface LambdaCell {
  calls: number;
  errors: number;
  ptimeSum: number;
}

/**
 * A computer's figures: the calls, errors and processing times of each lambda, the load averages its
 * last reply carried, and its processors' last utilization sample; read as the figures of
 * `edge-computer` (see contract.ts). At most `maxLambdas` lambdas are kept apart (default 1000): calls of
 * further ones count only in `requests` and `errors`.
 */
export class ComputerStats {
  private readonly lambdas = new Map<string, LambdaCell>();
  private requests = 0;
  private errors = 0;
  private loads: readonly [number, number, number] | undefined;
  private utilization: Readonly<Record<string, number>> = {};

  constructor(private readonly maxLambdas = 1000) {}

  private cell(lambda: string): LambdaCell | undefined {
    let cell = this.lambdas.get(lambda);
    if (cell === undefined && this.lambdas.size < this.maxLambdas) {
      cell = { calls: 0, errors: 0, ptimeSum: 0 };
      this.lambdas.set(lambda, cell);
    }
    return cell;
  }

  /**
   * A call of `lambda` ended: `ok` if it succeeded, its processing time in seconds, and the load
   * averages (0..1) its reply carried.
   */
  call(lambda: string, ok: boolean, ptime: number, load1: number, load10: number, load30: number): void {
    this.requests++;
    const cell = this.cell(lambda);
    if (ok) {
      this.loads = [load1, load10, load30];
      if (cell !== undefined) {
        cell.calls++;
        cell.ptimeSum += ptime;
      }
    } else {
      this.errors++;
      if (cell !== undefined) cell.errors++;
    }
  }

  /** The processors' utilization (0..1) in the last sample. */
  utilizationSample(values: Readonly<Record<string, number>>): void {
    this.utilization = values;
  }

  /** The figures now. */
  readonly source = (out: Reading[]): void => {
    if (this.loads !== undefined) {
      const [load1, load10, load30] = this.loads;
      out.push({ kind: 'gauge', figure: 'load1', keys: [], value: load1 });
      out.push({ kind: 'gauge', figure: 'load10', keys: [], value: load10 });
      out.push({ kind: 'gauge', figure: 'load30', keys: [], value: load30 });
    }
    for (const [processor, value] of Object.entries(this.utilization)) {
      out.push({ kind: 'gauge', figure: 'utilization', keys: [processor], value });
    }
    for (const [lambda, c] of this.lambdas) {
      out.push({ kind: 'mean', figure: 'ptime', keys: [lambda], sum: c.ptimeSum, count: c.calls });
      out.push({ kind: 'count', figure: 'calls', keys: [lambda], total: c.calls });
      out.push({ kind: 'count', figure: 'errors', keys: [lambda], total: c.errors });
    }
    out.push({ kind: 'count', figure: 'requests', keys: [], total: this.requests });
    out.push({ kind: 'count', figure: 'errors', keys: [], total: this.errors });
  };
}
