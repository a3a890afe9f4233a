/** A uPlot chart in a Preact component: built when options or data change, resized with its box. */
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';

/** Props of {@link UPlotChart}. */
export interface UPlotChartProps {
  /** Options without size (width follows the container). */
  options: Omit<uPlot.Options, 'width' | 'height'>;
  data: uPlot.AlignedData;
  height: number;
  /** Redraws without rebuilding when this changes (e.g. the selected day of a marker). */
  redrawKey?: unknown;
  testId?: string;
}

/** Renders the chart into a div. */
export function UPlotChart({ options, data, height, redrawKey, testId }: UPlotChartProps) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);

  useEffect(() => {
    const el = box.current;
    if (el === null) return undefined;
    const u = new uPlot({ ...options, width: Math.max(200, el.clientWidth), height }, data, el);
    chart.current = u;
    const observer = new ResizeObserver(() => u.setSize({ width: Math.max(200, el.clientWidth), height }));
    observer.observe(el);
    return () => {
      observer.disconnect();
      u.destroy();
      chart.current = null;
    };
  }, [options, data, height]);

  useEffect(() => {
    chart.current?.redraw(false, false);
  }, [redrawKey]);

  return <div class="chart" ref={box} data-testid={testId} />;
}
