/** The Italy overview: field and day controls, the choropleth, the ranked areas and the national chart. */
import { useEffect, useState } from 'preact/hooks';
import type { CovidField } from '../../src/covid/contract.js';
import { makeScale } from './color-scale.js';
import { loadField, type FieldData } from './data.js';
import { DaySlider } from './DaySlider.js';
import { FieldSelect } from './FieldSelect.js';
import { fieldInfo, KIND_TEXT, type FieldInfo } from './fields.js';
import { formatDay, formatValue } from './format.js';
import { ItalyMap } from './ItalyMap.js';
import { MapLegend } from './MapLegend.js';
import { NationalChart } from './NationalChart.js';
import { RegionList } from './RegionList.js';
import { commonRealUntil, type Region } from './regions.js';
import type { Route } from './route.js';
import { formatHash } from './route.js';

/** Props of {@link Overview}. */
export interface OverviewProps {
  regions: Region[];
  field: FieldInfo;
  /** The day in the URL (default: the last real day, else the last day with data). */
  day: string | undefined;
  navigate: (route: Route, push?: boolean) => void;
  /** Reports a failed request; returns the message to show. */
  onApiError: (error: unknown) => string;
}

/** Renders the overview. */
export function Overview({ regions, field, day, navigate, onApiError }: OverviewProps) {
  const [loaded, setLoaded] = useState<{ field: CovidField; data: FieldData } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setError(null);
    loadField(field.name).then(
      (data) => live && setLoaded({ field: field.name, data }),
      (e: unknown) => live && setError(onApiError(e)),
    );
    return () => {
      live = false;
    };
  }, [field.name]);

  if (error !== null)
    return (
      <div class="card message error">
        Could not load {field.label}: {error}
      </div>
    );
  if (loaded === null)
    return (
      <div class="card message" data-testid="loading">
        Loading {field.label}…
      </div>
    );

  const shown = fieldInfo(loaded.field) ?? field;
  const { data } = loaded;
  const days = data.national.days;
  const last = days[days.length - 1];
  if (last === undefined) {
    return (
      <div class="card message" data-testid="no-data">
        No COVID data on this server yet: load it with <code>soe covid produce --endpoint URL</code>.
      </div>
    );
  }
  const realUntil = commonRealUntil(regions);
  const fallback = realUntil !== null && days.includes(realUntil) ? realUntil : last;
  const selected = day !== undefined && days.includes(day) ? day : fallback;
  const values = new Map(regions.map((r) => [r.id, data.byRegion.get(r.id)?.get(selected)]));
  const scale = makeScale([...values.values()]);
  const national = data.national.values[days.indexOf(selected)];
  const route = (patch: Partial<Route>): Route => ({
    page: 'overview',
    field: field.name,
    day: selected,
    ...patch,
  });
  const setDay = (d: string): void => navigate(route({ day: d }));
  const loading = loaded.field !== field.name;

  return (
    <div class={`overview${loading ? ' is-loading' : ''}`} data-testid="overview">
      <section class="card controls">
        <FieldSelect field={field} onChange={(name) => navigate(route({ field: name }))} />
        <DaySlider days={days} day={selected} realUntil={realUntil} onChange={setDay} />
        <div class="kpi" data-testid="national-value" data-value={national ?? ''}>
          <span class="control-label">Italy</span>
          <strong>{formatValue(national)}</strong>
          <span class="control-hint">
            {shown.label.toLowerCase()} ({KIND_TEXT[shown.kind]})
          </span>
        </div>
      </section>
      <div class="grid">
        <section class="card map-card">
          <h2>
            {shown.label} <span class="muted">· {formatDay(selected)}</span>
          </h2>
          <ItalyMap
            regions={regions}
            values={values}
            scale={scale}
            onOpen={(r) =>
              navigate({ page: 'region', region: r.key, field: field.name, day: selected }, true)
            }
          />
          <MapLegend scale={scale} label={`${shown.label} (${shown.name})`} />
        </section>
        <section class="card list-card">
          <h2>
            Areas <span class="muted">· by {shown.label.toLowerCase()}</span>
          </h2>
          <RegionList
            regions={regions}
            values={values}
            scale={scale}
            day={selected}
            hrefOf={(r) => formatHash({ page: 'region', region: r.key, field: field.name, day: selected })}
          />
          <p class="note">
            Trentino-Alto Adige is reported as its two autonomous provinces, P.A. Bolzano and P.A. Trento; the
            map shows their sum. <sup class="synthetic-mark">s</sup> marks a synthetic value.
          </p>
        </section>
      </div>
      <section class="card">
        <h2>
          Italy · {shown.label} <span class="muted">· sum over the areas by the server (/v1/aggregates)</span>
        </h2>
        <NationalChart
          field={shown}
          series={data.national}
          realUntil={realUntil}
          day={selected}
          onPickDay={setDay}
        />
      </section>
    </div>
  );
}
