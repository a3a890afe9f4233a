import { formatG } from '../support/number-format.js';
import { compareNames } from './policies/selection-policy.js';

/** One row of a forwarding table, as dumped and as sent by GetTable. */
export interface TableEntry {
  lambda: string;
  destination: string;
  /** The float32 weight. */
  weight: number;
  final: boolean;
}

/** Orders rows by lambda then destination, byte-wise (as the original's `std::map`s). */
export function compareEntries(a: TableEntry, b: TableEntry): number {
  return compareNames(a.lambda, b.lambda) || compareNames(a.destination, b.destination);
}

/**
 * The text dump of a forwarding table (the original's `printTable`), one line per row sorted by lambda
 * then destination: the lambda padded to the longest lambda (blanks instead on the later rows of the same
 * lambda), ` [`, the weight as C++ `%g` padded to the longest printed weight, `] `, the destination and
 * ` (F)` if final. Widths count UTF-8 bytes, as C++ `size()` does. No rows → empty string.
 */
export function formatTable(entries: readonly TableEntry[]): string {
  const rows = [...entries].sort(compareEntries);
  const bytes = (s: string): number => Buffer.byteLength(s, 'utf8');
  const weights = rows.map((r) => formatG(Math.fround(r.weight)));
  const lambdaWidth = rows.reduce((max, r) => Math.max(max, bytes(r.lambda)), 0);
  const weightWidth = weights.reduce((max, w) => Math.max(max, w.length), 0);
  let out = '';
  rows.forEach((r, i) => {
    const first = i === 0 || rows[i - 1]!.lambda !== r.lambda;
    out += first ? r.lambda + ' '.repeat(lambdaWidth - bytes(r.lambda)) : ' '.repeat(lambdaWidth);
    const w = weights[i]!;
    out += ` [${w}${' '.repeat(weightWidth - w.length)}] ${r.destination}${r.final ? ' (F)' : ''}\n`;
  });
  return out;
}
