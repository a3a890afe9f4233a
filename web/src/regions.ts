/**
 * The areas of the dataset and the 20 regions of the map: the 19 regions are one area each, Trentino-Alto
 * Adige is the sum of the autonomous provinces of Bolzano (21) and Trento (22). Map ids are those of
 * `@svg-maps/italy`.
 */
import type { RegionResource } from './api.js';

/** One area (a `region` resource). */
export interface Region {
  /** The resource UUID. */
  id: string;
  /** `region-<codice_regione>`: the key in the GUI's URLs. */
  key: string;
  code: number;
  name: string;
  nuts2: string | null;
  /** Last real day; later days are synthetic (null: none loaded yet). */
  realUntil: string | null;
  /** The map area it belongs to. */
  mapId: string;
}

/** Map area id by `codice_regione`. */
const MAP_ID_BY_CODE: Record<number, string> = {
  1: 'piedmont',
  2: 'aosta-valley',
  3: 'lombardy',
  4: 'trentino-south-tyrol',
  5: 'veneto',
  6: 'friuli-venezia-giulia',
  7: 'liguria',
  8: 'emilia-romagna',
  9: 'tuscany',
  10: 'umbria',
  11: 'marche',
  12: 'lazio',
  13: 'abruzzo',
  14: 'molise',
  15: 'campania',
  16: 'apulia',
  17: 'basilicata',
  18: 'calabria',
  19: 'sicily',
  20: 'sardinia',
  21: 'trentino-south-tyrol',
  22: 'trentino-south-tyrol',
};

/** The Italian name of each map area (Trentino-Alto Adige for the two provinces together). */
export const MAP_AREA_NAMES: Record<string, string> = {
  piedmont: 'Piemonte',
  'aosta-valley': "Valle d'Aosta",
  lombardy: 'Lombardia',
  'trentino-south-tyrol': 'Trentino-Alto Adige',
  veneto: 'Veneto',
  'friuli-venezia-giulia': 'Friuli Venezia Giulia',
  liguria: 'Liguria',
  'emilia-romagna': 'Emilia-Romagna',
  tuscany: 'Toscana',
  umbria: 'Umbria',
  marche: 'Marche',
  lazio: 'Lazio',
  abruzzo: 'Abruzzo',
  molise: 'Molise',
  campania: 'Campania',
  apulia: 'Puglia',
  basilicata: 'Basilicata',
  calabria: 'Calabria',
  sicily: 'Sicilia',
  sardinia: 'Sardegna',
};

/** The GUI's view of a resource (undefined for a code that is not an Italian area). */
export function toRegion(resource: RegionResource): Region | undefined {
  const mapId = MAP_ID_BY_CODE[resource.codice_regione];
  if (mapId === undefined) return undefined;
  return {
    id: resource.id,
    key: resource.original_resource_id,
    code: resource.codice_regione,
    name: resource.denominazione,
    nuts2: resource.nuts2,
    realUntil: resource.real_until,
    mapId,
  };
}

/** Whether `day` is synthetic for an area (after its last real day, or no real day at all). */
export function isSyntheticFor(region: Region, day: string): boolean {
  return region.realUntil === null || day > region.realUntil;
}

/** The last day that is real in every area (national values after it contain synthetic data). */
export function commonRealUntil(regions: Region[]): string | null {
  let min: string | null = null;
  for (const r of regions) {
    if (r.realUntil === null) return null;
    if (min === null || r.realUntil < min) min = r.realUntil;
  }
  return min;
}
