import type { FigureSource, Reading } from './readings.js';

/** Running totals of one (lambda, destination) pair, or of all of them. */
interface Cell {
  requests: number;
  errors: number;
  latencySum: number;
  latencyCount: number;
}

const newCell = (): Cell => ({ requests: 0, errors: 0, latencySum: 0, latencyCount: 0 });

/**
 * Request counts, errors and latencies of a broker or client per (lambda, destination) and in all: what
 * the data path records (a few map look-ups and additions per call) and the telemetry reads as the
 * figures `requests`, `errors` and `latency` (keyed `@<lambda>@<destination>` and not). At most
 * `maxPairs` pairs are kept (default 1000): calls of further pairs count only in the totals.
 */
export class TrafficStats {
  private readonly pairs = new Map<string, Map<string, Cell>>();
  private readonly all = newCell();
  private size = 0;

  constructor(private readonly maxPairs = 1000) {}

  private cell(lambda: string, destination: string): Cell | undefined {
    let byDestination = this.pairs.get(lambda);
    let cell = byDestination?.get(destination);
    if (cell !== undefined || this.size >= this.maxPairs) return cell;
    if (byDestination === undefined) {
      byDestination = new Map();
      this.pairs.set(lambda, byDestination);
    }
    cell = newCell();
    byDestination.set(destination, cell);
    this.size++;
    return cell;
  }

  /** A call of `lambda` answered OK by `destination` after `seconds`. */
  ok(lambda: string, destination: string, seconds: number): void {
    const cell = this.cell(lambda, destination);
    if (cell !== undefined) {
      cell.requests++;
      cell.latencySum += seconds;
      cell.latencyCount++;
    }
    this.all.requests++;
    this.all.latencySum += seconds;
    this.all.latencyCount++;
  }

  /** A call of `lambda` sent to `destination` failed (an error reply, a transport failure, a refusal). */
  failed(lambda: string, destination: string): void {
    const cell = this.cell(lambda, destination);
    if (cell !== undefined) {
      cell.requests++;
      cell.errors++;
    }
    this.all.requests++;
    this.all.errors++;
  }

  /** A call of `lambda` that went nowhere (no destination, loop detected): counted in the totals only. */
  unrouted(): void {
    this.all.requests++;
    this.all.errors++;
  }

  /** The (lambda, destination) pairs seen, in the order seen. */
  destinations(): [lambda: string, destination: string][] {
    const out: [string, string][] = [];
    for (const [lambda, byDestination] of this.pairs)
      for (const d of byDestination.keys()) out.push([lambda, d]);
    return out;
  }

  /** The figures `requests`, `errors`, `latency` per pair (keys lambda, destination) and in all. */
  readonly source: FigureSource = (out) => {
    for (const [lambda, byDestination] of this.pairs) {
      for (const [destination, c] of byDestination) push(out, [lambda, destination], c);
    }
    push(out, [], this.all);
  };

  /** The figures in all only (a client's). */
  readonly totals: FigureSource = (out) => push(out, [], this.all);
}

function push(out: Reading[], keys: readonly string[], c: Cell): void {
  out.push({ kind: 'count', figure: 'requests', keys, total: c.requests });
  out.push({ kind: 'count', figure: 'errors', keys, total: c.errors });
  out.push({ kind: 'mean', figure: 'latency', keys, sum: c.latencySum, count: c.latencyCount });
}
