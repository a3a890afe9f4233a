/**
 * InfluxDB 1.x compatibility, as Gnocchi 4.4 serves it (`gnocchi/rest/influxdb.py`), for Telegraf and other
 * InfluxDB writers:
 * - `GET|HEAD /v1/influxdb/ping`: 204 with `X-Influxdb-Version: Gnocchi 4.4.2`, without authentication.
 * - `POST /v1/influxdb/query?q=create database <name>` (`q` also in a form body, as Telegraf sends it): creates
 *   the resource type `<name>` (administrators only) if missing, 204; any other query is 501.
 * - `POST /v1/influxdb/write?db=<name>` (default `influxdb`): line protocol (influx-line-protocol.ts). Each
 *   line's resource is the value of its tag `host` (or of the tag the header
 *   `X-Gnocchi-InfluxDB-Tag-Resource-ID` names), a resource of type `<name>` (which must exist: 404);
 *   each numeric field becomes the metric `<measurement>.<field>@<tag>=<value>,...` (the other tags sorted,
 *   `@...` only with other tags, `/` replaced by `_`) with the policy of the archive policy rules; string
 *   fields are skipped; lines without timestamp take the time of the request. 204.
 * Extensions (Gnocchi refuses or ignores these): boolean field values (1 and 0), `precision=n|ns|u|us|ms|s|m|h`
 * (Gnocchi reads every timestamp as nanoseconds), `Content-Encoding: gzip` (Telegraf's default). Refused
 * with 400 where Gnocchi fails with 500: a tag value that cannot be a resource id (`/`, > 255 characters),
 * a value too large for a float, a timestamp after 2262; bodies over the limits get 413.
 */
import { gunzipSync } from 'node:zlib';
import { TimeseriesError } from '../errors.js';
import {
  LineParseError,
  lineTimestampSeconds,
  parseLines,
  PRECISIONS,
  quoted,
  TooManyLinesError,
  type NumberedPoint,
} from '../influx-line-protocol.js';
import type { Measure } from '../model.js';
import { roundToMicroseconds } from '../timestamp.js';
import type { Mutex } from '../../support/mutex.js';
import { currentUser, requireAdmin } from './auth.js';
import { ingestMeasures, type IngestTarget } from './ingest-resources.js';
import { contentMediaType, rawBody, sendJson, sendNoContent } from './http.js';
import { queryOf, queryParam } from './params.js';
import { GNOCCHI_BUILD } from './routes-root.js';
import type { ApiRouter } from './routing.js';

/** Limits on one write. */
export interface InfluxdbLimits {
  /** Most lines in a body. */
  maxLines: number;
  /** Most field values in a body, all lines together. */
  maxValues: number;
  /** Largest size of a gzip body once decompressed, in bytes. */
  maxDecompressedBytes: number;
  /** Most distinct metrics (resource and metric name) in a body: each may be created, a costly step. */
  maxMetrics: number;
}

/**
 * Defaults: 100,000 lines, 500,000 values (Telegraf sends 1,000 lines), 32 MiB decompressed, 10,000
 * metrics.
 */
export const DEFAULT_INFLUXDB_LIMITS: InfluxdbLimits = {
  maxLines: 100_000,
  maxValues: 500_000,
  maxDecompressedBytes: 32 * 1024 * 1024,
  maxMetrics: 10_000,
};

/** The tag naming the resource unless `X-Gnocchi-InfluxDB-Tag-Resource-ID` says otherwise. */
export const DEFAULT_TAG_RESOURCE_ID = 'host';

/** The header naming the tag that holds the resource. */
export const TAG_RESOURCE_ID_HEADER = 'x-gnocchi-influxdb-tag-resource-id';

function valueError(detail: string, reason: string): TimeseriesError {
  return new TimeseriesError(400, { cause: 'Value error', detail, reason });
}

/**
 * Compares by code point, as Python sorts strings, without allocating: at the first differing UTF-16 unit,
 * surrogates (U+D800–U+DFFF, which encode code points past U+FFFF) sort after U+E000–U+FFFF.
 */
export function byCodePoint(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x !== y) return codePointRank(x) - codePointRank(y);
  }
  return a.length - b.length;
}

