/** The series the views need, fetched once per field (or per area) and kept for the session. */
import type { CovidField } from '../../src/covid/contract.js';
import { nationalSeries, regionFields, regionsSeries, type Point } from './api.js';
import { dayOf } from './format.js';

/** A daily series: days ascending and their values. */
export interface Series {
  days: string[];
  values: number[];
}

/** What the overview shows for one field. */
export interface FieldData {
  /** Value by day, by resource id. */
  byRegion: Map<string, Map<string, number>>;
  /** The server's sum over the areas. */
  national: Series;
}

/** Points to a series. */
export function toSeries(points: Point[]): Series {
  return { days: points.map((p) => dayOf(p[0])), values: points.map((p) => p[2]) };
}

const fieldCache = new Map<CovidField, Promise<FieldData>>();
const regionCache = new Map<string, Promise<Map<CovidField, Series>>>();

/** A field's per-area and national series (two requests, cached). */
export function loadField(field: CovidField): Promise<FieldData> {
  let pending = fieldCache.get(field);
  if (pending === undefined) {
    pending = Promise.all([regionsSeries(field), nationalSeries(field)]).then(([regions, national]) => {
      const byRegion = new Map<string, Map<string, number>>();
      for (const [id, points] of regions) byRegion.set(id, new Map(points.map((p) => [dayOf(p[0]), p[2]])));
      return { byRegion, national: toSeries(national) };
    });
    pending.catch(() => fieldCache.delete(field));
    fieldCache.set(field, pending);
  }
  return pending;
}

/** Some fields' series of one area (one request, cached). */
export function loadRegionFields(id: string, fields: CovidField[]): Promise<Map<CovidField, Series>> {
  const key = `${id} ${fields.join(',')}`;
  let pending = regionCache.get(key);
  if (pending === undefined) {
    pending = regionFields(id, fields).then(
      (byField) => new Map([...byField].map(([field, points]) => [field, toSeries(points)])),
    );
    pending.catch(() => regionCache.delete(key));
    regionCache.set(key, pending);
  }
  return pending;
}

/** Forgets everything fetched (after new data arrived or the user changed). */
export function clearCache(): void {
  fieldCache.clear();
  regionCache.clear();
}
