/**
 * The COVID producer: puts the Italy dataset on a Gnocchi-compatible service following the data contract of
 * `contract.ts`. It creates what is missing (policy, resource type, the 21 resources and their metrics),
 * finds the last day each metric already holds, replays the CSV days after it up to `until` with batch
 * requests of several days for every area and field, sets `real_until` on the resources, then sends the
 * synthetic days of the seeded random walk (`synthetic.ts`), as fast as possible or at `rate` days per
 * second. Re-running it with the same options sends nothing; with more days it sends only the new ones.
 * Aborting its `signal` stops it cleanly, between two requests: it resolves to the report of what was sent,
 * `stopped` set, even if a request then fails (the service may be stopping too).
 */
import { monotonicSeconds, sleepUntil } from '../support/clock.js';
import {
  COVID_FIELDS,
  COVID_GRANULARITY,
  COVID_POLICY,
  COVID_POLICY_NAME,
  REGION_RESOURCE_TYPE,
  REGION_TYPE,
  regionResourceId,
} from './contract.js';
import {
  addDays,
  daysBetween,
  dayTimestamp,
  isDay,
  loadCovidDataset,
  type CovidDataset,
  type CovidValues,
} from './dataset.js';
import { GnocchiClient, type PointJson, type ResourceJson } from './gnocchi-client.js';
import { syntheticDays } from './synthetic.js';

/** Options of {@link produceCovid}. */
export interface ProduceOptions {
  /** The service, e.g. `http://127.0.0.1:8041`. */
  endpoint: string;
  /** Basic-auth user (default `admin`). */
  user?: string;
  /** Its password (`--auth users`; default empty). */
  password?: string;
  /** A bearer token, sent instead of the user name and password (`--auth users`). */
  token?: string;
  /** Last real day, `YYYY-MM-DD` (default: the last day of the CSV). */
  until?: string;
  /** Synthetic days after `until` (default 0). */
  days?: number;
  /** Seed of the synthetic walk (default 1). Keep it for a given store: stored days are never replaced. */
  seed?: number;
  /** Synthetic days per second, one request per day; 0 (default) sends them in batches at once. */
  rate?: number;
  /** Days per batch request (default: all of them) and areas per request (default 1). */
  daysPerRequest?: number;
  areasPerRequest?: number;
  /** The dataset (default: the shipped one). */
  dataset?: CovidDataset;
  /** Called after every request sent. */
  onProgress?: (progress: ProduceProgress) => void;
  /**
   * Stops between two requests (a live stream ends this way): the report counts what was sent, and an
   * error after the stop is part of the stop, not a failure.
   */
  signal?: AbortSignal;
}

/** Where the producer is. */
export interface ProduceProgress {
  phase: 'real' | 'synthetic';
  /** The last day sent. */
  day: string;
  /** Measures of this phase sent so far and to send in all. */
  done: number;
  total: number;
  /** Measures sent so far (both phases). */
  measures: number;
}

/** What a run did. */
export interface ProduceReport {
  /** Real (CSV) days and synthetic days for which measures were sent by this run. */
  realDays: number;
  syntheticDays: number;
  /** Measures sent by this run. */
  measures: number;
  /** Wall time of the run, seconds. */
  seconds: number;
  /**
   * The last real day the run reached: `until` once every real day is stored, else (stopped) the last real
   * day sent, undefined if none was.
   */
  realUntil: string | undefined;
  /**
   * The last day the run reached: `until` + `days` once every day is stored, else (stopped) the last
   * synthetic day sent, undefined if none was.
   */
  lastDay: string | undefined;
  /** Whether the `signal` stopped the run before it had stored every day it was to. */
  stopped: boolean;
}

/** One area's resource on the service and what its metrics hold. */
interface AreaState {
  area: number;
  resource: ResourceJson;
  /** Per field: index in the run's timeline of the last stored day (-1: none), and its value. */
  last: { index: number; value: number }[];
}

const DEFAULT_DAYS_PER_REQUEST = 10_000;

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}

/** Creates the policy and the resource type if missing; checks an existing policy fits. */
async function ensureSchema(client: GnocchiClient): Promise<void> {
  const policy = await client.getArchivePolicy(COVID_POLICY_NAME);
  if (policy === undefined) await client.createArchivePolicy(COVID_POLICY);
  else {
    const missing = COVID_POLICY.aggregation_methods.filter((m) => !policy.aggregation_methods.includes(m));
    check(
      missing.length === 0 && policy.definition.some((d) => d.points >= COVID_POLICY.definition[0].points),
      `archive policy ${COVID_POLICY_NAME} exists but does not fit (methods ${policy.aggregation_methods.join(', ')})`,
    );
  }
  if ((await client.getResourceType(REGION_TYPE)) === undefined)
    await client.createResourceType(REGION_RESOURCE_TYPE);
}

