/**
 * The choropleth: the 20 regions of the map filled by the chosen field's value on the chosen day
 * (Trentino-Alto Adige = P.A. Bolzano + P.A. Trento), a tooltip on hover, and a click opening the area's
 * page (for Trentino-Alto Adige a choice between the two provinces).
 */
import { useState } from 'preact/hooks';
import type { ColorScale } from './color-scale.js';
import { formatValue } from './format.js';
import { ITALY_MAP } from './italy-map.js';
import { MAP_AREA_NAMES, type Region } from './regions.js';

/** Props of {@link ItalyMap}. */
export interface ItalyMapProps {
  regions: Region[];
  /** The value of each area on the day, by resource id. */
  values: Map<string, number | undefined>;
  scale: ColorScale;
  onOpen: (region: Region) => void;
}

interface Area {
  id: string;
  name: string;
  path: string;
  members: Region[];
  value: number | undefined;
}

interface Pointer {
  area: Area;
  x: number;
  y: number;
}

const NO_DATA = '#e2e8f0';

/** Renders the map with its tooltip. */
export function ItalyMap({ regions, values, scale, onOpen }: ItalyMapProps) {
  const [hover, setHover] = useState<Pointer | null>(null);
  const [choice, setChoice] = useState<Pointer | null>(null);

  const areas: Area[] = ITALY_MAP.locations.map((loc) => {
    const members = regions.filter((r) => r.mapId === loc.id).sort((a, b) => a.code - b.code);
    const parts = members.map((r) => values.get(r.id));
    const value =
      parts.length === 0 || parts.some((v) => v === undefined)
        ? undefined
        : parts.reduce<number>((sum, v) => sum + (v ?? 0), 0);
    return { id: loc.id, name: MAP_AREA_NAMES[loc.id] ?? loc.name, path: loc.path, members, value };
  });

  const pointer = (area: Area, e: MouseEvent): Pointer => {
    const box = (e.currentTarget as SVGElement).ownerSVGElement?.parentElement?.getBoundingClientRect();
    return { area, x: e.clientX - (box?.left ?? 0), y: e.clientY - (box?.top ?? 0) };
  };
  const open = (area: Area, e: MouseEvent | KeyboardEvent): void => {
    const [only] = area.members;
    if (area.members.length === 1 && only !== undefined) onOpen(only);
    else if (area.members.length > 1 && e instanceof MouseEvent) setChoice(pointer(area, e));
    else if (area.members.length > 1) setChoice({ area, x: 120, y: 80 });
  };

  return (
    <div class="map" data-testid="italy-map" onMouseLeave={() => setHover(null)}>
      <svg viewBox={ITALY_MAP.viewBox} role="img" aria-label="Map of the Italian regions">
        {areas.map((area) => (
          <path
            key={area.id}
            d={area.path}
            class={`area${hover?.area.id === area.id ? ' area-hover' : ''}`}
            fill={area.value === undefined ? NO_DATA : scale.color(area.value)}
            data-testid={`map-area-${area.id}`}
            data-regions={area.members.map((r) => r.key).join(' ')}
            data-value={area.value ?? ''}
            tabIndex={0}
            role="link"
            aria-label={`${area.name}: ${formatValue(area.value)}`}
            onMouseMove={(e) => setHover(pointer(area, e))}
            onClick={(e) => open(area, e)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') open(area, e);
            }}
          />
        ))}
      </svg>
      {hover !== null && choice === null && (
        <div
          class="map-tooltip"
          data-testid="map-tooltip"
          style={{ left: `${hover.x + 14}px`, top: `${hover.y + 10}px` }}
        >
          <div class="map-tooltip-name">{hover.area.name}</div>
          <div class="map-tooltip-value">{formatValue(hover.area.value)}</div>
          {hover.area.members.length > 1 &&
            hover.area.members.map((r) => (
              <div class="map-tooltip-part" key={r.id}>
                {r.name}: {formatValue(values.get(r.id))}
              </div>
            ))}
        </div>
      )}
      {choice !== null && (
        <div
          class="map-choice"
          data-testid="map-choice"
          style={{ left: `${choice.x}px`, top: `${choice.y}px` }}
        >
          <div class="map-choice-title">{choice.area.name}</div>
          {choice.area.members.map((r) => (
            <button type="button" key={r.id} onClick={() => onOpen(r)}>
              {r.name} · {formatValue(values.get(r.id))}
            </button>
          ))}
          <button type="button" class="link" onClick={() => setChoice(null)}>
            close
          </button>
        </div>
      )}
    </div>
  );
}
