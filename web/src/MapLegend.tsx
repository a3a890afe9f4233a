/** The choropleth's colour scale: a gradient bar with labelled values. */
import type { ColorScale } from './color-scale.js';
import { formatCompact } from './format.js';

/** Props of {@link MapLegend}. */
export interface MapLegendProps {
  scale: ColorScale;
  label: string;
}

/** Renders the legend. */
export function MapLegend({ scale, label }: MapLegendProps) {
  return (
    <div class="map-legend" data-testid="map-legend">
      <div class="map-legend-title">{label}</div>
      <div class="map-legend-bar" style={{ background: scale.gradient }} />
      <div class="map-legend-ticks">
        {scale.ticks.map((t) => (
          <span key={t.at} style={{ left: `${t.at * 100}%` }}>
            {formatCompact(t.value)}
          </span>
        ))}
      </div>
      <div class="map-legend-note">square-root scale · no data: grey</div>
    </div>
  );
}
