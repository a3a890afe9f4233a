/**
 * Synthetic COVID days: a seeded random walk continuing an area's series after its last real day. Each day
 * depends only on the previous day's values and on a generator seeded by (seed, area, day), so the walk is
 * the same on every run and machine and a longer run extends a shorter one. The values stay plausible:
 * integers; stocks never negative; cumulatives never decrease; `totale_casi` grows by `nuovi_positivi`,
 * `totale_positivi` changes by `variazione_totale_positivi` (new positives minus recoveries and deaths),
 * `totale_ospedalizzati` = `ricoverati_con_sintomi` + `terapia_intensiva` and `totale_positivi` =
 * `totale_ospedalizzati` + `isolamento_domiciliare`.
 */
import { Random } from '../support/random.js';
import { addDays, daysBetween, type CovidValues } from './dataset.js';

/** A standard normal draw (Box–Muller). */
function normal(rng: Random): number {
  return Math.sqrt(-2 * Math.log(1 - rng.uniform())) * Math.cos(2 * Math.PI * rng.uniform());
}

/** The generator of one area's day: seeded by the run's seed, the area code and the day. */
export function dayRandom(seed: number, area: number, day: string): Random {
  return Random.fromSeeds(seed, area, daysBetween('1970-01-01', day));
}

/** The next day's values from the previous day's, with the draws of `rng`. */
export function syntheticStep(prev: CovidValues, rng: Random): CovidValues {
  const positives0 = Math.max(0, prev.totale_positivi);
  const ward0 = Math.max(0, prev.ricoverati_con_sintomi);
  const icu0 = Math.max(0, prev.terapia_intensiva);
  const newPositives = Math.max(
    0,
    Math.round((Math.max(0, prev.nuovi_positivi) + 1) * Math.exp(0.12 * normal(rng)) - 1),
  );
  const available = positives0 + newPositives;
  const deaths = Math.min(available, Math.round((icu0 * 0.03 + ward0 * 0.005) * rng.uniformReal(0.5, 1.5)));
  // As many recover as were newly positive the day before, give or take 15%: the stock of positives then
  // wanders around its last real level instead of draining (late in the real data it was ~100 days of cases).
  const recovered = Math.min(
    available - deaths,
    Math.round(Math.max(0, prev.nuovi_positivi) * rng.uniformReal(0.85, 1.15)),
  );
  const positives = available - deaths - recovered;
  const wardShare = positives0 > 0 ? ward0 / positives0 : 0.02;
  const icuShare = positives0 > 0 ? icu0 / positives0 : 0.001;
  let ward = Math.round(positives * Math.min(1, wardShare * Math.exp(0.05 * normal(rng))));
  let icu = Math.round(positives * Math.min(1, icuShare * Math.exp(0.05 * normal(rng))));
  if (ward + icu > positives) {
    icu = Math.min(icu, positives);
    ward = positives - icu;
  }
  return {
    ricoverati_con_sintomi: ward,
    terapia_intensiva: icu,
    totale_ospedalizzati: ward + icu,
    isolamento_domiciliare: positives - ward - icu,
    totale_positivi: positives,
    variazione_totale_positivi: positives - prev.totale_positivi,
    nuovi_positivi: newPositives,
    dimessi_guariti: prev.dimessi_guariti + recovered,
    deceduti: prev.deceduti + deaths,
    totale_casi: prev.totale_casi + newPositives,
    tamponi: prev.tamponi + Math.round((newPositives + 1) * rng.uniformReal(5, 15)),
  };
}

/**
 * `count` synthetic days of area `area` after `lastDay`, whose values were `last`: element i is the day
 * `lastDay + i + 1`.
 */
export function syntheticDays(
  last: CovidValues,
  options: { seed: number; area: number; lastDay: string; count: number },
): CovidValues[] {
  const out: CovidValues[] = [];
  let prev = last;
  for (let i = 1; i <= options.count; i++) {
    prev = syntheticStep(prev, dayRandom(options.seed, options.area, addDays(options.lastDay, i)));
    out.push(prev);
  }
  return out;
}
