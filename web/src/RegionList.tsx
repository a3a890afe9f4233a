/** The 21 areas sorted by the chosen field's value on the chosen day, each linking to its page. */
import type { ColorScale } from './color-scale.js';
import { formatValue } from './format.js';
import { isSyntheticFor, type Region } from './regions.js';

/** Props of {@link RegionList}. */
export interface RegionListProps {
  regions: Region[];
  values: Map<string, number | undefined>;
  scale: ColorScale;
  day: string;
  hrefOf: (region: Region) => string;
}

/** Renders the ranked list. */
export function RegionList({ regions, values, scale, day, hrefOf }: RegionListProps) {
  const rows = regions
    .map((r) => ({ region: r, value: values.get(r.id) }))
    .sort(
      (a, b) => (b.value ?? -Infinity) - (a.value ?? -Infinity) || a.region.name.localeCompare(b.region.name),
    );
  const top = Math.max(1, ...rows.map((r) => Math.abs(r.value ?? 0)));
  return (
    <ol class="region-list" data-testid="region-list">
      {rows.map(({ region, value }, i) => {
        const synthetic = isSyntheticFor(region, day);
        return (
          <li key={region.id}>
            <a
              class={`region-row${synthetic ? ' region-row-synthetic' : ''}`}
              href={hrefOf(region)}
              data-testid={`region-row-${region.key}`}
              title={
                synthetic
                  ? `${region.name}: synthetic value (real data until ${region.realUntil ?? 'none'})`
                  : region.name
              }
            >
              <span class="rank">{i + 1}</span>
              <span class="name">{region.name}</span>
              <span class="bar">
                <span
                  style={{
                    width: `${(Math.abs(value ?? 0) / top) * 100}%`,
                    background: value === undefined ? 'transparent' : scale.color(value),
                  }}
                />
              </span>
              <span class="value" data-testid="region-value" data-value={value ?? ''}>
                {formatValue(value)}
                {synthetic && <sup class="synthetic-mark">s</sup>}
              </span>
            </a>
          </li>
        );
      })}
    </ol>
  );
}
