import type { ProduceReport } from '../covid/producer.js';

function count(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}

/**
 * The line `soe covid produce` ends with: the days sent of each kind with the last day each reached, where,
 * how many measures in how long, and, after a stop, by which signal:
 * `covid: 37 real days (until 2020-03-31) and 1 synthetic day (until 2020-04-01) sent to http://127.0.0.1:8041:
 * 8316 measures in 1.20 s; stopped by SIGINT`.
 */
export function covidSummary(report: ProduceReport, endpoint: string, signal: string | undefined): string {
  const until = (day: string | undefined): string => (day === undefined ? '' : ` (until ${day})`);
  const stop = report.stopped ? `; stopped${signal === undefined ? '' : ` by ${signal}`}` : '';
  return (
    `covid: ${count(report.realDays, 'real day')}${until(report.realUntil)} and ` +
    `${count(report.syntheticDays, 'synthetic day')}${until(report.lastDay)} sent to ${endpoint}: ` +
    `${count(report.measures, 'measure')} in ${report.seconds.toFixed(2)} s${stop}\n`
  );
}