/** The 21 resources, created (with their metrics) where missing; `signal` stops it between two requests. */
async function ensureResources(
  client: GnocchiClient,
  data: CovidDataset,
  signal: AbortSignal,
): Promise<ResourceJson[]> {
  const existing = new Map((await client.listResources(REGION_TYPE)).map((r) => [r.original_resource_id, r]));
  const metrics = Object.fromEntries(
    COVID_FIELDS.map((f) => [f, { archive_policy_name: COVID_POLICY_NAME }]),
  );
  const out: ResourceJson[] = [];
  for (const area of data.areas) {
    signal.throwIfAborted();
    const id = regionResourceId(area.codice_regione);
    let resource = existing.get(id);
    if (resource === undefined) {
      resource = await client.createResource(REGION_TYPE, {
        id,
        codice_regione: area.codice_regione,
        denominazione: area.denominazione,
        ...(area.nuts2 !== '' ? { nuts2: area.nuts2 } : {}),
        lat: area.lat,
        long: area.long,
        metrics,
      });
    } else {
      const missing = COVID_FIELDS.filter((f) => resource!.metrics[f] === undefined);
      if (missing.length > 0) {
        await client.addResourceMetrics(
          REGION_TYPE,
          resource.id,
          Object.fromEntries(missing.map((f) => [f, { archive_policy_name: COVID_POLICY_NAME }])),
        );
        resource = (await client.listResources(REGION_TYPE)).find((r) => r.id === resource!.id) ?? resource;
      }
    }
    out.push(resource);
  }
  return out;
}

/**
 * The last stored point of every metric of the regions, with one `(metric * last)` aggregates request per
 * probe: from `end`, then from `hint` (the resources' `real_until`, if any), then going back 4, 16, 64… days
 * until every metric has a point or `first` is passed. Each probe reads every series, so there are few: one
 * on a store that holds the whole run, two or three when only synthetic days are missing.
 */
async function lastStoredPoints(
  client: GnocchiClient,
  first: string,
  end: string,
  hint: string | undefined,
): Promise<Map<string, PointJson>> {
  const found = new Map<string, PointJson>();
  const starts = [end, ...(hint !== undefined && hint < end ? [hint] : [])];
  for (let k = 0; ; k++) {
    const start = starts[k] ?? addDays(starts.at(-1)!, -(4 ** (k - starts.length + 1)));
    const all = daysBetween(start, first) >= 0;
    const answer = await client.aggregates<{
      measures: Record<string, Record<string, { last: PointJson[] }>>;
    }>(
      { resource_type: REGION_TYPE, search: {}, operations: '(metric * last)' },
      { granularity: COVID_GRANULARITY, ...(all ? {} : { start: dayTimestamp(start) }) },
    );
    let complete = true;
    for (const [resource, byName] of Object.entries(answer.measures)) {
      for (const field of COVID_FIELDS) {
        const point = byName[field]?.last.at(-1);
        if (point !== undefined && !found.has(`${resource}/${field}`))
          found.set(`${resource}/${field}`, point);
        else if (point === undefined && !found.has(`${resource}/${field}`)) complete = false;
      }
    }
    if (complete || all) return found;
  }
}

/** Days `[from, to)` of the timeline that a metric whose last stored day is `last` still needs. */
function missing(last: number, from: number, to: number): [number, number] {
  return [Math.max(from, last + 1), to];
}

/**
 * Builds the JSON of one batch request: the given areas' measures of the timeline days `[from, to)` not yet
 * stored. The days it holds are `[first, to)` (each metric needs the days after its last stored one).
 */
function batchJson(
  states: AreaState[],
  from: number,
  to: number,
  dayOf: (index: number) => string,
  valueOf: (area: number, index: number) => CovidValues,
): { json: string; measures: number; first: number } {
  const timestamps: string[] = [];
  for (let i = from; i < to; i++) timestamps.push(JSON.stringify(dayTimestamp(dayOf(i))));
  const parts: string[] = [];
  let measures = 0;
  let first = to;
  for (const state of states) {
    const fields: string[] = [];
    COVID_FIELDS.forEach((field, f) => {
      const [start, end] = missing(state.last[f]!.index, from, to);
      if (start >= end) return;
      first = Math.min(first, start);
      const list: string[] = [];
      for (let i = start; i < end; i++)
        list.push(`{"timestamp":${timestamps[i - from]!},"value":${valueOf(state.area, i)[field]}}`);
      measures += list.length;
      fields.push(`"${field}":[${list.join(',')}]`);
    });
    if (fields.length > 0) parts.push(`"${state.resource.id}":{${fields.join(',')}}`);
  }
  return { json: `{${parts.join(',')}}`, measures, first };
}

