import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COVID_FIELDS } from './contract.js';
import { addDays, dayTimestamp, daysBetween, isDay, loadCovidDataset } from './dataset.js';

const data = loadCovidDataset();

test('21 areas × 1,781 consecutive days, 2020-02-24 … 2025-01-08', () => {
  assert.equal(data.days.length, 1781);
  assert.equal(data.days[0], '2020-02-24');
  assert.equal(data.days.at(-1), '2025-01-08');
  assert.equal(data.areas.length, 21);
  assert.equal(data.regional.length, 21);
  for (const series of data.regional) assert.equal(series.length, 1781);
  assert.deepEqual(
    data.areas.map((a) => a.codice_regione),
    Array.from({ length: 22 }, (_, i) => i + 1).filter((c) => c !== 4),
  );
});

test('areas: names, NUTS 2 codes and coordinates from the CSV', () => {
  const bolzano = data.areas.find((a) => a.codice_regione === 21);
  assert.deepEqual(bolzano && { ...bolzano, lat: 0, long: 0 }, {
    codice_regione: 21,
    denominazione: 'P.A. Bolzano',
    nuts2: 'ITH1',
    lat: 0,
    long: 0,
  });
  assert.equal(data.areas.find((a) => a.codice_regione === 3)?.denominazione, 'Lombardia');
  assert.equal(data.areas.find((a) => a.codice_regione === 2)?.denominazione, "Valle d'Aosta");
  const abruzzo = data.areas[data.areas.findIndex((a) => a.codice_regione === 13)]!;
  assert.deepEqual([abruzzo.lat, abruzzo.long], [42.35122196, 13.39843823]);
  for (const a of data.areas) assert.match(a.nuts2, /^IT[A-Z]\d$/);
});

test('values: first and last rows as in the CSV files', () => {
  const abruzzo = data.areas.findIndex((a) => a.codice_regione === 13);
  assert.equal(data.regional[abruzzo]![0]!.tamponi, 5);
  const veneto = data.areas.findIndex((a) => a.codice_regione === 5);
  assert.deepEqual(data.regional[veneto]!.at(-1), {
    ricoverati_con_sintomi: 204,
    terapia_intensiva: 8,
    totale_ospedalizzati: 212,
    isolamento_domiciliare: 10201,
    totale_positivi: 10413,
    variazione_totale_positivi: 46,
    nuovi_positivi: 54,
    dimessi_guariti: 2840993,
    deceduti: 17608,
    totale_casi: 2869014,
    tamponi: 39737799,
  });
  assert.equal(data.national[1]!.totale_ospedalizzati, 150);
  assert.equal(data.national[0]!.nuovi_positivi, 221);
});

test('national = sum of the 21 areas, except 2020-02-25 totale_ospedalizzati', () => {
  const differences: string[] = [];
  data.days.forEach((day, d) => {
    for (const field of COVID_FIELDS) {
      const sum = data.regional.reduce((s, series) => s + series[d]![field], 0);
      if (sum !== data.national[d]![field])
        differences.push(`${day} ${field} ${data.national[d]![field]} ${sum}`);
    }
  });
  assert.deepEqual(differences, ['2020-02-25 totale_ospedalizzati 150 149']);
});

test('day helpers', () => {
  assert.equal(addDays('2020-02-28', 2), '2020-03-01');
  assert.equal(addDays('2025-01-08', -1), '2025-01-07');
  assert.equal(daysBetween('2020-02-24', '2025-01-08'), 1780);
  assert.equal(isDay('2020-02-30'), false);
  assert.equal(isDay('2020-02-29'), true);
  assert.equal(isDay('2020-2-29'), false);
  assert.equal(dayTimestamp('2020-02-24'), '2020-02-24T00:00:00+00:00');
});
