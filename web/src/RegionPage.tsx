/** An area's page: every field on the chosen day, and its daily new cases with total cases over time. */
import { useEffect, useState } from 'preact/hooks';
import type { CovidField } from '../../src/covid/contract.js';
import { regionDay } from './api.js';
import { loadRegionFields, type Series } from './data.js';
import { DaySlider } from './DaySlider.js';
import { FIELDS, fieldInfo, KIND_TEXT, type FieldInfo } from './fields.js';
import { formatDay, formatValue } from './format.js';
import { RegionChart } from './RegionChart.js';
import { isSyntheticFor, type Region } from './regions.js';
import { formatHash, type Route } from './route.js';

/** Props of {@link RegionPage}. */
export interface RegionPageProps {
  region: Region;
  field: FieldInfo;
  day: string | undefined;
  navigate: (route: Route, push?: boolean) => void;
  onApiError: (error: unknown) => string;
}

const DAILY: CovidField = 'nuovi_positivi';
const CUMULATIVE: CovidField = 'totale_casi';

/** Renders the page. */
export function RegionPage({ region, field, day, navigate, onApiError }: RegionPageProps) {
  const [series, setSeries] = useState<Map<CovidField, Series> | null>(null);
  const [snapshot, setSnapshot] = useState<{ day: string; values: Map<string, number> } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setSeries(null);
    loadRegionFields(region.id, [DAILY, CUMULATIVE]).then(
      (s) => live && setSeries(s),
      (e: unknown) => live && setError(onApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [region.id]);

  const daily = series?.get(DAILY);
  const days = daily?.days ?? [];
  const last = days[days.length - 1];
  const fallback = region.realUntil !== null && days.includes(region.realUntil) ? region.realUntil : last;
  const selected = day !== undefined && days.includes(day) ? day : fallback;

  useEffect(() => {
    if (selected === undefined) return undefined;
    let live = true;
    const timer = setTimeout(() => {
      regionDay(region.id, selected).then(
        (values) => live && setSnapshot({ day: selected, values }),
        (e: unknown) => live && setError(onApiError(e)),
      );
    }, 120);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [region.id, selected]);

  const back = formatHash({ page: 'overview', field: field.name, ...(day !== undefined ? { day } : {}) });
  const setDay = (d: string): void =>
    navigate({ page: 'region', region: region.key, field: field.name, day: d });
  const synthetic = selected !== undefined && isSyntheticFor(region, selected);

  return (
    <div class="region-page" data-testid="region-page" data-region={region.key}>
      <a class="back" href={back} data-testid="back-link">
        ← Italy overview
      </a>
      <header class="region-header">
        <h1 data-testid="region-name">{region.name}</h1>
        <div class="region-meta">
          <span>
            codice_regione <b>{region.code}</b>
          </span>
          {region.nuts2 !== null && (
            <span>
              NUTS 2 <b>{region.nuts2}</b>
            </span>
          )}
          <span>
            real data until <b>{region.realUntil ?? 'none'}</b>
          </span>
        </div>
      </header>
      {error !== null && <div class="card message error">{error}</div>}
      {series === null || daily === undefined || selected === undefined ? (
        error === null && (
          <div class="card message" data-testid="loading">
            Loading {region.name}…
          </div>
        )
      ) : (
        <>
          <section class="card controls">
            <DaySlider days={days} day={selected} realUntil={region.realUntil} onChange={setDay} />
          </section>
          <section class="card">
            <h2>
              {formatDay(selected)}
              {synthetic && <span class="badge badge-synthetic">synthetic</span>}
            </h2>
            <div class={`stats${snapshot?.day !== selected ? ' is-loading' : ''}`} data-testid="region-stats">
              {FIELDS.map((f) => (
                <div
                  key={f.name}
                  class={`stat${f.name === field.name ? ' stat-current' : ''}`}
                  data-testid={`stat-${f.name}`}
                  data-value={snapshot?.values.get(f.name) ?? ''}
                >
                  <span class="stat-label">{f.label}</span>
                  <strong>{formatValue(snapshot?.values.get(f.name))}</strong>
                  <span class="stat-field">
                    {f.name} · {KIND_TEXT[f.kind]}
                  </span>
                </div>
              ))}
            </div>
          </section>
          <section class="card">
            <h2>
              {region.name} over time{' '}
              <span class="muted">· click a day to select it, drag to zoom, double-click to reset</span>
            </h2>
            <RegionChart
              daily={daily}
              dailyLabel={fieldInfo(DAILY)?.label ?? DAILY}
              cumulative={series.get(CUMULATIVE) ?? { days: [], values: [] }}
              cumulativeLabel={fieldInfo(CUMULATIVE)?.label ?? CUMULATIVE}
              realUntil={region.realUntil}
              day={selected}
              onPickDay={setDay}
            />
          </section>
        </>
      )}
    </div>
  );
}
