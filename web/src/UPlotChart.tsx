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
  /** The visible x range (null: all the data). */
  xRange?: [number, number] | null;
  testId?: string;
}

/** Renders the chart into a div. */
export function UPlotChart({ options, data, height, redrawKey, xRange, testId }: UPlotChartProps) {
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

  const [min, max] = xRange ?? [undefined, undefined];
  useEffect(() => {
    const u = chart.current;
    const xs = data[0];
    if (u === null || xs.length === 0) return;
    u.setScale('x', { min: min ?? xs[0] ?? 0, max: max ?? xs[xs.length - 1] ?? 0 });
  }, [min, max, options, data]);

  return <div class="chart" ref={box} data-testid={testId} />;
}
