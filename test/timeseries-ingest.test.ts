// InfluxDB and Prometheus ingestion end to end (issue 21): a real `soe timeseries` server on port 0 over each
// store receives what Telegraf sends (its database creation, then a gzip batch of line protocol with its
// headers) and what a Prometheus server sends (a snappy block compressed by python3-snappy, the library Gnocchi
// itself uses, of a WriteRequest encoded by protobufjs; and Gnocchi's recorded Prometheus payload); the measures
// are read back over HTTP. Hostile bodies get a clear 400 or 413 and the server keeps answering.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import { startTimeseriesServer, type RunningTimeseriesServer } from '../src/timeseries/api/serve.js';
import { FileTimeseriesStore } from '../src/timeseries/store-file.js';
import { PostgresTimeseriesStore } from '../src/timeseries/store-postgres.js';
import { dropSchemas, PG_SKIP, TEST_PG } from '../src/timeseries/store-postgres.test-support.js';
import {
  encodeWriteRequest,
  pythonSnappyBlock,
  pythonSnappyMissing,
  snappyBlock,
} from '../src/timeseries/prometheus-remote-write.test-support.js';
import type { TimeseriesStore } from '../src/timeseries/store.js';

const FIXTURE = fileURLToPath(
  new URL(
    '../../test/gabbits/prometheus_fixtures/031b586e-ebe1-4737-812e-cf0ddf26f5ad.dump',
    import.meta.url,
  ),
);
const ADMIN = `Basic ${Buffer.from('admin:').toString('base64')}`;
const SCHEMA = `soe_ingest_${process.pid}`;

/** Snappy as Prometheus's Go library writes it: python3-snappy when installed, else @stablelib/snappy. */
const compress = pythonSnappyMissing() === false ? pythonSnappyBlock : snappyBlock;

const STORES: {
  name: string;
  skip: string | false;
  open(): Promise<{ store: TimeseriesStore; drop(): Promise<void> }>;
}[] = [
  {
    name: 'embedded store',
    skip: false,
    async open() {
      const dataDir = mkdtempSync(join(tmpdir(), 'soe-ingest-'));
      const store = new FileTimeseriesStore({ dataDir });
      await store.open();
      return { store, drop: async () => rmSync(dataDir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'PostgreSQL',
    skip: PG_SKIP,
    async open() {
      const store = new PostgresTimeseriesStore({ connectionString: TEST_PG, schema: SCHEMA, max: 4 });
      await store.open();
      return { store, drop: () => dropSchemas([SCHEMA]) };
    },
  },
];

interface Reply {
  status: number;
  text: string;
  json(): unknown;
}

async function call(
  server: RunningTimeseriesServer,
  method: string,
  path: string,
  body?: string | Uint8Array,
  headers: Record<string, string> = {},
): Promise<Reply> {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { accept: 'application/json', authorization: ADMIN, ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : Buffer.from(body) } : {}),
  });
  const text = await response.text();
  return { status: response.status, text, json: () => JSON.parse(text) as unknown };
}

/** What Telegraf 1.28's influxdb output sends with `content_encoding = "gzip"` (its default). */
const TELEGRAF_HEADERS = {
  'user-agent': 'Telegraf/1.28.5 Go/1.21.4',
  'content-type': 'text/plain; charset=utf-8',
  'content-encoding': 'gzip',
};

/** One Telegraf flush: cpu, mem, disk and system inputs of one host, ten seconds apart (ns timestamps). */
const TELEGRAF_BATCH = [
  'cpu,cpu=cpu-total,host=edge-1 usage_guest=0,usage_idle=97.25,usage_system=1.5,usage_user=1.25 1704110400000000000',
  'mem,host=edge-1 available=6123456512i,available_percent=74.5,total=8219045888i,used=1809342464i 1704110400000000000',
  'disk,device=sda1,fstype=ext4,host=edge-1,mode=rw,path=/ free=40123456512i,used_percent=38.25 1704110400000000000',
  'system,host=edge-1 load1=0.5,load5=0.25,n_cpus=4i,uptime=86400i 1704110400000000000',
  'system,host=edge-1 uptime_format="1 day,  0:00" 1704110400000000000',
  'cpu,cpu=cpu-total,host=edge-1 usage_guest=0,usage_idle=96.75,usage_system=1.75,usage_user=1.5 1704110410000000000',
  'system,host=edge-1 load1=0.75,load5=0.25,n_cpus=4i,uptime=86410i 1704110410000000000',
  '',
].join('\n');