function codePointRank(unit: number): number {
  if (unit >= 0xe000) return unit - 0x800;
  if (unit >= 0xd800) return unit + 0x2000;
  return unit;
}

/** The body's bytes, gunzipped when `Content-Encoding: gzip` (bounded); 415 for another encoding. */
function bodyBytes(body: Buffer, encoding: string | undefined, maxBytes: number): Buffer {
  const coding = (encoding ?? '').trim().toLowerCase();
  if (coding === '' || coding === 'identity') return body;
  if (coding !== 'gzip' && coding !== 'x-gzip') {
    throw new TimeseriesError(415, `Unsupported Content-Encoding ${encoding ?? ''}: use gzip or identity`);
  }
  try {
    return gunzipSync(body, { maxOutputLength: maxBytes });
  } catch (e) {
    if (e instanceof RangeError) {
      throw new TimeseriesError(413, `The body decompresses to more than the limit of ${maxBytes} bytes`);
    }
    throw new TimeseriesError(400, `Unable to decompress the gzip body: ${(e as Error).message}`);
  }
}

/**
 * Groups parsed lines by resource name, then metric name (Gnocchi's `resources[resource][metric]`), with
 * each line's timestamp (or `now`) in `nanosPerUnit`.
 */
export function groupLines(
  lines: Iterable<NumberedPoint>,
  tagResourceId: string,
  nanosPerUnit: bigint,
  now: number,
  maxValues: number,
  maxMetrics = Infinity,
): Map<string, Map<string, Measure[]>> {
  const resources = new Map<string, Map<string, Measure[]>>();
  let values = 0;
  let metricCount = 0;
  for (const { line, point } of lines) {
    let timestamp = now;
    if (point.timestamp !== null) {
      const seconds = lineTimestampSeconds(point.timestamp, nanosPerUnit);
      if (seconds === undefined) {
        throw valueError('line', `Unable to parse line ${line}: timestamp after 2262-04-11T23:47:16+00:00`);
      }
      timestamp = seconds;
    }
    const tags = new Map(point.tags);
    const resource = tags.get(tagResourceId);
    if (resource === undefined) throw valueError('key', `Unable to find key \`${tagResourceId}' in tags`);
    tags.delete(tagResourceId);
    const tagText =
      tags.size === 0
        ? ''
        : '@' +
          [...tags.keys()]
            .sort(byCodePoint)
            .map((k) => `${k}=${tags.get(k) ?? ''}`)
            .join(',');
    for (const [field, value] of point.fields) {
      if (value.kind === 'string') continue;
      if (!Number.isFinite(value.value)) {
        throw valueError(
          'line',
          `Unable to parse line ${line}: the value of field \`${field}' is not finite`,
        );
      }
      if (++values > maxValues) {
        throw new TimeseriesError(413, `The body has more than ${maxValues} field values`);
      }
      const name = `${point.measurement}.${field}${tagText}`.replaceAll('/', '_');
      // A resource only with a numeric field, as Gnocchi's defaultdict.
      let metrics = resources.get(resource);
      if (metrics === undefined) {
        metrics = new Map();
        resources.set(resource, metrics);
      }
      let measures = metrics.get(name);
      if (measures === undefined) {
        if (++metricCount > maxMetrics) {
          throw new TimeseriesError(413, `The body names more than ${maxMetrics} metrics`);
        }
        measures = [];
        metrics.set(name, measures);
      }
      measures.push({ timestamp, value: value.value });
    }
  }
  return resources;
}