/** Loads the COVID dataset onto the service at `options.endpoint` (see the module doc); idempotent. */
export async function produceCovid(options: ProduceOptions): Promise<ProduceReport> {
  const began = monotonicSeconds();
  const client = new GnocchiClient(options.endpoint, {
    ...(options.user !== undefined ? { user: options.user } : {}),
    ...(options.password !== undefined ? { password: options.password } : {}),
    ...(options.token !== undefined ? { token: options.token } : {}),
  });
  const data = options.dataset ?? loadCovidDataset();
  const until = options.until ?? data.days.at(-1)!;
  const days = options.days ?? 0;
  const seed = options.seed ?? 1;
  const rate = options.rate ?? 0;
  const perRequest = options.daysPerRequest ?? DEFAULT_DAYS_PER_REQUEST;
  const areasPerRequest = options.areasPerRequest ?? 1;
  const first = data.days[0]!;
  check(isDay(until), `Invalid until date '${until}': expected YYYY-MM-DD`);
  const untilIndex = daysBetween(first, until);
  check(
    untilIndex >= 0 && untilIndex < data.days.length,
    `until ${until} is outside the data (${first} … ${data.days.at(-1)!})`,
  );
  check(Number.isInteger(days) && days >= 0, `Invalid number of synthetic days ${days}`);
  check(Number.isFinite(rate) && rate >= 0, `Invalid rate ${rate}: expected days per second ≥ 0`);
  check(Number.isInteger(perRequest) && perRequest > 0, `Invalid days per request ${perRequest}`);
  check(
    Number.isInteger(areasPerRequest) && areasPerRequest > 0,
    `Invalid areas per request ${areasPerRequest}`,
  );
  const signal = options.signal ?? new AbortController().signal;
  const report: ProduceReport = {
    realDays: 0,
    syntheticDays: 0,
    measures: 0,
    seconds: 0,
    realUntil: undefined,
    lastDay: undefined,
    stopped: false,
  };
  const run = { first, until, untilIndex, days, seed, rate, perRequest, areasPerRequest };
  try {
    report.stopped = !(await send(client, data, run, signal, report, options.onProgress));
  } catch (err) {
    if (!signal.aborted) throw err;
    report.stopped = true;
  }
  report.seconds = monotonicSeconds() - began;
  return report;
}

/** The checked options of a run. */
interface Run {
  first: string;
  until: string;
  untilIndex: number;
  days: number;
  seed: number;
  rate: number;
  perRequest: number;
  areasPerRequest: number;
}

/**
 * Does the work of {@link produceCovid}, filling `report` as requests succeed: days sent, measures, and
 * `realUntil` and `lastDay` as each phase completes (the last day sent, where `signal` stopped it).
 * Resolves to whether it completed (false: stopped by `signal`).
 */
