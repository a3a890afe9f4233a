import type { LambdaRequest, LambdaResponse } from '../src/protocol/messages.js';

/** What {@link closedLoops} calls: a GrpcLambdaClient, or any front answering like one. */
export interface LoopClient {
  runLambda(request: Partial<LambdaRequest>): Promise<Pick<LambdaResponse, 'retcode' | 'hops'>>;
}

/** The `p`th percentile of ascending `sorted` (NaN when empty). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** What {@link closedLoops} measured. */
export interface LoopRun<Mark> {
  /** `[sent, answered]` times (performance.now()) of every call answered OK with the expected hops. */
  done: [number, number][];
  /** Calls answered otherwise or failed, over the whole run. */
  errors: number;
  /** `mark()` taken when the measured window opened (after the warm-up) and when it closed. */
  start: Mark;
  end: Mark;
}

/**
 * `concurrency` closed loops calling `request` on `client` for `warmupS` + `seconds`; `mark()` is taken
 * when the measured window opens and when it closes (the loops stop then). A reply counts as done when its
 * retcode is OK and its hops are `hops`.
 */
export async function closedLoops<Mark>(
  client: LoopClient,
  request: Partial<LambdaRequest>,
  options: { hops: number; concurrency: number; warmupS: number; seconds: number; mark: () => Mark },
): Promise<LoopRun<Mark>> {
  const done: [number, number][] = [];
  let errors = 0;
  let start: Mark | undefined;
  let end: Mark | undefined;
  const timers = [
    setTimeout(() => (start = options.mark()), options.warmupS * 1000),
    setTimeout(() => (end = options.mark()), (options.warmupS + options.seconds) * 1000),
  ];
  try {
    await Promise.all(
      Array.from({ length: options.concurrency }, async () => {
        while (end === undefined) {
          const t0 = performance.now();
          try {
            const res = await client.runLambda(request);
            if (res.retcode !== 'OK' || res.hops !== options.hops) errors++;
            else done.push([t0, performance.now()]);
          } catch {
            errors++;
          }
        }
      }),
    );
  } finally {
    for (const t of timers) clearTimeout(t);
  }
  return { done, errors, start: start!, end: end! };
}

/** What one slice of a cell measured: calls answered inside its window, the window, their latencies. */
export interface Slice {
  completed: number;
  ms: number;
  latencies: number[];
  errors: number;
}

/** A table cell: a path at a concurrency, over all its slices. */
export interface Cell {
  name: string;
  concurrency: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
}

/** The slice of a run timed with performance.now() marks: calls answered in the window, sent and answered in it. */
export function sliceOf(run: LoopRun<number>): Slice {
  const { done, errors, start, end } = run;
  return {
    completed: done.filter(([, t1]) => t1 >= start && t1 <= end).length,
    ms: end - start,
    latencies: done.filter(([t0, t1]) => t0 >= start && t1 <= end).map(([t0, t1]) => t1 - t0),
    errors,
  };
}

/** A cell from its slices: requests/s over their windows, percentiles over all their latencies. */
export function cellOf(name: string, concurrency: number, slices: Slice[]): Cell {
  const sum = (f: (s: Slice) => number): number => slices.reduce((a, s) => a + f(s), 0);
  const latencies = slices.flatMap((s) => s.latencies).sort((a, b) => a - b);
  return {
    name,
    concurrency,
    rps: (sum((s) => s.completed) * 1000) / sum((s) => s.ms),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    errors: sum((s) => s.errors),
  };
}
