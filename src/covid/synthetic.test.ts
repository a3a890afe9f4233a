import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COVID_FIELDS } from './contract.js';
import { loadCovidDataset, type CovidValues } from './dataset.js';
import { syntheticDays } from './synthetic.js';

const data = loadCovidDataset();
const lastDay = data.days.at(-1)!;

/** Checks the invariants of one synthetic day after `prev`; returns the problems found. */
function problems(prev: CovidValues, v: CovidValues): string[] {
  const out: string[] = [];
  for (const f of COVID_FIELDS) if (!Number.isInteger(v[f])) out.push(`${f} not an integer`);
  for (const f of [
    'ricoverati_con_sintomi',
    'terapia_intensiva',
    'totale_ospedalizzati',
    'isolamento_domiciliare',
    'totale_positivi',
    'nuovi_positivi',
  ] as const)
    if (v[f] < 0) out.push(`${f} negative`);
  for (const f of ['dimessi_guariti', 'deceduti', 'totale_casi', 'tamponi'] as const)
    if (v[f] < prev[f]) out.push(`${f} decreased`);
  if (v.totale_casi - prev.totale_casi !== v.nuovi_positivi) out.push('totale_casi vs nuovi_positivi');
  if (v.totale_positivi - prev.totale_positivi !== v.variazione_totale_positivi)
    out.push('totale_positivi vs variazione_totale_positivi');
  if (v.totale_ospedalizzati !== v.ricoverati_con_sintomi + v.terapia_intensiva) out.push('ospedalizzati');
  if (v.totale_positivi !== v.totale_ospedalizzati + v.isolamento_domiciliare) out.push('positivi');
  const outflow = v.dimessi_guariti - prev.dimessi_guariti + v.deceduti - prev.deceduti;
  if (v.variazione_totale_positivi !== v.nuovi_positivi - outflow) out.push('flows');
  return out;
}

test('synthetic days keep the invariants in every area for 3 years after the last real day', () => {
  const found = new Set<string>();
  data.areas.forEach((area, a) => {
    let prev = data.regional[a]!.at(-1)!;
    for (const v of syntheticDays(prev, { seed: 7, area: area.codice_regione, lastDay, count: 1100 })) {
      for (const p of problems(prev, v)) found.add(`${area.denominazione}: ${p}`);
      prev = v;
    }
  });
  assert.deepEqual([...found], []);
});

test('a zero or negative start (a correction row) stays plausible', () => {
  const start = { ...data.regional[0]![10]!, nuovi_positivi: -5, totale_positivi: 0 };
  let prev = start;
  for (const v of syntheticDays(start, { seed: 1, area: 1, lastDay: '2020-03-05', count: 200 })) {
    assert.deepEqual(problems(prev, v), []);
    prev = v;
  }
});

test('plausible: daily new positives stay within a factor of 20 of the last real week over 60 days', () => {
  const lombardia = data.areas.findIndex((a) => a.codice_regione === 3);
  const series = data.regional[lombardia]!;
  const real = series.slice(-7).reduce((s, v) => s + v.nuovi_positivi, 0) / 7;
  const days = syntheticDays(series.at(-1)!, { seed: 1, area: 3, lastDay, count: 60 });
  for (const v of days) {
    assert.ok(v.nuovi_positivi <= 20 * (real + 1), `${v.nuovi_positivi} vs ${real}`);
    assert.ok(v.totale_positivi <= 20 * (series.at(-1)!.totale_positivi + 1));
  }
});

test('same seed, same values; another seed, other values; a longer walk extends a shorter one', () => {
  const last = data.regional[5]!.at(-1)!;
  const a = syntheticDays(last, { seed: 1, area: 7, lastDay, count: 30 });
  const b = syntheticDays(last, { seed: 1, area: 7, lastDay, count: 45 });
  const c = syntheticDays(last, { seed: 2, area: 7, lastDay, count: 30 });
  assert.deepEqual(b.slice(0, 30), a);
  assert.notDeepEqual(c, a);
  assert.deepEqual(a[0], syntheticDays(last, { seed: 1, area: 7, lastDay, count: 1 })[0]);
  assert.notDeepEqual(syntheticDays(last, { seed: 1, area: 8, lastDay, count: 30 }), a);
});