for (const kind of STORES) {
  describe(`ingestion end to end, ${kind.name}`, { skip: kind.skip }, () => {
    let opened: { store: TimeseriesStore; drop(): Promise<void> };
    let server: RunningTimeseriesServer;
    before(async () => {
      opened = await kind.open();
      server = await startTimeseriesServer({
        listen: '127.0.0.1:0',
        store: opened.store,
        auth: 'basic',
        noDefaultArchivePolicies: true,
      });
      const policy = await call(
        server,
        'POST',
        '/v1/archive_policy',
        JSON.stringify({
          name: 'ten_seconds',
          definition: [{ granularity: '10s', points: 8640 }],
          aggregation_methods: ['mean'],
        }),
        { 'content-type': 'application/json' },
      );
      assert.equal(policy.status, 201, policy.text);
      const rule = await call(
        server,
        'POST',
        '/v1/archive_policy_rule',
        JSON.stringify({ name: 'all', metric_pattern: '*', archive_policy_name: 'ten_seconds' }),
        { 'content-type': 'application/json' },
      );
      assert.equal(rule.status, 201, rule.text);
    });
    after(async () => {
      await server.close();
      await opened.store.close();
      await opened.drop();
    });

    const points = async (type: string, resource: string, metric: string): Promise<unknown> => {
      const r = await call(
        server,
        'GET',
        `/v1/resource/${type}/${encodeURIComponent(resource)}/metric/${encodeURIComponent(metric)}/measures?refresh=true`,
      );
      assert.equal(r.status, 200, r.text);
      return r.json();
    };

    test('Telegraf: create database, then a gzip batch; the measures read back', async () => {
      const created = await call(server, 'POST', '/v1/influxdb/query', 'q=CREATE+DATABASE+%22telegraf%22', {
        'content-type': 'application/x-www-form-urlencoded',
        'user-agent': TELEGRAF_HEADERS['user-agent'],
      });
      assert.equal(created.status, 204, created.text);
      const written = await call(
        server,
        'POST',
        '/v1/influxdb/write?db=telegraf',
        gzipSync(TELEGRAF_BATCH),
        TELEGRAF_HEADERS,
      );
      assert.deepEqual([written.status, written.text], [204, '']);
      assert.deepEqual(await points('telegraf', 'edge-1', 'cpu.usage_idle@cpu=cpu-total'), [
        ['2024-01-01T12:00:00+00:00', 10.0, 97.25],
        ['2024-01-01T12:00:10+00:00', 10.0, 96.75],
      ]);
      assert.deepEqual(await points('telegraf', 'edge-1', 'mem.used'), [
        ['2024-01-01T12:00:00+00:00', 10.0, 1809342464.0],
      ]);
      assert.deepEqual(
        await points('telegraf', 'edge-1', 'disk.used_percent@device=sda1,fstype=ext4,mode=rw,path=_'),
        [['2024-01-01T12:00:00+00:00', 10.0, 38.25]],
      );
      const resource = await call(server, 'GET', '/v1/resource/telegraf/edge-1');
      assert.deepEqual(Object.keys((resource.json() as { metrics: object }).metrics).sort(), [
        'cpu.usage_guest@cpu=cpu-total',
        'cpu.usage_idle@cpu=cpu-total',
        'cpu.usage_system@cpu=cpu-total',
        'cpu.usage_user@cpu=cpu-total',
        'disk.free@device=sda1,fstype=ext4,mode=rw,path=_',
        'disk.used_percent@device=sda1,fstype=ext4,mode=rw,path=_',
        'mem.available',
        'mem.available_percent',
        'mem.total',
        'mem.used',
        'system.load1',
        'system.load5',
        'system.n_cpus',
        'system.uptime',
      ]);
    });

    test('Prometheus: a python3-snappy block of a protobufjs WriteRequest, then Gnocchi’s recorded payload', async () => {
      const request = encodeWriteRequest([
        {
          labels: { __name__: 'node_load1', instance: 'edge-1:9100', job: 'node' },
          samples: [
            [1704110400000, 0.5],
            [1704110415000, 0.75],
          ],
        },
        {
          labels: {
            __name__: 'node_cpu_seconds_total',
            cpu: '0',
            instance: 'edge-1:9100',
            job: 'node',
            mode: 'idle',
          },
          samples: [[1704110400000, 12345.5]],
        },
      ]);
      const headers = {
        'content-type': 'application/x-protobuf',
        'content-encoding': 'snappy',
        'user-agent': 'Prometheus/2.48.1',
        'x-prometheus-remote-write-version': '0.1.0',
      };
      const written = await call(server, 'POST', '/v1/prometheus/write', compress(request), headers);
      assert.deepEqual([written.status, written.text], [202, '']);
      assert.deepEqual(await points('prometheus', 'node@edge-1:9100', 'node_load1'), [
        ['2024-01-01T12:00:00+00:00', 10.0, 0.5],
        ['2024-01-01T12:00:10+00:00', 10.0, 0.75],
      ]);
      assert.deepEqual(await points('prometheus', 'node@edge-1:9100', 'node_cpu_seconds_total'), [
        ['2024-01-01T12:00:00+00:00', 10.0, 12345.5],
      ]);
      const recorded = await call(server, 'POST', '/v1/prometheus/write', readFileSync(FIXTURE), headers);
      assert.equal(recorded.status, 202, recorded.text);
      assert.deepEqual(await points('prometheus', 'prometheus@localhost:9090', 'scrape_samples_scraped'), [
        ['2017-09-23T06:02:50+00:00', 10.0, 558.0],
      ]);
      const resource = await call(server, 'GET', '/v1/resource/prometheus/prometheus@localhost:9090');
      assert.equal(Object.keys((resource.json() as { metrics: object }).metrics).length, 56);
    });

    test('hostile bodies: 400 or 413 with a clear message, and the server keeps answering', async () => {
      const remote = (body: Uint8Array) =>
        call(server, 'POST', '/v1/prometheus/write', body, { 'content-type': 'application/x-protobuf' });
      const bomb = await remote(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]));
      assert.deepEqual(
        [bomb.status, (bomb.json() as { description: string }).description],
        [413, 'The body decompresses to 4294967295 bytes, more than the limit of 33554432 bytes'],
      );
      const full = encodeWriteRequest([{ labels: { __name__: 'up' }, samples: [[1704110400000, 1]] }]);
      const truncated = await remote(compress(full.subarray(0, full.length - 4)));
      assert.deepEqual(
        [truncated.status, (truncated.json() as { description: string }).description],
        [400, 'Unable to decode the body as a protobuf WriteRequest: truncated message at offset 2'],
      );
      const labels = Buffer.alloc(2_000_000, Uint8Array.from([0x0a, 0x00])); // a million empty LabelPairs
      const million = await remote(compress(protobuf.Writer.create().uint32(0x0a).bytes(labels).finish()));
      assert.deepEqual(
        [million.status, (million.json() as { description: string }).description],
        [400, 'Time series 1 has more than 1000 labels'],
      );
      const lines = await call(
        server,
        'POST',
        '/v1/influxdb/write?db=telegraf',
        gzipSync(Buffer.alloc(33 << 20, 0x0a), { level: 1 }),
        {
          'content-encoding': 'gzip',
        },
      );
      assert.deepEqual(
        [lines.status, (lines.json() as { description: string }).description],
        [413, 'The body decompresses to more than the limit of 33554432 bytes'],
      );
      const many = await call(
        server,
        'POST',
        '/v1/influxdb/write?db=telegraf',
        'm,host=h f=1\n'.repeat(100_001),
      );
      assert.deepEqual(
        [many.status, (many.json() as { description: string }).description],
        [413, 'The body has more than 100000 lines'],
      );
      const ping = await call(server, 'GET', '/v1/influxdb/ping');
      assert.equal(ping.status, 204);
    });
  });
}
