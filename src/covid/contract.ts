/**
 * The COVID-19 Italy data contract on the timeseries service (what the producer writes and the GUI reads);
 * this module uses no Node API, so a browser bundle may import it.
 *
 * - Archive policy `covid-daily`: granularity 1 day, 10,000 points (~27 years), methods
 *   `last, sum, mean, min, max`, back_window 0.
 * - Resource type `region`: `codice_regione` (number, required), `denominazione` (string, required: the CSV's
 *   `denominazione_regione`, e.g. `Lombardia`, `P.A. Bolzano`), `nuts2`, `lat`, `long`, `real_until` (the last
 *   day loaded from the CSV, `YYYY-MM-DD`; every later day is synthetic), not required.
 * - One resource per area, id `region-<codice_regione>` (the API stores its UUID5 and keeps it as
 *   `original_resource_id`), 21 in all; on each one metric per field of {@link COVID_FIELDS}, named after its
 *   CSV column, policy `covid-daily`.
 * - One measure per day at `YYYY-MM-DDT00:00:00+00:00` (the CSV row's date). Read every field, flows too,
 *   with aggregation `last`.
 * - National value = sum over the 21 regions, one request per field:
 *   `POST /v1/aggregates?granularity=86400[&start=…&stop=…]` with body
 *   `{"resource_type": "region", "search": {}, "operations": "(aggregate sum (metric nuovi_positivi last))"}`
 *   answers `{"measures": {"aggregated": [["2020-02-24T00:00:00+00:00", 86400, 221], …]}}`; see
 *   {@link nationalAggregateRequest}. `?groupby=…` splits it (e.g. by `nuts2`).
 */

/** The CSV columns loaded, each a metric of the same name on every area's resource. */
export const COVID_FIELDS = [
  'ricoverati_con_sintomi',
  'terapia_intensiva',
  'totale_ospedalizzati',
  'isolamento_domiciliare',
  'totale_positivi',
  'variazione_totale_positivi',
  'nuovi_positivi',
  'dimessi_guariti',
  'deceduti',
  'totale_casi',
  'tamponi',
] as const;

/** One of {@link COVID_FIELDS}. */
export type CovidField = (typeof COVID_FIELDS)[number];

/** The attribution the license (CC-BY-4.0) asks for wherever the data is shown or redistributed. */
export const COVID_ATTRIBUTION =
  'Dati: Dipartimento della Protezione Civile – COVID-19 Italia (https://github.com/pcm-dpc/COVID-19), ' +
  'licenza CC-BY-4.0. Data provided by the Ministero della Salute; processed and managed by the ' +
  'Dipartimento della Protezione Civile.';

/** Name of the archive policy of every COVID metric. */
export const COVID_POLICY_NAME = 'covid-daily';

/** The archive policy, as POSTed to `/v1/archive_policy`. */
export const COVID_POLICY = {
  name: COVID_POLICY_NAME,
  back_window: 0,
  aggregation_methods: ['last', 'sum', 'mean', 'min', 'max'],
  definition: [{ granularity: '1 day', points: 10000 }],
} as const;

/** Name of the resource type of the areas. */
export const REGION_TYPE = 'region';

/** The resource type, as POSTed to `/v1/resource_type`. */
export const REGION_RESOURCE_TYPE = {
  name: REGION_TYPE,
  attributes: {
    codice_regione: { type: 'number', required: true },
    denominazione: { type: 'string', required: true },
    nuts2: { type: 'string', required: false },
    lat: { type: 'number', required: false },
    long: { type: 'number', required: false },
    real_until: { type: 'string', required: false },
  },
} as const;

/** The granularity of every COVID series, seconds. */
export const COVID_GRANULARITY = 86400;

/** The resource id (before the API's UUID5 mapping) of an area: `region-<codice_regione>`. */
export function regionResourceId(codiceRegione: number): string {
  return `region-${codiceRegione}`;
}

/** The request giving a field's national series (sum of the regions' `last`), for `fetch` or any client. */
export function nationalAggregateRequest(
  field: CovidField,
  range: { start?: string; stop?: string } = {},
): { method: 'POST'; path: string; body: { resource_type: string; search: object; operations: string } } {
  const query = new URLSearchParams({ granularity: String(COVID_GRANULARITY) });
  if (range.start !== undefined) query.set('start', range.start);
  if (range.stop !== undefined) query.set('stop', range.stop);
  return {
    method: 'POST',
    path: `/v1/aggregates?${query.toString()}`,
    body: { resource_type: REGION_TYPE, search: {}, operations: `(aggregate sum (metric ${field} last))` },
  };
}
