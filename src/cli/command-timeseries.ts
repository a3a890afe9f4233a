import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';
import { untilSignal } from './shutdown.js';

const log = logger('timeseries');

/** `soe timeseries serve`: the Gnocchi-compatible timeseries service. */
export const timeseriesCommand = defineCommand({
  name: 'timeseries',
  summary:
    'Run the Timeseries-as-a-Service: a metric store speaking Gnocchi’s REST API v1 (`soe timeseries serve`).',
  details:
    'Measures are stored pre-aggregated under archive policies. Storage: the embedded store in --data-dir ' +
    '(a journal fsync’ed before every 202, compressed series files), or PostgreSQL with --storage ' +
    'postgres://user@host/db, which several servers on several hosts can share. A measure older than its ' +
    'metric’s back window is refused with a 400 naming the metric and the oldest accepted time (Gnocchi ' +
    'accepts and then silently drops it); refusals are counted in /v1/status. Auth: basic (Gnocchi’s: the ' +
    'identity is the user name, the password is not checked; user `admin` may do everything, others see what ' +
    'they created) or none (every caller is `admin`). A web GUI of the COVID-19 Italy data (loaded by soe ' +
    'covid produce) is at /ui/, where a browser opening / is sent: without auth it opens straight on the map ' +
    '(npm start runs the service so, on loopback); under basic auth it first asks for a user name and says ' +
    'what to enter: `admin` to see all the data (the producer loads it as admin unless given another --user), ' +
    'no password.\n\n' +
    'Limits, the same on both stores: timestamps from 1970-01-01T00:00:00 to 2262-04-11T23:47:16 UTC ' +
    '(Gnocchi’s range, numpy’s datetime64[ns]; a boolean is not a timestamp); names (archive policies, rules ' +
    'and their metric_pattern, metrics, resource types, user_id, project_id, like patterns, metric names and ' +
    'globs in /v1/aggregates) at most 255 characters, as Gnocchi’s columns (a unit at most 31); NUL refused ' +
    'anywhere in a body, a URL or a user name; bodies, search filters and operations strings nested at most 100 levels. ' +
    'Each is a 400 naming the field. A body over --max-body-size is refused with 413 from its ' +
    'Content-Length, before it is read. like searches and metric-name globs match in at most (name + 1) × ' +
    '(pattern + 1) steps, never through a backtracking regular expression. A NaN or infinite result (a sum ' +
    'that overflows, a fill=null gap) is written null, where Gnocchi writes bare NaN/Infinity tokens that ' +
    'JSON parsers refuse. A journal record that cannot be replayed at start (one an older version accepted, ' +
    'such as a timestamp of 1e303) is kept aside in quarantine.log in --data-dir, logged and counted as ' +
    'quarantined_records in /v1/status, and the server starts.\n\n' +
    'Several servers on one PostgreSQL database (the same --storage) share everything: archive policies, ' +
    'rules, resource types, resources, metrics and measures. No server keeps any of it between requests (no ' +
    'cache to invalidate), so a change made through one, such as an archive policy’s retention, is what every ' +
    'server applies from its next request. A write locks its metric’s row and reads the metric’s policy in ' +
    'the same transaction; changes to a resource’s metrics take an advisory lock of the database that the ' +
    'servers hold in turn, so two servers adding metrics to one resource at once neither create a name twice ' +
    'nor lose an acknowledged metric (a server that dies holding the lock releases it with its connection). ' +
    'Aggregates are stored in splits, as Gnocchi does: a row per metric, granularity, method and 3,600 ' +
    'periods, so a write rewrites only the splits it changed, and a split entirely past the retention is ' +
    'deleted. The tables carry a schema version: a server migrates an older database when it opens it (the ' +
    'whole-series blobs of version 1 become splits, in one transaction) and refuses a newer one.',
  positional: { name: 'serve', description: 'the action (serve is the only one)' },
  options: [
    {
      name: 'listen',
      kind: 'string',
      default: '127.0.0.1:8041',
      description: 'HTTP listen address host:port',
    },
    {
      name: 'data-dir',
      kind: 'string',
      default: '~/.local/share/soe/timeseries',
      description: 'data directory of the embedded store',
    },
    {
      name: 'storage',
      kind: 'string',
      default: '',
      description: 'postgres://… to use PostgreSQL; empty: the embedded store in --data-dir',
    },
    {
      name: 'auth',
      kind: 'string',
      default: 'basic',
      description:
        'authentication: basic (a user name, no password) or none (for loopback or a trusted network)',
    },
    {
      name: 'heap-growing-percent',
      kind: 'integer',
      default: 25,
      description:
        'how much the JavaScript heap may grow past its live size before a full collection (V8’s ' +
        '--heap-growing-percent; 0: V8’s own heuristics). The default keeps the peak memory of Gnocchi’s heavy ' +
        'ingest workload about 40% lower (about 280 against 470 MiB) for about 10% of its throughput',
    },
    {
      name: 'max-body-size',
      kind: 'integer',
      default: 8 * 1024 * 1024,
      description:
        'largest request body in bytes, refused with 413 beyond, before it is read (8 MiB: half as much again ' +
        'as the 100,000-measure batches of Gnocchi’s heavy ingest workload; taking in a body holds every ' +
        'client back about 90 ms per MB)',
    },
  ],
  async run(o) {
    const action = o.positionals[0] ?? 'serve';
    if (action !== 'serve') throw new Error(`Unknown action '${action}': the only action is serve`);
    const auth = o.auth;
    if (auth !== 'basic' && auth !== 'none')
      throw new Error(`Invalid --auth '${auth}': choose basic or none`);
    const growth = o['heap-growing-percent'];
    if (!Number.isInteger(growth) || growth < 0)
      throw new Error(`Invalid --heap-growing-percent '${growth}': a non-negative integer`);
    if (growth > 0) setFlagsFromString(`--heap-growing-percent=${growth}`);
    const maxBodySize = o['max-body-size'];
    if (!Number.isInteger(maxBodySize) || maxBodySize < 1)
      throw new Error(`Invalid --max-body-size '${maxBodySize}': a positive number of bytes`);
    let location = o.storage;
    if (location === '') {
      location = o['data-dir'].replace(/^~(?=\/|$)/, homedir());
      mkdirSync(location, { recursive: true });
    }
    // Loaded here, not at start-up: the other commands need neither fastify nor the storage drivers.
    const [{ openStore }, { startTimeseriesServer }] = await Promise.all([
      import('../timeseries/store-drivers.js'),
      import('../timeseries/api/serve.js'),
    ]);
    const store = await openStore(location);
    try {
      const server = await startTimeseriesServer({ listen: o.listen, store, auth, maxBodySize });
      log.info(`timeseries service listening on ${server.url}, storage ${location}`);
      const signal = await untilSignal();
      log.info(`${signal} received, shutting down`);
      await server.close();
      return 0;
    } finally {
      await store.close();
    }
  },
});