async function send(
  client: GnocchiClient,
  data: CovidDataset,
  run: Run,
  signal: AbortSignal,
  report: ProduceReport,
  onProgress: ((progress: ProduceProgress) => void) | undefined,
): Promise<boolean> {
  const { first, until, untilIndex, days, seed, rate, perRequest, areasPerRequest } = run;
  signal.throwIfAborted();
  await ensureSchema(client);
  signal.throwIfAborted();
  const resources = await ensureResources(client, data, signal);
  signal.throwIfAborted();
  const lastDay = addDays(until, days);
  const hints = resources
    .map((r) => r.real_until)
    .filter((u): u is string => typeof u === 'string' && u !== '');
  const stored = await lastStoredPoints(client, first, lastDay, hints.sort()[0]);
  signal.throwIfAborted();

  const states: AreaState[] = resources.map((resource, area) => ({
    area,
    resource,
    last: COVID_FIELDS.map((field) => {
      const point = stored.get(`${resource.id}/${field}`);
      return point === undefined
        ? { index: -1, value: NaN }
        : { index: daysBetween(first, point[0].slice(0, 10)), value: point[2] };
    }),
  }));
  let timelineLength = untilIndex + 1 + days;
  for (const s of states) {
    const realUntil = s.resource.real_until;
    const name = s.resource.original_resource_id;
    const lastIndex = Math.max(...s.last.map((l) => l.index));
    if (typeof realUntil === 'string' && realUntil !== '') {
      check(
        realUntil <= until,
        `${name} holds real data until ${realUntil}, later than until ${until}: use a fresh store`,
      );
      check(
        realUntil === until || lastIndex <= daysBetween(first, realUntil),
        `${name} holds synthetic days after ${realUntil}: they cannot be replaced by real ones until ${until} ` +
          '(back window 0); use a fresh store',
      );
    }
    timelineLength = Math.max(timelineLength, lastIndex + 1);
  }
  const synthetic = states.map((s) =>
    syntheticDays(data.regional[s.area]![untilIndex]!, {
      seed,
      area: data.areas[s.area]!.codice_regione,
      lastDay: until,
      count: timelineLength - untilIndex - 1,
    }),
  );
  const valueOf = (area: number, index: number): CovidValues =>
    index <= untilIndex ? data.regional[area]![index]! : synthetic[area]![index - untilIndex - 1]!;
  const dayOf = (index: number): string =>
    index < data.days.length ? data.days[index]! : addDays(first, index);
  for (const s of states) {
    COVID_FIELDS.forEach((field, f) => {
      const { index, value } = s.last[f]!;
      if (index < 0) return;
      const expected = valueOf(s.area, index)[field];
      check(
        expected === value,
        `${s.resource.original_resource_id}/${field} holds ${value} on ${dayOf(index)} where this run has ` +
          `${expected} (${index > untilIndex ? 'another --seed?' : 'another dataset?'}); use a fresh store`,
      );
    });
  }

  const sent = new Uint8Array(untilIndex + 1 + days);
  const phases = [
    { phase: 'real' as const, from: 0, to: untilIndex + 1 },
    { phase: 'synthetic' as const, from: untilIndex + 1, to: untilIndex + 1 + days },
  ];
  for (const { phase, from, to } of phases) {
    // Requests: all the days of a few areas each (the store decodes each series once), or, streaming
    // synthetic days, one day of every area each.
    const streaming = phase === 'synthetic' && rate > 0;
    const requests: { areas: AreaState[]; from: number; to: number }[] = [];
    for (let d = from; d < to; d += streaming ? 1 : perRequest) {
      const end = Math.min(to, d + (streaming ? 1 : perRequest));
      for (let a = 0; a < states.length; a += streaming ? states.length : areasPerRequest)
        requests.push({
          areas: states.slice(a, a + (streaming ? states.length : areasPerRequest)),
          from: d,
          to: end,
        });
    }
    const total = states.reduce(
      (sum, s) => sum + s.last.reduce((n, l) => n + Math.max(0, to - Math.max(from, l.index + 1)), 0),
      0,
    );
    let done = 0;
    const started = monotonicSeconds();
    // The phase's days sent and the day it reached: its last day when complete, else the last day sent.
    const reached = (complete: boolean): void => {
      const count = sent.subarray(from, to).reduce((n, x) => n + x, 0);
      const last = sent.subarray(from, to).lastIndexOf(1);
      const day = complete ? dayOf(to - 1) : last < 0 ? undefined : dayOf(from + last);
      if (phase === 'real') [report.realDays, report.realUntil] = [count, day];
      else [report.syntheticDays, report.lastDay] = [count, complete && to === from ? until : day];
    };
    let complete = true;
    for (const r of requests) {
      const batch = batchJson(r.areas, r.from, r.to, dayOf, valueOf);
      if (batch.measures === 0) continue;
      if (signal.aborted || (streaming && !(await sleepUntil(started + (r.from - from) / rate, signal)))) {
        complete = false;
        break;
      }
      try {
        await client.batchResourceMeasures(batch.json);
      } catch (err) {
        // After a stop, a failed request (the service may be stopping too) stays uncounted and ends the run.
        reached(false);
        throw err;
      }
      sent.fill(1, batch.first, r.to);
      done += batch.measures;
      report.measures += batch.measures;
      onProgress?.({ phase, day: dayOf(r.to - 1), done, total, measures: report.measures });
    }
    reached(complete);
    if (!complete) return false;
    if (phase === 'real') {
      for (const s of states) {
        signal.throwIfAborted();
        if (s.resource.real_until !== until)
          s.resource = await client.patchResource(REGION_TYPE, s.resource.id, { real_until: until });
      }
    }
  }
  return true;
}
