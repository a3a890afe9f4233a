/**
 * The Protezione Civile COVID-19 Italy dataset shipped in `data/covid19-italy/` (gzipped regional and national
 * CSV files, CC-BY-4.0): the 21 areas, the consecutive days and, for the fields of `COVID_FIELDS`, one
 * value per area and day plus the national value per day. Dates are the CSV rows' date part (their time is
 * Italian local time).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { COVID_FIELDS, type CovidField } from './contract.js';
import { parseCsvObjects } from './csv.js';

/** The folder holding the shipped CSV files. */
export const COVID_DATA_DIR = fileURLToPath(new URL('../../../data/covid19-italy/', import.meta.url));

/** File names (gzipped) of the regional and national CSV files in {@link COVID_DATA_DIR}. */
export const COVID_FILES = {
  regional: 'dpc-covid19-ita-regioni.csv.gz',
  national: 'dpc-covid19-ita-andamento-nazionale.csv.gz',
} as const;

/** Values of every field, for one area (or the nation) and one day. */
export type CovidValues = Record<CovidField, number>;

/** One of the 21 areas (19 regions and the autonomous provinces of Bolzano and Trento). */
export interface CovidArea {
  codice_regione: number;
  /** The CSV's `denominazione_regione`, e.g. `Lombardia`, `P.A. Bolzano`. */
  denominazione: string;
  /** NUTS 2 code (`ITC4`), '' where the CSV has none. */
  nuts2: string;
  lat: number;
  long: number;
}

/** The loaded dataset. */
export interface CovidDataset {
  /** Consecutive days, `YYYY-MM-DD`, oldest first. */
  days: string[];
  /** The areas, by increasing codice_regione. */
  areas: CovidArea[];
  /** `regional[area][day]`: the values of an area (index in `areas`) on a day (index in `days`). */
  regional: CovidValues[][];
  /** `national[day]`: the national CSV's values. */
  national: CovidValues[];
}

/** `YYYY-MM-DD` plus `n` days. */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** Days from `a` to `b` (negative if `b` is earlier). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/** Whether a string is a valid `YYYY-MM-DD` date. */
export function isDay(value: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(value) && addDays(value, 0) === value;
}

/** The timestamp of a day's measure: `YYYY-MM-DDT00:00:00+00:00`. */
export function dayTimestamp(day: string): string {
  return `${day}T00:00:00+00:00`;
}

function readCsv(dir: string, file: string): Record<string, string>[] {
  return parseCsvObjects(gunzipSync(readFileSync(join(dir, file))).toString('utf8'));
}

function integer(row: Record<string, string>, column: string, where: string): number {
  const text = row[column];
  const value = Number(text);
  if (text === undefined || text.trim() === '' || !Number.isInteger(value))
    throw new Error(`${where}: ${column} is not an integer: '${text ?? ''}'`);
  return value;
}

function valuesOf(row: Record<string, string>, where: string): CovidValues {
  const out = {} as CovidValues;
  for (const field of COVID_FIELDS) out[field] = integer(row, field, where);
  return out;
}

/**
 * Loads and checks the shipped CSV files (or those in `dir`): every area has one row per day, the days are
 * consecutive and the same in both files, every field is an integer. Throws naming the file, row and column.
 */
export function loadCovidDataset(dir: string = COVID_DATA_DIR): CovidDataset {
  const nationalRows = readCsv(dir, COVID_FILES.national);
  const days = nationalRows.map((r) => (r.data ?? '').slice(0, 10));
  days.forEach((day, i) => {
    if (!isDay(day) || (i > 0 && addDays(days[i - 1]!, 1) !== day))
      throw new Error(`${COVID_FILES.national} row ${i + 1}: date '${day}' does not follow the previous day`);
  });
  const national = nationalRows.map((r, i) => valuesOf(r, `${COVID_FILES.national} row ${i + 1}`));
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const byCode = new Map<number, { area: CovidArea; values: (CovidValues | undefined)[] }>();
  readCsv(dir, COVID_FILES.regional).forEach((r, i) => {
    const where = `${COVID_FILES.regional} row ${i + 1}`;
    const code = integer(r, 'codice_regione', where);
    let entry = byCode.get(code);
    if (entry === undefined) {
      entry = {
        area: {
          codice_regione: code,
          denominazione: r.denominazione_regione ?? '',
          nuts2: r.codice_nuts_2 ?? '',
          lat: Number(r.lat),
          long: Number(r.long),
        },
        values: new Array<CovidValues | undefined>(days.length),
      };
      byCode.set(code, entry);
    }
    if (r.codice_nuts_2) entry.area.nuts2 = r.codice_nuts_2;
    const day = dayIndex.get((r.data ?? '').slice(0, 10));
    if (day === undefined) throw new Error(`${where}: date '${r.data}' is not in the national file`);
    if (entry.values[day] !== undefined)
      throw new Error(`${where}: a second row for area ${code} and its day`);
    entry.values[day] = valuesOf(r, where);
  });
  const entries = [...byCode.values()].sort((a, b) => a.area.codice_regione - b.area.codice_regione);
  const regional = entries.map(({ area, values }) => {
    const missing = values.findIndex((v) => v === undefined);
    if (missing >= 0 || values.length !== days.length)
      throw new Error(`${COVID_FILES.regional}: area ${area.codice_regione} has no row for ${days[missing]}`);
    return values as CovidValues[];
  });
  return { days, areas: entries.map((e) => e.area), regional, national };
}
