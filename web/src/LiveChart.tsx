/**
 * A live uPlot line chart of several series over the last minutes: built once per set of series, then fed
 * new data every refresh (no rebuild), its legend showing each series' latest value.
 */
import { useEffect, useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** One line of a {@link LiveChart}. */
export interface LiveLine {
  label: string;
  /** Epoch seconds, oldest first. */
  times: number[];
  values: number[];
}

/** Props of {@link LiveChart}. */
export interface LiveChartProps {
  title: string;
  /** The y axis label (`load`, `s`, `requests/s`). */
  unit: string;
  lines: LiveLine[];
  /** The x window, seconds back from now. */
  windowSeconds: number;
  testId: string;
}

/** Distinct colours for the lines, in turn. */
export const LINE_COLORS = [
  '#2563eb',
  '#c2410c',
  '#16a34a',
  '#7c3aed',
  '#db2777',
  '#0891b2',
  '#ca8a04',
  '#475569',
];

/** The lines on one x axis: the union of their times, a missing value null (a gap). */
export function alignLines(lines: readonly LiveLine[]): uPlot.AlignedData {
  const xs = [...new Set(lines.flatMap((l) => l.times))].sort((a, b) => a - b);
  const index = new Map(xs.map((x, i) => [x, i]));
  const ys = lines.map((l) => {
    const column: (number | null)[] = new Array<number | null>(xs.length).fill(null);
    l.times.forEach((t, i) => (column[index.get(t)!] = l.values[i] ?? null));
    return column;
  });
  return [xs, ...ys];
}

/** Renders the chart (an empty-state note while there is no data). */
export function LiveChart({ title, unit, lines, windowSeconds, testId }: LiveChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const labels = lines.map((l) => l.label).join('\n');
  const data = useMemo(() => alignLines(lines), [lines]);
  const points = lines.reduce((n, l) => n + l.times.length, 0);
  const last = data[0].length === 0 ? '' : String(data[0][data[0].length - 1]);

  useEffect(() => {
    const el = box.current;
    if (el === null || lines.length === 0) return undefined;
    const now = Date.now() / 1000;
    const options: uPlot.Options = {
      width: Math.max(200, el.clientWidth),
      height: 220,
      legend: { show: false },
      scales: {
        x: { time: true, range: () => [now - windowSeconds, now] },
        // From 0, to a little above the highest value (0 to 1 while everything is 0).
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [
        { stroke: '#475569', grid: { stroke: '#e9eef5', width: 1 } },
        { stroke: '#475569', grid: { stroke: '#e9eef5', width: 1 }, label: unit, labelSize: 18, size: 56 },
      ],
      series: [
        {},
        ...lines.map((l, i) => ({
          label: l.label,
          stroke: LINE_COLORS[i % LINE_COLORS.length]!,
          width: 2,
          spanGaps: false,
          points: { show: false },
        })),
      ],
    };
    const u = new uPlot(options, data, el);
    chart.current = u;
    const observer = new ResizeObserver(() =>
      u.setSize({ width: Math.max(200, el.clientWidth), height: 220 }),
    );
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [labels, unit, windowSeconds]);

  useEffect(() => {
    const u = chart.current;
    if (u === null) return;
    const now = Date.now() / 1000;
    u.setData(data, false);
    u.setScale('x', { min: now - windowSeconds, max: now });
  }, [data]);

  return (
    <div class="card edge-chart">
      <h2>{title}</h2>
      {lines.length === 0 && <p class="muted">No telemetry yet.</p>}
      <div class="chart" ref={box} data-testid={testId} data-points={points} data-last={last} />
      <ul class="chart-legend edge-legend">
        {lines.map((l, i) => (
          <li class="legend-item" key={l.label}>
            <span class="swatch" style={`--swatch: ${LINE_COLORS[i % LINE_COLORS.length]!}`} />
            {l.label}:{' '}
            <strong>{l.values.length === 0 ? '–' : formatLive(l.values[l.values.length - 1]!)}</strong>
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A value for the legend: 3 significant digits, small ones in ms style stay readable. */
export function formatLive(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1000) return v.toFixed(0);
  return Number(v.toPrecision(3)).toString();
}
