import type { Metric } from './experiment.js';

/** One row of a lab table: a policy at an offered load, its statistics and their ratios to the oracle's. */
export interface ReportRow {
  policy: string;
  load: number;
  /** Seconds, per metric. */
  values: Partial<Record<Metric, number>>;
  /** Value divided by the oracle's at the same load, per metric. */
  ratios: Partial<Record<Metric, number>>;
}

/** The header: `policy,load`, then `<metric>_s` for every metric, then `<metric>_vs_oracle` for every metric. */
export function csvHeader(metrics: readonly Metric[]): string {
  return ['policy', 'load', ...metrics.map((m) => `${m}_s`), ...metrics.map((m) => `${m}_vs_oracle`)].join(
    ',',
  );
}

/** Seconds with 6 significant digits, plain decimal notation (the same number always prints the same). */
export function formatSeconds(s: number | undefined): string {
  if (s === undefined || !Number.isFinite(s)) return '';
  if (s === 0) return '0';
  const digits = Math.max(0, 5 - Math.floor(Math.log10(Math.abs(s))));
  return s.toFixed(Math.min(digits, 12));
}

/** Ratios with 3 decimals. */
export function formatRatio(r: number | undefined): string {
  return r === undefined || !Number.isFinite(r) ? '' : r.toFixed(3);
}

/** One CSV line of a row. */
export function csvRow(row: ReportRow, metrics: readonly Metric[]): string {
  return [
    row.policy,
    String(row.load),
    ...metrics.map((m) => formatSeconds(row.values[m])),
    ...metrics.map((m) => formatRatio(row.ratios[m])),
  ].join(',');
}

/** The whole table: the header and one line per row, each ending with a newline. */
export function csvTable(rows: readonly ReportRow[], metrics: readonly Metric[]): string {
  return [csvHeader(metrics), ...rows.map((r) => csvRow(r, metrics))].map((l) => `${l}\n`).join('');
}

/** The table in Markdown (for docs/evaluation.md): the same columns and text as the CSV. */
export function markdownTable(rows: readonly ReportRow[], metrics: readonly Metric[]): string {
  const header = csvHeader(metrics).split(',');
  const lines = [
    `| ${header.join(' | ')} |`,
    `|${header.map(() => '---').join('|')}|`,
    ...rows.map((r) => `| ${csvRow(r, metrics).split(',').join(' | ')} |`),
  ];
  return lines.map((l) => `${l}\n`).join('');
}
