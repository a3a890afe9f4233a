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
    'they created; for loopback or a trusted network), users (user names with their passwords, or bearer ' +
    'tokens, from --users-file, whose lines the user add and token add actions make) or none (every caller is ' +
    '`admin`). Without users, listening on an address other than loopback is refused unless ' +
    '--allow-insecure-listen is given. A request whose Host header is not a name of the server, or one that ' +
    'could change something sent by a page of another origin, gets a 403 (DNS rebinding, cross-site ' +
    'requests). Prometheus metrics are at /metrics. A web GUI of the COVID-19 Italy data (loaded by soe ' +
    'covid produce) is at /ui/, where a browser opening / is sent: without auth it opens straight on the map ' +
    '(npm start runs the service so, on loopback); under basic auth it first asks for a user name and says ' +
    'what to enter: `admin` to see all the data (the producer loads it as admin unless given another --user), ' +
    'no password; under users auth a user name and its password.\n\n' +
    'Limits, the same on both stores: timestamps from 1970-01-01T00:00:00 to 2262-04-11T23:47:16 UTC ' +
    '(Gnocchi’s range, numpy’s datetime64[ns]; a boolean is not a timestamp); names (archive policies, rules ' +
    'and their metric_pattern, metrics, resource types, user_id, project_id, like patterns, metric names and ' +
    'globs in /v1/aggregates) at most 255 characters, as Gnocchi’s columns (a unit at most 31); NUL refused ' +
    'anywhere in a body, a URL or a user name; bodies, search filters and operations strings nested at most 100 levels; ' +
    'search filters (resources, measures) of at most 1000 conditions (an in of any length is one). ' +
    'Each is a 400 naming the field. A body over --max-body-size is refused with 413 from its ' +
    'Content-Length, before it is read. An aggregation (/v1/aggregation/…, /v1/aggregates) over more metrics ' +
    'than --max-aggregation-metrics is a 400 naming the option, before any measure is read; its rolling ' +
    'windows read at most 25,000,000 values in all (a window of w over n points reads (n - w + 1) × w per ' +
    'series; 400 Rolling window too large beyond). A batch of measures creating more metrics than ' +
    '--max-batch-new-metrics is a 400 naming the option, before any is created; its measures are bounded by ' +
    '--max-body-size alone (at most about 310,000 in 8 MiB). The keys of a batch (its metric ids, or its ' +
    'resources and their metrics) are looked up in bulk, 10,000 ids a query on PostgreSQL, as Gnocchi does: ' +
    '200,000 resource keys take 1.9 s on PostgreSQL (20.5 s when they were looked up one by one) and 1.5 s ' +
    'embedded, 100,000 unknown metric ids 0.7 s (9.5 s) and 0.6 s. Its 400 Unknown metrics lists the first ' +
    '1000 of them, sorted, then `... (N in all, the first 1000 listed)`, where Gnocchi lists them all (100,000 ' +
    'made a 3.8 MB answer). like searches and metric-name globs match in at most (name + 1) × ' +
    '(pattern + 1) steps, never through a backtracking regular expression. A NaN or infinite result (a sum ' +
    'that overflows, a fill=null gap) is written null, where Gnocchi writes bare NaN/Infinity tokens that ' +
    'JSON parsers refuse. A journal record that cannot be replayed at start (one an older version accepted, ' +
    'such as a timestamp of 1e303) is kept aside in quarantine.log in --data-dir, logged and counted as ' +
    'quarantined_records in /v1/status, and the server starts.\n\n' +
    'Several servers on one PostgreSQL database (the same --storage) share everything: archive policies, ' +
    'rules, resource types, resources, metrics and measures. No server keeps any of it between requests (no ' +
    'cache to invalidate), so a change made through one, such as an archive policy’s retention, is what every ' +
    'server applies from its next request. A write reads its metric’s policy and state as committed and ' +
    'commits only if no other write to that metric committed in between (else it reads again; after three ' +
    'tries it locks the metric’s row first); changes to a resource’s metrics take an advisory lock of the ' +
    'database that the servers hold in turn, so two servers adding metrics to one resource at once neither ' +
    'create a name twice ' +
    'nor lose an acknowledged metric (a server that dies holding the lock releases it with its connection). ' +
    'Aggregates are stored in splits, as Gnocchi does: a row per metric, granularity, method and 3,600 ' +
    'periods, so a write rewrites only the splits it changed, and a split entirely past the retention is ' +
    'deleted. The tables carry a schema version: a server migrates an older database when it opens it (the ' +
    'whole-series blobs of version 1 become splits, in one transaction) and refuses a newer one.',
  reference: `
## Authentication

| \`--auth\` | who the caller is | for |
|---|---|---|
| \`basic\` (default) | Gnocchi's basic mode, unchanged: the user name of \`Authorization: Basic\`, **the password is not checked**; the user named \`admin\` is the administrator | loopback or a trusted network; gnocchiclient's \`gnocchi-basic\` plugin and Gnocchi's own tests |
| \`users\` | a user of \`--users-file\` whose password (HTTP Basic) or token (\`Authorization: Bearer <token>\`, or \`X-Auth-Token: <token>\` as OpenStack clients send it) is checked; administrators are the users of role \`admin\` | any network |
| \`none\` | everyone is the administrator (named after the Basic user if one is sent, else \`admin\`) | loopback, a single-user machine |

An administrator sees and changes everything (and reads \`/v1/status\`); any other user only what it created.

**The users file** (\`--users-file\`, read at start) has one credential a line, four fields separated by blanks;
blank lines and lines starting with \`#\` are ignored:

\`\`\`
# NAME   ROLE   KIND      HASH
alice    admin  password  scrypt$16384$8$1$<salt>$<key>
bob      user   password  scrypt$16384$8$1$<salt>$<key>
bob      user   token     sha256$<64 hexadecimal digits>
\`\`\`

- NAME: 1 to 255 characters, no blank, no \`:\` (HTTP Basic ends the user name at the first colon), no control
  character. It is the \`creator\` of what the user makes.
- ROLE: \`admin\` or \`user\`, the same on every line of a user.
- \`password\`: at most one a user; scrypt (N = 2^14, r = 8, p = 1, 16 MiB), a random 16-byte salt of its own and a
  32-byte key, both in unpadded base64url. Other N (a power of two from 2^10 to 2^20), r (≤ 32) and p (≤ 16) are
  read too, up to 256 MiB.
- \`token\`: any number a user; the SHA-256 of the token (a token is 256 random bits, so a fast hash is enough
  and a token is found by its hash).

A mistake stops the server with the file and line named. Make the lines with:

\`\`\`
printf '%s\\n' "$PASSWORD" | soe timeseries user add alice --admin --users-file users   # appends the line
printf '%s\\n' "$PASSWORD" | soe timeseries user add bob                                 # prints it instead
soe timeseries token add bob --users-file users    # appends the hash, prints the token (shown once)
soe timeseries serve --auth users --users-file users --listen :8041
\`\`\`

\`user add\` reads the password from the first line of standard input; a user already in the file keeps its
role (\`--admin\` must agree) and its one password (remove its line to change it). A new file is created
readable by its owner only.

Checking: a password costs a scrypt in Node's thread pool (tens of milliseconds), at most 2 at a time (the
journal's file operations share the pool), with at most 64 more waiting; beyond, 503. A password that matched
is remembered (an HMAC of name and password under a key of the process, the last 1,024), so a client sending it
with every request pays once. An unknown user costs a scrypt as a known one does. Secrets are compared in
constant time.

A refused request is a 401 with Gnocchi's envelope saying why (\`Authentication required: …\`,
\`Wrong user name or password\`, \`Unknown token\`) and the challenges
\`WWW-Authenticate: Basic realm="soe-timeseries", charset="UTF-8"\` and \`Bearer realm="soe-timeseries"\` (with
\`error="invalid_token"\` for a token not known). A request carrying \`X-Requested-With\` (the web GUI's) gets no
challenge, so that the browser opens no dialog of its own over the GUI's sign-in form.

gnocchiclient (\`/usr/bin/gnocchi\`) under \`--auth users\`: \`OS_AUTH_TYPE=http_basic OS_USERNAME=alice
OS_PASSWORD=… gnocchi --endpoint URL …\` (keystoneauth's HTTP Basic with the password), or
\`OS_AUTH_TYPE=admin_token OS_TOKEN=soe_… gnocchi --endpoint URL …\` (a token). Its \`gnocchi-basic\` plugin sends
no password, so it is refused there; it is the plugin of \`--auth basic\`.

The COVID producer (\`soe covid produce\`, and the one \`soe up\` starts) signs in under \`--auth users\` with
the token in the environment variable \`SOE_TIMESERIES_TOKEN\`, or as \`--user\` with the password in
\`SOE_TIMESERIES_PASSWORD\`.

## Listening beyond loopback

With \`--auth basic\` or \`--auth none\`, anyone who reaches the server can be administrator. So \`--listen\` on an
address other than loopback (\`localhost\`, 127.0.0.0/8, \`[::1]\`) — \`:8041\`, \`0.0.0.0:8041\`, \`[::]:8041\`, a
host name or another address — is refused at start, naming the options:

\`\`\`
--listen :8041 is every interface, and with --auth basic the password is not checked, anyone who sends the user name admin is admin: use --auth users with --users-file, listen on loopback (127.0.0.1:PORT), or give --allow-insecure-listen on a trusted network
\`\`\`

\`--allow-insecure-listen\` starts it anyway, with a warning in the log. \`--auth users\` listens anywhere. The
default \`--listen 127.0.0.1:8041\`, \`soe up\` topologies and \`npm start\` listen on loopback.

## Host and Origin checks

Every request is checked before anything else, whatever \`--auth\`:

- **Host** (DNS rebinding: a page of \`evil.example\`, whose name is then pointed at 127.0.0.1, would talk to the
  server as same-origin): the host name of the \`Host\` header (port aside, case and a final dot ignored) must be
  \`localhost\`, \`127.0.0.1\`, \`[::1]\`, the \`--listen\` host (for \`:PORT\`, \`0.0.0.0\` or \`[::]\`: this machine's host
  name and the addresses of its interfaces) or one of \`--allowed-hosts\` (comma-separated; \`*\` turns the check
  off, e.g. behind a proxy that rewrites Host). Otherwise **403**,
  \`Host 'evil.example:8041' is not a name of this server: add it to --allowed-hosts to serve it\`. A request
  without Host (HTTP/1.0) passes.
- **Origin** (cross-site requests: a page may post a form or a simple fetch, with the browser's credentials,
  without a CORS preflight): a request with a method that may change something (anything but GET, HEAD and
  OPTIONS) carrying an \`Origin\` whose host and port are not those of its \`Host\` (scheme aside: a TLS proxy may
  stand in front; \`Origin: null\` too) is refused with **403**,
  \`Origin 'http://evil.example' is not this server's: a page of another site may not change anything here\`.
  The server sends no CORS headers, so another origin cannot read answers either.

API clients (gnocchiclient, curl, the COVID producer) send the server's name as Host and no Origin; the web GUI is
served by the server itself, so its requests are same-origin.

## Durability of the embedded store

Every change (measures, and index changes: policies, rules, metrics, resource types, resources) is one record of
the journal (\`journal-NNNNNNNNNN.log\` in \`--data-dir\`, CRC-framed) and is answered only once fdatasync'ed; it is
applied in memory after that and before the answer, so what a client was told is stored is exactly what a restart
(clean, or after kill -9) finds. A resource created with metrics is one record: after a crash both exist or neither.

- **Disk full**: a write the journal cannot take is answered **507 Insufficient Storage**, any other disk error
  **500**, with Gnocchi's error body naming the system error
  (\`{"cause": "Insufficient storage", "reason": "The change could not be written to the journal, nothing of it was
  applied: ENOSPC: no space left on device, write", "detail": "ENOSPC"}\`). Nothing of that write is applied or
  replayed later: the segment is cut back to its last durable byte. When space returns, the next write succeeds,
  without a restart.
- **Checkpoints** (every 2 s while there are changes) write each changed series and the index to temporary files,
  fsync them, rename them, fsync their directories, and only then delete the journal segments they cover. A
  checkpoint that fails (ENOSPC, EIO) deletes nothing and keeps what it should have written for the next one; it is
  logged and counted.
- **Segments** are switched between two writes: each write is synced in the file it went to, and a new segment's
  directory entry is synced before anything is written to it.
- **Corruption**: at start, a record that is torn or garbled in the middle of a segment is skipped, logged (segment
  and offset) and counted, and the intact records after it are replayed (found by their framing: length, kind,
  CRC-32); bytes after the last intact record of a segment are a write torn by a crash and are ignored. A record
  that is intact but cannot be applied is kept aside in \`quarantine.log\`.

## \`/v1/status\`

Administrators only. As Gnocchi's, plus fields of ours; the field names are stable. \`storage.summary\`:
\`metrics\` (metrics with measures waiting to be aggregated), \`measures\` (measures waiting), \`rejected_measures\`
(measures refused as older than their back window, since start), \`quarantined_records\` (journal records kept aside,
over every start). \`journal\`, beside \`storage\` (the embedded store; \`null\` on PostgreSQL), counters since start:

| field | what |
|---|---|
| \`segments\` | journal segment files on disk, the one being written included |
| \`bytes\` | bytes in them |
| \`last_checkpoint\` | when the last checkpoint succeeded (ISO 8601, UTC), \`null\` if none has |
| \`checkpoint_failures\` | checkpoints that failed |
| \`last_checkpoint_error\` | the last one's error (\`ENOSPC: no space left on device, write\`), or \`null\` |
| \`write_failures\` | journal writes that failed (their requests were answered 507 or 500) |
| \`last_write_error\` | the last one's error, or \`null\` |
| \`corrupt_records\` | records found corrupt in the middle of a segment at start |
| \`skipped_bytes\` | bytes skipped past them |

\`/metrics\` reports the same figures (one function, the store's \`status()\`, feeds both).

## Prometheus metrics

\`GET /metrics\` answers the text exposition format 0.0.4 (\`text/plain; version=0.0.4; charset=utf-8\`). By default
(\`--metrics-auth admin\`) it takes an administrator's credentials, like \`/v1/status\` (a Prometheus scrape job sets
\`basic_auth\` or \`authorization: {credentials: <token>}\`); \`--metrics-auth none\` serves it to anyone who reaches
the server (still subject to the Host check). Counters are since the server started.

| metric | type | what |
|---|---|---|
| \`soe_timeseries_http_requests_total{method,route,status}\` | counter | requests answered; \`route\` is the path pattern (\`/v1/metric/:id/measures\`), \`(unmatched)\` when no route matched |
| \`soe_timeseries_measure_writes_rejected_total{reason}\` | counter | requests posting measures refused: \`back_window\`, \`unparsable_timestamp\`, \`before_epoch\`, \`after_max_timestamp\`, \`format\`, \`value\`, \`other\` (another 400), \`body_too_large\` (413) |
| \`soe_timeseries_metrics\` | gauge | metrics in the index |
| \`soe_timeseries_metrics_pending\` | gauge | metrics with measures waiting to be aggregated (\`/v1/status\` \`summary.metrics\`) |
| \`soe_timeseries_measures_pending\` | gauge | measures waiting to be aggregated (\`summary.measures\`) |
| \`soe_timeseries_measures_rejected_total{reason="back_window"}\` | counter | measures older than their metric's back window (\`summary.rejected_measures\`) |
| \`soe_timeseries_quarantined_records_total\` | counter | journal records kept aside at start (\`summary.quarantined_records\`) |
| \`soe_timeseries_journal_segments\` | gauge | journal segment files (embedded store only, as the \`journal_*\` below: \`journal\`) |
| \`soe_timeseries_journal_bytes\` | gauge | bytes in them |
| \`soe_timeseries_journal_last_checkpoint_timestamp_seconds\` | gauge | when the last checkpoint succeeded (0: none since start) |
| \`soe_timeseries_journal_checkpoint_failures_total\` | counter | checkpoints that failed |
| \`soe_timeseries_journal_write_failures_total\` | counter | journal writes that failed (answered 507 or 500) |
| \`soe_timeseries_journal_corrupt_records_total\` | counter | records found corrupt mid-segment at start |
| \`soe_timeseries_journal_skipped_bytes_total\` | counter | bytes skipped past them |
| \`process_resident_memory_bytes\`, \`process_start_time_seconds\` | gauge | the process's, as Prometheus client libraries name them |

The format is written by \`src/support/prometheus.ts\` (a registry of counters and gauges with labels), for any
component to reuse.

## Gnocchi's functional tests

Gnocchi 4.4.2's own gabbi files are vendored in \`test/gabbits/\` (Apache-2.0, see its NOTICE; one line changed:
http-proxy-to-wsgi.yaml expects the API at the root, not under \`/gnocchi\`). \`test/gnocchi-gabbi.test.ts\`
runs each against a fresh server started as Gnocchi's test fixture configures Gnocchi:

\`\`\`
soe timeseries serve --listen 127.0.0.1:0 --auth basic --api-max-limit 7 \\
  --cors-allowed-origin http://foobar.com --enable-proxy-headers-parsing --no-default-archive-policies
\`\`\`

and fails if a file passes fewer tests than \`test/gabbits/expected.json\` records; \`npm run gabbi:table\` prints
the per-file table, ours / Gnocchi's (\`--storage postgres://…\` runs each file on a new database of that server).
Besides, \`GET /healthcheck\` answers 200 \`OK\` without authentication, and \`OPTIONS\` on any API path answers
200 with \`Allow\`, as Gnocchi (oslo.middleware) does.

## InfluxDB line protocol (Telegraf)

The InfluxDB 1.x endpoints Gnocchi 4.4 serves under \`/v1/influxdb\`, for Telegraf and other InfluxDB writers:

- \`GET\` or \`HEAD /v1/influxdb/ping\`: 204 with \`X-Influxdb-Version: Gnocchi 4.4.2\`, without authentication.
- \`POST /v1/influxdb/query?q=CREATE DATABASE "<name>"\` (\`q\` may also come in a form body, as Telegraf sends
  it): creates the resource type \`<name>\` if missing (administrators only), 204. Any other query is 501
  \`Query not implemented\`.
- \`POST /v1/influxdb/write?db=<name>\` (default \`influxdb\`), a body of lines
  \`measurement[,tag=value...] field=value[,field=value...] [timestamp]\`, 204. Each line's resource is the value
  of its tag \`host\` (or of the tag the header \`X-Gnocchi-InfluxDB-Tag-Resource-ID\` names), a resource of type
  \`<name>\` (which must exist: 404) whose id comes from that value as for any resource name (one per user);
  each field becomes the metric \`<measurement>.<field>@<tag>=<value>,...\` (the other tags, sorted; no \`@\`
  without other tags; \`/\` replaced by \`_\`), created with the policy the archive policy rules give its name
  (none matching: 400). Integer (\`12i\`) and float values are measures; string values are skipped; a line
  without timestamp takes the time of the request. A line Gnocchi's grammar cannot read is 400
  \`Unable to parse line N\`; a line without the tag, 400 \`Unable to find key \`host' in tags\`.

Beyond Gnocchi: boolean values (\`true\`, \`F\`...) are measures 1 and 0 (Gnocchi refuses the line);
\`precision=n|ns|u|us|ms|s|m|h\` sets the unit of timestamps (Gnocchi reads nanoseconds whatever it says);
\`Content-Encoding: gzip\` bodies (Telegraf's default) are read; chunked bodies are read (Gnocchi outside uwsgi
answers 501). A tag value that cannot be a resource id, an infinite value and a timestamp after 2262 are 400s
(500s in Gnocchi). A body of more than 100,000 lines or 500,000 values, or over 32 MiB once gunzipped, is 413.

\`\`\`toml
# telegraf.conf; create the database once (Telegraf's own attempt gets Gnocchi's 204 where it expects a
# 200 with JSON, and logs a warning):
#   curl -u admin: --data-urlencode 'q=CREATE DATABASE "telegraf"' http://127.0.0.1:8041/v1/influxdb/query
[[outputs.influxdb]]
  urls = ["http://127.0.0.1:8041/v1/influxdb"]
  database = "telegraf"
  skip_database_creation = true
  username = "admin"   # --auth basic: the user name is the identity (with --auth users, a real password)
  password = ""
\`\`\`

## Prometheus remote write

\`POST /v1/prometheus/write\` takes what a Prometheus server sends to a \`remote_write\` URL (remote write 1.0: a
snappy block of a protobuf \`WriteRequest\`), 202, as Gnocchi 4.4 does. Each series' resource is
\`<job>@<instance>\` (\`none\` for a missing label) of type \`prometheus\`, which the first write creates with the
string attributes \`job\` and \`instance\` (so that write must come from an administrator: 403 otherwise), and
its metric is the series' \`__name__\`, created with the policy the archive policy rules give it. Other labels
are not kept: series that differ only in them write to one metric, the later one's samples replacing the
earlier's. Samples whose value is NaN or infinite (Prometheus's staleness markers) are skipped, as the store
keeps finite values only. A body that is not a snappy block or a \`WriteRequest\`, or a series with samples and
no \`__name__\`, is 400 (500s in Gnocchi); one that declares more than 32 MiB decompressed (refused before
decompressing) or holds more than 500,000 samples is 413, a series of more than 1,000 labels 400.

\`\`\`yaml
# prometheus.yml
remote_write:
  - url: http://127.0.0.1:8041/v1/prometheus/write
    protobuf_message: prometheus.WriteRequest   # Prometheus 3 (its default); leave out on Prometheus 2
    basic_auth:
      username: admin   # --auth basic: the user name is the identity
      password: ""
\`\`\`
`,
  positional: {
    name: 'serve | user add NAME | token add NAME',
    description:
      'the action: serve (the default) runs the service; user add NAME reads a password from the first line ' +
      'of standard input and prints the users-file line of NAME with its scrypt hash (or appends it to ' +
      '--users-file); token add NAME makes a bearer token of NAME, appends its hash to --users-file and ' +
      'prints the token (shown once). With --admin the user is an administrator',
  },
  positionals: 3,
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
        'authentication: basic (Gnocchi’s: a user name, the password is not checked), users (passwords and ' +
        'bearer tokens checked against --users-file) or none (every caller is admin); basic and none are for ' +
        'loopback or a trusted network',
    },
    {
      name: 'users-file',
      kind: 'string',
      default: '',
      description:
        'the users of --auth users: one credential a line, NAME ROLE KIND HASH (docs/timeseries.md, Authentication); ' +
        'read at start. Also the file user add and token add append to',
    },
    {
      name: 'admin',
      kind: 'flag',
      description: 'user add, token add: the user is an administrator (role admin; else role user)',
    },
    {
      name: 'allow-insecure-listen',
      kind: 'flag',
      description:
        'listen on an address other than loopback (such as :8041 or 0.0.0.0:8041) with --auth basic or none, ' +
        'which is refused otherwise (anyone who reaches it can be admin); logs a warning',
    },
    {
      name: 'allowed-hosts',
      kind: 'string',
      default: '',
      description:
        'more host names that Host headers may carry, comma-separated (* for any), besides localhost, ' +
        '127.0.0.1, [::1] and the --listen host (for :PORT or 0.0.0.0, this machine’s name and addresses); a ' +
        'request for another name is refused with 403',
    },
    {
      name: 'metrics-auth',
      kind: 'string',
      default: 'admin',
      description:
        'who may read the Prometheus metrics at /metrics: admin (an administrator of --auth, as for ' +
        '/v1/status; a scraper sends its credentials) or none (anyone who reaches the server)',
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
    {
      name: 'max-concurrent-body-size',
      kind: 'integer',
      default: 256 * 1024 * 1024,
      description:
        'bytes of request bodies received at once over all connections (their Content-Length); a request ' +
        'that would pass it gets 503 before its body is read (256 MiB: 32 bodies of the default ' +
        '--max-body-size)',
    },
    {
      name: 'request-timeout-ms',
      kind: 'integer',
      default: 60_000,
      description:
        'longest a request may take to arrive, headers and body, in ms; a slower one gets 408 and its ' +
        'connection is closed (checked every second), so slow senders cannot hold connections open forever',
    },
    {
      name: 'api-max-limit',
      kind: 'integer',
      default: 1000,
      description:
        'default and largest page size of lists (metrics, resources, searches), as Gnocchi’s [api] max_limit',
    },
    {
      name: 'max-aggregation-metrics',
      kind: 'integer',
      default: 1000,
      description:
        'most metrics one aggregation reads (/v1/aggregation/…, /v1/aggregates: the ids it names, or the ' +
        'metrics its search and globs match) and most metric references its operations name; more is a 400 ' +
        'naming this option, before any measure is read (Gnocchi has no bound)',
    },
    {
      name: 'max-batch-new-metrics',
      kind: 'integer',
      default: 1000,
      description:
        'most metrics one batch of measures may create (/v1/batch/resources/metrics/measures?create_metrics=true, ' +
        'all its resources together); more is a 400 naming this option, before any metric is created or ' +
        'measure written (Gnocchi has no bound; 1000 take about 0.4 s on the embedded store, 1.1 s on ' +
        'PostgreSQL, and 100,000 held one request over 20 s)',
    },
    {
      name: 'cors-allowed-origin',
      kind: 'string',
      default: '',
      description:
        'origins (scheme://host[:port], comma-separated) whose pages may call the API: CORS preflights from ' +
        'them are answered and their requests get Access-Control-Allow-Origin, as Gnocchi’s [cors] ' +
        'allowed_origin; empty: none',
    },
    {
      name: 'enable-proxy-headers-parsing',
      kind: 'flag',
      description:
        'build the URLs of replies (links, Location) from the Forwarded or X-Forwarded-Proto/-Host/-Prefix ' +
        'headers of a reverse proxy, as Gnocchi’s [api] enable_proxy_headers_parsing; only behind a proxy ' +
        'that sets them',
    },
    {
      name: 'no-default-archive-policies',
      kind: 'flag',
      description:
        'do not create the archive policies bool, low, medium, high and the rule default in a fresh store ' +
        '(gnocchi-upgrade --skip-archive-policies-creation)',
    },
    {
      name: 'influxdb-limits',
      kind: 'string',
      default: '',
      description:
        'bounds of an InfluxDB write (/v1/influxdb/write), refused with 413 beyond: lines=N (100000), ' +
        'values=N (500000, all lines together), decompressed-bytes=N (33554432, a gzip body once inflated), ' +
        'metrics=N (10000 distinct metrics, each of which a write may create)',
    },
    {
      name: 'remote-write-limits',
      kind: 'string',
      default: '',
      description:
        'bounds of a Prometheus remote write (/v1/prometheus/write): decompressed-bytes=N (33554432, checked ' +
        'against the snappy header before inflating; 413), samples=N (500000; 413), labels=N (1000 a series; 400), ' +
        'series=N (10000 series with samples; 413)',
    },
  ],
  async run(o) {
    const [action = 'serve', sub, name, ...rest] = o.positionals;
    if (action === 'user' || action === 'token') {
      if (sub !== 'add' || name === undefined || rest.length > 0)
        throw new Error(`Usage: soe timeseries ${action} add NAME [--admin] [--users-file FILE]`);
      const { addToken, addUser } = await import('./timeseries-credentials.js');
      const credential = { name, admin: o.admin, usersFile: o['users-file'] };
      const out = action === 'user' ? await addUser(credential, process.stdin) : await addToken(credential);
      process.stdout.write(out);
      return 0;
    }
    if (action !== 'serve' || sub !== undefined)
      throw new Error(`Unknown action '${o.positionals.join(' ')}': serve, user add NAME or token add NAME`);
    const auth = o.auth;
    if (auth !== 'basic' && auth !== 'none' && auth !== 'users')
      throw new Error(`Invalid --auth '${auth}': choose basic, users or none`);
    const usersFile = o['users-file'];
    if (auth === 'users' && usersFile === '') throw new Error('--auth users needs --users-file');
    if (auth !== 'users' && usersFile !== '')
      throw new Error(`--users-file is read only with --auth users (not --auth ${auth})`);
    const metricsAuth = o['metrics-auth'];
    if (metricsAuth !== 'admin' && metricsAuth !== 'none')
      throw new Error(`Invalid --metrics-auth '${metricsAuth}': choose admin or none`);
    const allowedHosts = o['allowed-hosts']
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    const growth = o['heap-growing-percent'];
    if (!Number.isInteger(growth) || growth < 0)
      throw new Error(`Invalid --heap-growing-percent '${growth}': a non-negative integer`);
    if (growth > 0) setFlagsFromString(`--heap-growing-percent=${growth}`);
    const maxBodySize = o['max-body-size'];
    if (!Number.isInteger(maxBodySize) || maxBodySize < 1)
      throw new Error(`Invalid --max-body-size '${maxBodySize}': a positive number of bytes`);
    const maxConcurrentBodySize = o['max-concurrent-body-size'];
    if (!Number.isInteger(maxConcurrentBodySize) || maxConcurrentBodySize < 1)
      throw new Error(
        `Invalid --max-concurrent-body-size '${maxConcurrentBodySize}': a positive number of bytes`,
      );
    const requestTimeoutMs = o['request-timeout-ms'];
    if (!Number.isInteger(requestTimeoutMs) || requestTimeoutMs < 1)
      throw new Error(`Invalid --request-timeout-ms '${requestTimeoutMs}': a positive number of ms`);
    const maxLimit = o['api-max-limit'];
    if (!Number.isInteger(maxLimit) || maxLimit < 1)
      throw new Error(`Invalid --api-max-limit '${maxLimit}': a positive number of items`);
    const maxAggregationMetrics = o['max-aggregation-metrics'];
    if (!Number.isInteger(maxAggregationMetrics) || maxAggregationMetrics < 1)
      throw new Error(
        `Invalid --max-aggregation-metrics '${maxAggregationMetrics}': a positive number of metrics`,
      );
    const maxBatchNewMetrics = o['max-batch-new-metrics'];
    if (!Number.isInteger(maxBatchNewMetrics) || maxBatchNewMetrics < 1)
      throw new Error(
        `Invalid --max-batch-new-metrics '${maxBatchNewMetrics}': a positive number of metrics`,
      );
    const corsAllowedOrigins = o['cors-allowed-origin']
      .split(',')
      .map((h) => h.trim())
      .filter((h) => h !== '');
    for (const origin of corsAllowedOrigins) {
      if (!/^https?:\/\/[^/?#\s]+$/.test(origin))
        throw new Error(
          `Invalid --cors-allowed-origin '${origin}': scheme://host[:port], such as http://example.com`,
        );
    }
    // Loaded here, not at start-up: the other commands need neither fastify nor the storage drivers.
    const { parseInfluxdbLimits, parseRemoteWriteLimits } =
      await import('../timeseries/api/ingest-limits.js');
    const influxdbLimits = parseInfluxdbLimits(o['influxdb-limits']);
    const remoteWriteLimits = parseRemoteWriteLimits(o['remote-write-limits']);
    const [
      { openStore },
      { startTimeseriesServer, parseListen },
      { insecureListenProblem },
      { UserDirectory },
    ] = await Promise.all([
      import('../timeseries/store-drivers.js'),
      import('../timeseries/api/serve.js'),
      import('../timeseries/api/listen-guard.js'),
      import('../timeseries/api/user-directory.js'),
    ]);
    const insecure = insecureListenProblem(o.listen, parseListen(o.listen).host, auth);
    if (insecure !== undefined && !o['allow-insecure-listen']) throw new Error(insecure);
    if (insecure !== undefined)
      log.warn(
        `--allow-insecure-listen: --listen ${o.listen} with --auth ${auth}, anyone who reaches it can be admin`,
      );
    let users: InstanceType<typeof UserDirectory> | undefined;
    if (auth === 'users') {
      users = await UserDirectory.load(usersFile);
      if (users.size === 0)
        throw new Error(`${usersFile} has no users: add some with soe timeseries user add`);
    }
    let location = o.storage;
    if (location === '') {
      location = o['data-dir'].replace(/^~(?=\/|$)/, homedir());
      mkdirSync(location, { recursive: true });
    }
    const store = await openStore(location);
    try {
      const server = await startTimeseriesServer({
        listen: o.listen,
        store,
        auth,
        ...(users !== undefined ? { users } : {}),
        allowInsecureListen: o['allow-insecure-listen'],
        allowedHosts,
        metricsAuth,
        maxBodySize,
        maxConcurrentBodySize,
        requestTimeoutMs,
        maxLimit,
        maxAggregationMetrics,
        maxBatchNewMetrics,
        corsAllowedOrigins,
        proxyHeaders: o['enable-proxy-headers-parsing'],
        noDefaultArchivePolicies: o['no-default-archive-policies'],
        influxdbLimits,
        remoteWriteLimits,
      });
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
