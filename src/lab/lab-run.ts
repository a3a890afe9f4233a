import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runVirtual, type RunPolicy, type RunResult } from './engine-virtual.js';
import { ORACLE, ORACLE_MARGINAL, type Experiment, type Metric } from './experiment.js';
import { plotSvg } from './plot-svg.js';
import { csvTable, type ReportRow } from './report.js';
import { statistic } from './stats.js';

/** Runs one policy (or an oracle) at one load index. */
export type Engine = (e: Experiment, policy: RunPolicy, loadIndex: number) => Promise<RunResult>;

/** What a lab run reports as it goes. */
export type Progress = (policy: string, load: number, result: RunResult, seconds: number) => void;

/**
 * Runs every policy of an experiment and the two oracles at every offered load and tabulates them: per
 * policy (in file order, then `oracle-marginal`, then `oracle`) and load, each metric of the response
 * times and its ratio to the `oracle`'s (earliest completion) at that load. The oracles always run in
 * virtual time (they cannot exist for real); `engine` runs the policies (default: virtual time).
 */
export async function runExperiment(
  e: Experiment,
  engine: Engine = runVirtual,
  progress?: Progress,
): Promise<ReportRow[]> {
  const run = async (
    policy: RunPolicy,
    li: number,
    using: Engine,
  ): Promise<Partial<Record<Metric, number>>> => {
    const start = performance.now();
    const result = await using(e, policy, li);
    progress?.(
      typeof policy === 'string' ? policy : policy.name,
      e.workload.loads[li]!,
      result,
      (performance.now() - start) / 1000,
    );
    return Object.fromEntries(e.metrics.map((m) => [m, statistic(result.times, m)]));
  };
  const oracle: Partial<Record<Metric, number>>[] = [];
  for (let li = 0; li < e.workload.loads.length; li++) oracle.push(await run('oracle', li, runVirtual));
  const rows: ReportRow[] = [];
  const row = (policy: string, li: number, values: Partial<Record<Metric, number>>): ReportRow => ({
    policy,
    load: e.workload.loads[li]!,
    values,
    ratios: Object.fromEntries(e.metrics.map((m) => [m, values[m]! / oracle[li]![m]!])),
  });
  for (const p of e.policies) {
    for (let li = 0; li < e.workload.loads.length; li++) rows.push(row(p.name, li, await run(p, li, engine)));
  }
  for (let li = 0; li < e.workload.loads.length; li++)
    rows.push(row(ORACLE_MARGINAL, li, await run(ORACLE_MARGINAL, li, runVirtual)));
  oracle.forEach((values, li) => rows.push(row(ORACLE, li, values)));
  return rows;
}

/** The SVG plot of one metric against the offered load, one line per policy, logarithmic y. */
export function plotMetric(e: Experiment, rows: readonly ReportRow[], metric: Metric): string {
  const policies = [...new Set(rows.map((r) => r.policy))];
  return plotSvg(
    policies.map((name) => ({
      name,
      points: rows.filter((r) => r.policy === name).map((r) => ({ x: r.load, y: r.values[metric]! })),
    })),
    {
      title: `${e.name}: ${metric} response time`,
      xLabel: 'offered load (fraction of the total capacity)',
      yLabel: `${metric} response time, s (log scale)`,
      logY: true,
    },
  );
}

/**
 * Writes `<name>.csv` (the table) and, per metric, `<name>-<metric>.svg` to `dir` (created if needed);
 * returns the paths written.
 */
export function writeOutputs(e: Experiment, rows: readonly ReportRow[], dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const csv = join(dir, `${e.name}.csv`);
  writeFileSync(csv, csvTable(rows, e.metrics));
  const written = [csv];
  for (const m of e.metrics) {
    const svg = join(dir, `${e.name}-${m}.svg`);
    writeFileSync(svg, plotMetric(e, rows, m));
    written.push(svg);
  }
  return written;
}