/** Registers the InfluxDB routes; `mutex` serializes resource and metric creation. */
export function registerInfluxdbRoutes(
  router: ApiRouter,
  mutex: Mutex,
  limits: InfluxdbLimits = DEFAULT_INFLUXDB_LIMITS,
): void {
  const { store } = router;

  router.route(
    'GET',
    '/v1/influxdb/ping',
    async (_request, reply) =>
      reply.header('X-Influxdb-Version', `Gnocchi ${GNOCCHI_BUILD}`).code(204).send(),
    { public: true, noBody: true },
  );

  router.route(
    'POST',
    '/v1/influxdb/query',
    async (request, reply) => {
      let q = queryParam(queryOf(request), 'q');
      if (q === undefined && contentMediaType(request) === 'application/x-www-form-urlencoded') {
        q = new URLSearchParams(rawBody(request).toString('utf8')).get('q') ?? undefined;
      }
      if (q === undefined) return sendJson(reply, null);
      const name = createDatabaseName(q);
      if (name === undefined) {
        throw new TimeseriesError(501, {
          cause: 'Not implemented error',
          detail: 'q',
          reason: 'Query not implemented',
        });
      }
      requireAdmin(request);
      if (name === '' || name.includes('/')) throw valueError('q', `Invalid database name '${name}'`);
      if (name !== 'generic' && (await store.getResourceType(name)) === undefined) {
        await mutex.run(async () => {
          if ((await store.getResourceType(name)) === undefined) {
            await store.createResourceType({ name, state: 'active', attributes: {} });
          }
        });
      }
      return sendNoContent(reply);
    },
    { noBody: true },
  );

  router.route(
    'POST',
    '/v1/influxdb/write',
    async (request, reply) => {
      const user = currentUser(request);
      const query = queryOf(request);
      const db = queryParam(query, 'db') ?? 'influxdb';
      const precision = queryParam(query, 'precision') ?? 'ns';
      const nanosPerUnit = PRECISIONS.get(precision);
      if (nanosPerUnit === undefined) {
        throw TimeseriesError.argument('precision', `Must be one of ${[...PRECISIONS.keys()].join(', ')}`);
      }
      const header = request.headers[TAG_RESOURCE_ID_HEADER];
      const tagResourceId = (Array.isArray(header) ? header[0] : header) ?? DEFAULT_TAG_RESOURCE_ID;
      const encoding = request.headers['content-encoding'];
      const body = bodyBytes(rawBody(request), encoding, limits.maxDecompressedBytes);
      if (body.length === 0) return sendJson(reply, null);
      const now = roundToMicroseconds(Date.now() / 1000);
      let grouped: Map<string, Map<string, Measure[]>>;
      try {
        grouped = groupLines(
          parseLines(body, limits.maxLines),
          tagResourceId,
          nanosPerUnit,
          now,
          limits.maxValues,
          limits.maxMetrics,
        );
      } catch (e) {
        if (e instanceof LineParseError) throw valueError('line', e.message);
        if (e instanceof TooManyLinesError) throw new TimeseriesError(413, e.message);
        throw e;
      }
      const targets: IngestTarget[] = [...grouped].map(([originalId, metrics]) => ({
        originalId,
        attributes: {},
        metrics,
      }));
      await ingestMeasures(
        {
          store,
          mutex,
          user,
          resourceType: db,
          badResourceId: (id, reason) =>
            valueError('key', `Unable to use '${id}' of tag \`${tagResourceId}' as a resource id: ${reason}`),
        },
        targets,
      );
      return sendNoContent(reply);
    },
    { noBody: true },
  );
}

/**
 * The database name of an InfluxQL `create database <name>` (case-insensitive keywords, the name an
 * identifier `[A-Za-z_][A-Za-z0-9_]*` or `"quoted"`, whatever follows ignored, as Gnocchi's pyparsing
 * grammar reads it), or undefined for any other query.
 */
export function createDatabaseName(q: string): string | undefined {
  let i = skipSpace(q, 0);
  if (q.slice(i, i + 6).toUpperCase() !== 'CREATE') return undefined;
  i = skipSpace(q, i + 6);
  if (q.slice(i, i + 8).toUpperCase() !== 'DATABASE') return undefined;
  const afterKeyword = i + 8;
  i = skipSpace(q, afterKeyword);
  if (i === afterKeyword) return undefined;
  const text = quoted(q, i);
  if (text !== undefined) return text[0];
  return /^[A-Za-z_][A-Za-z0-9_]*/.exec(q.slice(i))?.[0];
}

function skipSpace(s: string, i: number): number {
  let j = i;
  while (j < s.length && ' \t\n\r'.includes(s[j] as string)) j++;
  return j;
}
