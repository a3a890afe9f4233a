/** Number and day formatting shared by the components (fixed locales, so tests and screenshots are stable). */

const INTEGER = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const COMPACT = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });
const DAY = new Intl.DateTimeFormat('en-GB', {
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});

/** `1234567` → `1,234,567`; undefined → `–`. */
export function formatValue(value: number | undefined): string {
  return value === undefined ? '–' : INTEGER.format(value);
}

/** `1234567` → `1.2M` (axis ticks, legend). */
export function formatCompact(value: number): string {
  return COMPACT.format(value);
}

const COMPACT_DIGITS = [1, 2, 3, 4].map(
  (digits) => new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: digits }),
);

/** Axis tick labels: compact, with as many decimals as needed to keep them distinct (`4.41M`, `4.42M`). */
export function formatAxis(values: number[]): string[] {
  for (const format of COMPACT_DIGITS) {
    const labels = values.map((v) => format.format(v));
    if (new Set(labels).size === labels.length) return labels;
  }
  return values.map((v) => INTEGER.format(v));
}

/** `2021-03-31` → `Wed, 31 Mar 2021`. */
export function formatDay(day: string): string {
  return DAY.format(new Date(`${day}T00:00:00Z`));
}

const TICK = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', timeZone: 'UTC' });

/** A time-axis label (seconds): `13 Nov`, with the year below on the first tick and when it changes. */
export function formatTick(seconds: number, previous: number | undefined): string {
  const date = new Date(seconds * 1000);
  const year = date.getUTCFullYear();
  const label = TICK.format(date);
  return previous === undefined || new Date(previous * 1000).getUTCFullYear() !== year
    ? `${label}\n${year}`
    : label;
}

/** `YYYY-MM-DD` of a timestamp such as `2021-03-31T00:00:00+00:00`. */
export function dayOf(timestamp: string): string {
  return timestamp.slice(0, 10);
}

/** Unix seconds of a day's midnight UTC (the charts' x values). */
export function daySeconds(day: string): number {
  return Date.parse(`${day}T00:00:00Z`) / 1000;
}

/** The day `n` days after `day`. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
