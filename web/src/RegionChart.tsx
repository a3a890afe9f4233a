/** An area's daily new cases as bars and total cases as a line (right axis), synthetic days in violet. */
import { useMemo, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import { ChartLegend, syntheticRange } from './ChartLegend.js';
import { COLORS, dayMarker, splitAt, syntheticBand, tooltip } from './chart-plugins.js';
import type { Series } from './data.js';
import { daySeconds, formatDay, formatValue } from './format.js';
import { axes, clickToPick, utcDate } from './NationalChart.js';
import { TimeChart } from './TimeChart.js';

/** Props of {@link RegionChart}. */
export interface RegionChartProps {
  /** The daily flow (bars). */
  daily: Series;
  dailyLabel: string;
  /** The cumulative total (line), on the same days. */
  cumulative: Series;
  cumulativeLabel: string;
  realUntil: string | null;
  day: string;
  onPickDay: (day: string) => void;
}

const LINE = '#1e3a8a';

/** Renders the chart with its legend. */
export function RegionChart(props: RegionChartProps) {
  const { daily, cumulative, realUntil, day } = props;
  const dayRef = useRef<number | null>(null);
  dayRef.current = daySeconds(day);
  const pickRef = useRef(props.onPickDay);
  pickRef.current = props.onPickDay;
  const synthetic = syntheticRange(daily.days, realUntil);
  const firstSynthetic = synthetic === null ? daily.days.length : daily.days.indexOf(synthetic.from);

  const data = useMemo<uPlot.AlignedData>(() => {
    const total = new Map(cumulative.days.map((d, i) => [d, cumulative.values[i] ?? 0]));
    const line = daily.days.map((d) => total.get(d) ?? 0);
    const [barsReal, barsSynth] = splitAt(daily.values, firstSynthetic, false);
    const [lineReal, lineSynth] = splitAt(line, firstSynthetic, true);
    return [daily.days.map(daySeconds), barsReal, barsSynth, lineReal, lineSynth];
  }, [daily, cumulative, firstSynthetic]);

  const options = useMemo<Omit<uPlot.Options, 'width' | 'height'>>(() => {
    const bars = uPlot.paths.bars?.({ size: [0.8, 12], align: 0 });
    const values = data;
    return {
      legend: { show: false },
      tzDate: utcDate,
      cursor: { drag: { x: true, y: false }, points: { size: 6 } },
      scales: { x: { time: true }, cumulative: { auto: true } },
      axes: axes(props.dailyLabel, props.cumulativeLabel),
      series: [
        {},
        {
          label: 'daily',
          fill: COLORS.bars,
          stroke: COLORS.bars,
          width: 0,
          paths: bars,
          points: { show: false },
        },
        {
          label: 'daily synthetic',
          fill: COLORS.syntheticBars,
          stroke: COLORS.syntheticBars,
          width: 0,
          paths: bars,
          points: { show: false },
        },
        { label: 'cumulative', scale: 'cumulative', stroke: LINE, width: 2 },
        {
          label: 'cumulative synthetic',
          scale: 'cumulative',
          stroke: COLORS.synthetic,
          width: 2,
          dash: [6, 4],
        },
      ],
      plugins: [
        syntheticBand(synthetic === null ? null : daySeconds(synthetic.from)),
        dayMarker(() => dayRef.current),
        tooltip((i) => {
          const d = daily.days[i] ?? '';
          const tag = i >= firstSynthetic ? ' <span class="tag-synthetic">synthetic</span>' : '';
          const line = values[3]?.[i] ?? values[4]?.[i] ?? undefined;
          return (
            `<b>${formatDay(d)}</b>${tag}<br>${props.dailyLabel}: ${formatValue(daily.values[i])}` +
            `<br>${props.cumulativeLabel}: ${formatValue(line ?? undefined)}`
          );
        }),
        clickToPick((i) => {
          const d = daily.days[i];
          if (d !== undefined) pickRef.current(d);
        }),
      ],
    };
  }, [data, daily, synthetic?.from, firstSynthetic, props.dailyLabel, props.cumulativeLabel]);

  return (
    <div>
      <TimeChart
        options={options}
        data={data}
        height={320}
        days={daily.days}
        day={day}
        testId="region-chart"
      />
      <ChartLegend
        items={[
          { label: `${props.dailyLabel} (bars, left axis)`, color: COLORS.bars, style: 'bar' },
          { label: `${props.cumulativeLabel} (line, right axis)`, color: LINE, style: 'line' },
          ...(synthetic !== null
            ? [{ label: 'synthetic', color: COLORS.synthetic, style: 'dashed' as const }]
            : []),
        ]}
        synthetic={synthetic}
      />
    </div>
  );
}
