import { COVID_ATTRIBUTION } from '../covid/contract.js';
import { checkEndpoint } from '../covid/gnocchi-client.js';
import { produceCovid, type ProduceProgress } from '../covid/producer.js';
import { defineCommand } from './command.js';
import { covidSummary } from './covid-summary.js';
import { untilSignal } from './shutdown.js';

/** A progress line on standard error: redrawn in place on a terminal, nothing otherwise. */
function progressBar(): { update(p: ProduceProgress): void; end(): void } {
  const tty = process.stderr.isTTY;
  let shown = false;
  let lastDraw = 0;
  return {
    update(p) {
      const now = performance.now();
      if (!tty || (now - lastDraw < 100 && p.done < p.total)) return;
      lastDraw = now;
      const fraction = p.total > 0 ? p.done / p.total : 1;
      const width = 30;
      const filled = Math.round(fraction * width);
      const bar = `${'#'.repeat(filled)}${'.'.repeat(width - filled)}`;
      const pct = (fraction * 100).toFixed(0).padStart(3);
      process.stderr.write(`\r\x1b[2K${p.phase.padEnd(9)} [${bar}] ${pct}% ${p.day} ${p.measures} measures`);
      shown = true;
    },
    end() {
      if (shown) process.stderr.write('\r\x1b[2K');
      shown = false;
    },
  };
}

/** The password or token of `--auth users` from the environment (a token wins). */
export function timeseriesCredentials(env: NodeJS.ProcessEnv): { password?: string; token?: string } {
  const token = env.SOE_TIMESERIES_TOKEN;
  if (token !== undefined && token !== '') return { token };
  const password = env.SOE_TIMESERIES_PASSWORD;
  return password !== undefined && password !== '' ? { password } : {};
}

/** `soe covid produce`: loads the COVID-19 Italy dataset onto a timeseries service, then synthetic days. */
export const covidCommand = defineCommand({
  name: 'covid',
  summary:
    'Load the COVID-19 Italy dataset (Protezione Civile, 21 areas, daily) onto a timeseries service (`soe covid produce`).',
  details:
    'Creates, where missing, the archive policy covid-daily (1 day × 10,000 points; last, sum, mean, min, max), ' +
    'the resource type region and one resource per area (region-<codice_regione>) with a metric per CSV ' +
    'field; replays the shipped CSV up to --until in batch requests, sets the resources’ real_until, then ' +
    'sends --days synthetic days: a random walk seeded by --seed from the last real values, all at once or ' +
    '--rate days per second. Only the days a metric does not hold yet are sent, so a re-run sends nothing and ' +
    'a run with more --days appends. A progress bar goes to standard error on a terminal; a summary line to ' +
    'standard output, with the last day of each kind sent. Ctrl-C (SIGINT) or SIGTERM stops it cleanly ' +
    'after the request in progress: the summary then says so, and the exit status is 0. The service’s GUI ' +
    '(/ui/, see soe timeseries) shows the data as it arrives; without auth it needs no sign-in, under basic ' +
    'auth sign in as --user or admin. A server under --auth users checks credentials: the producer sends ' +
    'the environment variable SOE_TIMESERIES_TOKEN as a bearer token if set, else --user with the password ' +
    'in SOE_TIMESERIES_PASSWORD (kept out of the command line and of topology files; soe up passes its ' +
    'environment on). ' +
    COVID_ATTRIBUTION,
  positional: { name: 'produce', description: 'the action (produce is the only one)' },
  options: [
    {
      name: 'endpoint',
      kind: 'string',
      default: 'http://127.0.0.1:8041',
      description: 'the timeseries service (Gnocchi REST API v1)',
    },
    {
      name: 'until',
      kind: 'string',
      default: '',
      description: 'last real day, YYYY-MM-DD; empty: the last day of the CSV (2025-01-08)',
    },
    { name: 'days', kind: 'integer', default: 0, description: 'synthetic days after --until' },
    { name: 'seed', kind: 'integer', default: 1, description: 'seed of the synthetic random walk' },
    {
      name: 'rate',
      kind: 'number',
      default: 0,
      description: 'synthetic days per second, one request each; 0: as fast as possible',
    },
    {
      name: 'user',
      kind: 'string',
      default: 'admin',
      description:
        'the user name sent with basic auth, which owns the data: under basic auth, the GUI shows it to this ' +
        'user and to admin; a server without auth ignores it',
    },
  ],
  async run(o) {
    const action = o.positionals[0] ?? 'produce';
    if (action !== 'produce') throw new Error(`Unknown action '${action}': the only action is produce`);
    const until = o.until;
    checkEndpoint(o.endpoint, '--endpoint');
    const stop = new AbortController();
    let signal: string | undefined;
    void untilSignal().then((s) => {
      signal = s;
      stop.abort();
    });
    const bar = progressBar();
    try {
      const report = await produceCovid({
        endpoint: o.endpoint,
        user: o.user,
        ...timeseriesCredentials(process.env),
        ...(until !== '' ? { until } : {}),
        days: o.days,
        seed: o.seed,
        rate: o.rate,
        signal: stop.signal,
        onProgress: (p) => bar.update(p),
      });
      bar.end();
      process.stdout.write(covidSummary(report, o.endpoint, signal));
      return 0;
    } finally {
      bar.end();
    }
  },
});
