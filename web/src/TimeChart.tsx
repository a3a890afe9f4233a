/** A daily time chart with its span buttons (all, 1 year, 90 or 30 days back from the last day). */
import { useState } from 'preact/hooks';
import type uPlot from 'uplot';
import { daySeconds } from './format.js';
import { RangeButtons, spanRange, type Span } from './RangeButtons.js';
import { UPlotChart } from './UPlotChart.js';

/** Props of {@link TimeChart}. */
export interface TimeChartProps {
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** The days of the x axis (`YYYY-MM-DD`), oldest first. */
  days: readonly string[];
  /** The selected day: the chart redraws its marker when it changes. */
  day: string;
  testId: string;
}

/** Renders the span buttons above the chart. */
export function TimeChart({ options, data, height, days, day, testId }: TimeChartProps) {
  const [span, setSpan] = useState<Span>(null);
  const last = days[days.length - 1];
  return (
    <>
      <div class="chart-toolbar">
        <RangeButtons span={span} onChange={setSpan} />
      </div>
      <UPlotChart
        options={options}
        data={data}
        height={height}
        redrawKey={day}
        xRange={spanRange(span, last === undefined ? undefined : daySeconds(last))}
        testId={testId}
      />
    </>
  );
}
