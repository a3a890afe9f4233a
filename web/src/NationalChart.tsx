/** Italy's daily series of the chosen field (the server's sum over the areas), synthetic days shaded and dashed. */
import { useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { ChartLegend, syntheticRange } from './ChartLegend.js';
import { COLORS, dayMarker, splitAt, syntheticBand, tooltip } from './chart-plugins.js';
import type { Series } from './data.js';
import type { FieldInfo } from './fields.js';
import { daySeconds, formatAxis, formatDay, formatTick, formatValue } from './format.js';
import { TimeChart } from './TimeChart.js';

/** Props of {@link NationalChart}. */
export interface NationalChartProps {
  field: FieldInfo;
  series: Series;
  /** Last day real in every area (null: all synthetic). */
  realUntil: string | null;
  /** The selected day, marked on the chart. */
  day: string;
  /** Called with the day clicked on the chart. */
  onPickDay: (day: string) => void;
}

/** Axes styled like the rest of the page. */
export function axes(leftLabel: string, right?: string): uPlot.Axis[] {
  const base = {
    stroke: '#475569',
    grid: { stroke: '#e9eef5', width: 1 },
    ticks: { stroke: '#e2e8f0', width: 1 },
  };
  const list: uPlot.Axis[] = [
    {
      ...base,
      size: 44,
      values: (_u, splits) => splits.map((s, i) => formatTick(s, i === 0 ? undefined : splits[i - 1])),
    },
    { ...base, label: leftLabel, labelSize: 18, size: 56, values: (_u, v) => formatAxis(v) },
  ];
  if (right !== undefined) {
    list.push({
      ...base,
      scale: 'cumulative',
      side: 1,
      grid: { show: false },
      label: right,
      labelSize: 18,
      size: 60,
      values: (_u, v) => formatAxis(v),
    });
  }
  return list;
}

/** Days are UTC midnights: place and label the time axis in UTC whatever the browser's zone. */
export function utcDate(seconds: number): Date {
  return uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');
}

/** Calls `pick` with the hovered index on a click that is not the end of a drag-zoom. */
export function clickToPick(pick: (index: number) => void): uPlot.Plugin {
  let downX = 0;
  return {
    hooks: {
      ready: (u) => {
        u.over.addEventListener('mousedown', (e) => {
          downX = e.clientX;
        });
        u.over.addEventListener('click', (e) => {
          const idx = u.cursor.idx;
          if (Math.abs(e.clientX - downX) < 3 && idx !== null && idx !== undefined) pick(idx);
        });
      },
    },
  };
}

/** Renders the chart with its legend. */
export function NationalChart({ field, series, realUntil, day, onPickDay }: NationalChartProps) {
  const dayRef = useRef<number | null>(null);
  dayRef.current = daySeconds(day);
  const pickRef = useRef(onPickDay);
  pickRef.current = onPickDay;
  const synthetic = syntheticRange(series.days, realUntil);
  const firstSynthetic = synthetic === null ? series.days.length : series.days.indexOf(synthetic.from);

  const data = useMemo<uPlot.AlignedData>(() => {
    const [real, synth] = splitAt(series.values, firstSynthetic, true);
    return [series.days.map(daySeconds), real, synth];
  }, [series, firstSynthetic]);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(
    () => ({
      legend: { show: false },
      tzDate: utcDate,
      cursor: { drag: { x: true, y: false }, points: { size: 7 } },
      scales: { x: { time: true } },
      axes: axes(field.label),
      series: [
        {},
        { label: 'real', stroke: COLORS.real, width: 1.5, fill: COLORS.realFill, spanGaps: false },
        { label: 'synthetic', stroke: COLORS.synthetic, width: 1.75, dash: [6, 4], spanGaps: false },
      ],
      plugins: [
        syntheticBand(synthetic === null ? null : daySeconds(synthetic.from)),
        dayMarker(() => dayRef.current),
        tooltip((i) => {
          const d = series.days[i] ?? '';
          const tag = i >= firstSynthetic ? ' <span class="tag-synthetic">synthetic</span>' : '';
          return `<b>${formatDay(d)}</b>${tag}<br>${formatValue(series.values[i])}`;
        }),
        clickToPick((i) => {
          const d = series.days[i];
          if (d !== undefined) pickRef.current(d);
        }),
      ],
    }),
    [series, field, synthetic?.from, firstSynthetic],
  );

  return (
    <div>
      <TimeChart
        options={options}
        data={data}
        height={260}
        days={series.days}
        day={day}
        testId="national-chart"
      />
      <ChartLegend
        items={[
          {
            label: `Italy, ${field.label.toLowerCase()} (sum of the 21 areas)`,
            color: COLORS.real,
            style: 'line',
          },
          ...(synthetic !== null
            ? [{ label: 'synthetic', color: COLORS.synthetic, style: 'dashed' as const }]
            : []),
        ]}
        synthetic={synthetic}
      />
    </div>
  );
}
