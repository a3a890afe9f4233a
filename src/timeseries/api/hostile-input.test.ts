// Requests an attacker would send (issue 13, findings 1, 4 and 9), against a real server on port 0 over
// each store: out-of-range timestamps, names without limits or with NUL, deep nesting, huge bodies, sums
// that overflow, backtracking patterns. Each gets a clear 4xx or valid JSON, and the server keeps answering.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { frameRecord, RecordKind } from '../journal.js';
import { FileTimeseriesStore } from '../store-file.js';
import type { TimeseriesStore } from '../store.js';
import { ADMIN, call, storesUnderTest } from './server-over-stores.test-support.js';
import { startTimeseriesServer, type RunningTimeseriesServer } from './serve.js';

const STORES = storesUnderTest('hostile');

function invalid(reason: string, detail: string[] = []): unknown {
  return { code: 400, title: 'Bad Request', description: { cause: 'Invalid input', reason, detail } };
}

const AFTER_MAX = 'Timestamp must not be after 2262-04-11T23:47:16+00:00';

for (const kind of STORES) {
  describe(`hostile requests, ${kind.name}`, { skip: kind.skip }, () => {
    let store: TimeseriesStore;
    let server: RunningTimeseriesServer;
    let metric: string;
    before(async () => {
      store = await kind.open();
      server = await startTimeseriesServer({ listen: '127.0.0.1:0', store, auth: 'basic' });
      const policy = await call(server, 'POST', '/v1/archive_policy', {
        name: 'daily',
        definition: [{ granularity: '1 day', timespan: '365 days' }],
        aggregation_methods: ['sum'],
      });
      assert.equal(policy.status, 201, policy.text);
      const created = await call(server, 'POST', '/v1/metric', { archive_policy_name: 'daily' });
      metric = (created.json() as { id: string }).id;
      const history = await call(server, 'POST', `/v1/metric/${metric}/measures`, [
        { timestamp: '2024-01-01', value: 1 },
        { timestamp: '2024-01-02', value: 2 },
      ]);
      assert.equal(history.status, 202);
    });
    after(async () => {
      await server.close();
      await store.close();
    });

    const history = [
      ['2024-01-01T00:00:00+00:00', 86400.0, 1.0],
      ['2024-01-02T00:00:00+00:00', 86400.0, 2.0],
    ];

    test('timestamps past 2262-04-11, booleans and 1e303 are a 400; the history stays', async () => {
      for (const timestamp of ['1e303', 1e303, '9999-12-31', 1e15, '1e15', '2262-04-11T23:47:17']) {
        const r = await call(server, 'POST', `/v1/metric/${metric}/measures`, [{ timestamp, value: 5 }]);
        assert.deepEqual([r.status, r.json()], [400, invalid(AFTER_MAX)], String(timestamp));
      }
      for (const timestamp of [true, false]) {
        const r = await call(server, 'POST', `/v1/metric/${metric}/measures`, [{ timestamp, value: 5 }]);
        assert.deepEqual(
          [r.status, r.json()],
          [400, invalid("unexpected timestamp 'Unable to convert timestamps'")],
        );
      }
      const batch = await call(server, 'POST', '/v1/batch/metrics/measures', {
        [metric]: [{ timestamp: '9999-12-31', value: 5 }],
      });
      assert.deepEqual(
        batch.json(),
        invalid(`${AFTER_MAX} for dictionary value @ data['${metric}']`, [metric]),
      );
      const read = await call(server, 'GET', `/v1/metric/${metric}/measures?aggregation=sum`);
      assert.deepEqual([read.status, read.json()], [200, history]);
      const start = await call(server, 'GET', `/v1/metric/${metric}/measures?aggregation=sum&start=1e15`);
      assert.deepEqual(start.json(), {
        code: 400,
        title: 'Bad Request',
        description: {
          cause: 'Argument value error',
          detail: 'start',
          reason: 'Must be a datetime or a timestamp',
        },
      });
    });

    test('names over 255 characters are a 400 naming the field; 255 are fine', async () => {
      const long = 'n'.repeat(256);
      const tooLong = (field: string): unknown =>
        invalid(`length of value must be at most 255 for dictionary value @ data['${field}']`, [field]);
      const policy = await call(server, 'POST', '/v1/archive_policy', {
        name: 'p'.repeat(10_000),
        definition: [{ granularity: '1 day', points: 2 }],
      });
      assert.deepEqual([policy.status, policy.json()], [400, tooLong('name')]);
      const metricName = await call(server, 'POST', '/v1/metric', {
        name: 'm'.repeat(1 << 20),
        archive_policy_name: 'daily',
      });
      assert.deepEqual([metricName.status, metricName.json()], [400, tooLong('name')]);
      const rule = await call(server, 'POST', '/v1/archive_policy_rule', {
        name: 'r',
        metric_pattern: long,
        archive_policy_name: 'daily',
      });
      assert.deepEqual([rule.status, rule.json()], [400, tooLong('metric_pattern')]);
      const type = await call(server, 'POST', '/v1/resource_type', { name: long });
      assert.deepEqual([type.status, type.json()], [400, tooLong('name')]);
      const resource = await call(server, 'POST', '/v1/resource/generic', { id: 'r1', user_id: long });
      assert.deepEqual([resource.status, resource.json()], [400, tooLong('user_id')]);
      const fine = await call(server, 'POST', '/v1/metric', {
        name: 'm'.repeat(255),
        archive_policy_name: 'daily',
      });
      assert.equal(fine.status, 201);
      assert.equal((fine.json() as { name: string }).name, 'm'.repeat(255));
    });

    test('NUL in a name, anywhere in a body, in the URL or in the user name is a 400 on every store', async () => {
      const metricName = await call(server, 'POST', '/v1/metric', {
        name: 'a\u0000b',
        archive_policy_name: 'daily',
      });
      assert.deepEqual(
        [metricName.status, metricName.json()],
        [400, invalid("NUL character not allowed @ data['name']", ['name'])],
      );
      const nested = await call(server, 'POST', '/v1/resource/generic', {
        id: 'nul-resource',
        metrics: { 'cpu\u0000': { archive_policy_name: 'daily' } },
      });
      assert.deepEqual(
        [nested.status, nested.json()],
        [400, invalid("NUL character not allowed @ data['metrics']['cpu\u0000']", ['metrics', 'cpu\u0000'])],
      );
      const url = await call(server, 'GET', '/v1/archive_policy/a%00b');
      assert.deepEqual(
        [url.status, url.json()],
        [400, { code: 400, title: 'Bad Request', description: 'NUL character not allowed in the URL' }],
      );
      const user = await fetch(`${server.url}/v1/metric`, {
        method: 'POST',
        headers: {
          accept: 'application/json',
          authorization: `Basic ${Buffer.from('a\u0000b:').toString('base64')}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ archive_policy_name: 'daily' }),
      });
      assert.deepEqual(
        [user.status, await user.json()],
        [
          400,
          {
            code: 400,
            title: 'Bad Request',
            description: 'NUL character not allowed in the Authorization header',
          },
        ],
      );
      const escaped = await call(server, 'POST', '/v1/metric', {
        name: 'a\\u0000b',
        archive_policy_name: 'daily',
      });
      assert.equal(escaped.status, 201, 'a backslash followed by u0000 is six characters, not NUL');
    });

    test('20,000-deep JSON, a megabyte of ( and a deep filter string are 400s, not 500s', async () => {
      const deep = `${'['.repeat(20_000)}${']'.repeat(20_000)}`;
      const search = await call(server, 'POST', '/v1/search/resource/generic', deep);
      assert.deepEqual(
        [search.status, search.json()],
        [
          400,
          {
            code: 400,
            title: 'Bad Request',
            description: {
              cause: 'Unable to decode body',
              reason: 'More than 100 nested levels of objects and lists',
              detail: [],
            },
          },
        ],
      );
      const deepObject = `${'{"not":'.repeat(20_000)}{}${'}'.repeat(20_000)}`;
      assert.equal((await call(server, 'POST', '/v1/search/resource/generic', deepObject)).status, 400);
      const operations = await call(server, 'POST', '/v1/aggregates', { operations: '('.repeat(1 << 20) });
      assert.deepEqual(
        [operations.status, operations.json()],
        [
          400,
          {
            code: 400,
            title: 'Bad Request',
            description: {
              cause: 'Invalid operations',
              reason: 'Fail to parse the operations string',
              detail: 'More than 100 nested groups  (at char 100)',
            },
          },
        ],
      );
      const filter = await call(
        server,
        'POST',
        `/v1/search/resource/generic?filter=${encodeURIComponent(`${'('.repeat(3000)}id = 'x'${')'.repeat(3000)}`)}`,
      );
      assert.deepEqual(
        [filter.status, filter.json()],
        [
          400,
          {
            code: 400,
            title: 'Bad Request',
            description: 'Invalid filter: more than 100 nested levels at char 100',
          },
        ],
      );
    });

    test('a sum that overflows reads back as valid JSON (null), not a bare Infinity token', async () => {
      const created = await call(server, 'POST', '/v1/metric', { archive_policy_name: 'daily' });
      const id = (created.json() as { id: string }).id;
      await call(server, 'POST', `/v1/metric/${id}/measures`, [
        { timestamp: '2024-01-01T00:00:00', value: 1.7e308 },
        { timestamp: '2024-01-01T12:00:00', value: 1.7e308 },
        { timestamp: '2024-01-02T00:00:00', value: 1 },
      ]);
      const read = await call(server, 'GET', `/v1/metric/${id}/measures?aggregation=sum`);
      assert.equal(
        read.text,
        '[["2024-01-01T00:00:00+00:00", 86400.0, null], ["2024-01-02T00:00:00+00:00", 86400.0, 1.0]]',
      );
      const aggregates = await call(server, 'POST', '/v1/aggregates?granularity=86400&fill=null', {
        operations: ['metric', id, 'sum'],
      });
      assert.equal(
        aggregates.text,
        `{"measures": {"${id}": {"sum": [["2024-01-01T00:00:00+00:00", 86400.0, null], ` +
          '["2024-01-02T00:00:00+00:00", 86400.0, 1.0]]}}}',
      );
    });

    test("backtracking patterns ('a%a%…b', '*a*a…b') answer at once, and correctly", async () => {
      const owner = 'a'.repeat(100);
      const made = await call(server, 'POST', '/v1/resource/generic', {
        id: 'patterns',
        user_id: owner,
        metrics: { [owner]: { archive_policy_name: 'daily' } },
      });
      assert.equal(made.status, 201, made.text);
      const like = await call(server, 'POST', '/v1/search/resource/generic', {
        like: { user_id: `${'a%'.repeat(50)}b` },
      });
      assert.deepEqual([like.status, like.json()], [200, []]);
      const hit = await call(server, 'POST', '/v1/search/resource/generic', {
        like: { user_id: `${'a%'.repeat(50)}` },
      });
      assert.deepEqual(
        (hit.json() as { original_resource_id: string }[]).map((r) => r.original_resource_id),
        ['patterns'],
      );
      const glob = await call(server, 'POST', '/v1/aggregates?granularity=86400', {
        operations: ['metric', `${'*a'.repeat(50)}b`, 'sum'],
        resource_type: 'generic',
        search: { '=': { original_resource_id: 'patterns' } },
      });
      assert.deepEqual(
        [glob.status, (glob.json() as { description: unknown }).description],
        [400, { cause: 'Metrics not found', detail: [`${'*a'.repeat(50)}b`] }],
      );
      const tooLong = await call(server, 'POST', '/v1/search/resource/generic', {
        like: { user_id: '%'.repeat(256) },
      });
      assert.deepEqual(
        tooLong.json(),
        invalid("length of value must be at most 255 for dictionary value @ data['like']['user_id']", [
          'like',
          'user_id',
        ]),
      );
    });

    test('a body over the limit is refused with 413 from its Content-Length, before it is sent', async () => {
      const { port } = new URL(server.url);
      const socket = connect(Number(port), '127.0.0.1');
      const head =
        `POST /v1/metric/${metric}/measures HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: ${ADMIN}\r\n` +
        'Accept: application/json\r\nContent-Type: application/json\r\nContent-Length: 60000000\r\n\r\n[';
      const answer = new Promise<string>((resolve, reject) => {
        let text = '';
        socket.setEncoding('utf8');
        socket.on('data', (chunk: string) => {
          text += chunk;
          if (text.includes('\r\n\r\n') && text.includes('}')) resolve(text);
        });
        socket.on('error', reject);
        socket.on('close', () => resolve(text));
      });
      socket.write(head);
      const text = await answer;
      socket.destroy();
      assert.match(text, /^HTTP\/1\.1 413 Payload Too Large\r\n/);
      assert.ok(
        text.endsWith(
          '{"code": 413, "title": "Payload Too Large", "description": "Request body larger than the limit of 8388608 bytes"}',
        ),
        text,
      );
      const read = await call(server, 'GET', `/v1/metric/${metric}/measures?aggregation=sum`);
      assert.deepEqual(read.json(), history);
    });
  });
}

describe('--max-body-size', () => {
  test('a chunked body is refused with 413 once it passes the limit; smaller bodies pass', async () => {
    const store = new FileTimeseriesStore({ dataDir: mkdtempSync(join(tmpdir(), 'soe-hostile-limit-')) });
    await store.open();
    const server = await startTimeseriesServer({
      listen: '127.0.0.1:0',
      store,
      auth: 'basic',
      maxBodySize: 1024,
    });
    try {
      const small = await call(server, 'POST', '/v1/metric', {
        name: 'x'.repeat(200),
        archive_policy_name: 'low',
      });
      assert.equal(small.status, 201);
      let sent = 0;
      const body = new ReadableStream<Uint8Array>({
        pull(controller) {
          sent += 512;
          controller.enqueue(new Uint8Array(512).fill(0x20));
          if (sent >= 1 << 20) controller.close();
        },
      });
      const response = await fetch(`${server.url}/v1/metric`, {
        method: 'POST',
        headers: { accept: 'application/json', authorization: ADMIN, 'content-type': 'application/json' },
        body,
        duplex: 'half',
      } as RequestInit);
      assert.equal(response.status, 413);
      assert.deepEqual(await response.json(), {
        code: 413,
        title: 'Payload Too Large',
        description: 'Request body larger than the limit of 1024 bytes',
      });
    } finally {
      await server.close();
      await store.close();
    }
  });
});

describe('a journal record an older version wrote', () => {
  test('is kept aside at start, the server starts and /v1/status counts it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'soe-hostile-replay-'));
    const first = new FileTimeseriesStore({ dataDir });
    await first.open();
    const firstServer = await startTimeseriesServer({ listen: '127.0.0.1:0', store: first, auth: 'basic' });
    const id = (
      (await call(firstServer, 'POST', '/v1/metric', { archive_policy_name: 'low' })).json() as { id: string }
    ).id;
    await firstServer.close();
    await first.close();
    const payload = Buffer.alloc(1 + id.length + 4 + 16);
    payload.writeUInt8(id.length, 0);
    payload.write(id, 1, 'utf8');
    payload.writeUInt32LE(1, 1 + id.length);
    payload.writeDoubleLE(1e303, 5 + id.length);
    payload.writeDoubleLE(1, 13 + id.length);
    writeFileSync(join(dataDir, 'journal-0000000099.log'), frameRecord(RecordKind.Measures, payload));
    const store = new FileTimeseriesStore({ dataDir });
    await store.open();
    const server = await startTimeseriesServer({ listen: '127.0.0.1:0', store, auth: 'basic' });
    try {
      const status = await call(server, 'GET', '/v1/status?details=false');
      const body = status.json() as { storage: unknown; journal: { last_checkpoint: string } };
      assert.match(body.journal.last_checkpoint, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.deepEqual(body.storage, {
        summary: { metrics: 0, measures: 0, rejected_measures: 0, quarantined_records: 1 },
      });
      assert.deepEqual(body.journal, {
        segments: 1,
        bytes: 0,
        last_checkpoint: body.journal.last_checkpoint,
        checkpoint_failures: 0,
        last_checkpoint_error: null,
        write_failures: 0,
        last_write_error: null,
        corrupt_records: 0,
        skipped_bytes: 0,
      });
      const read = await call(server, 'GET', `/v1/metric/${id}/measures`);
      assert.deepEqual([read.status, read.json()], [200, []]);
    } finally {
      await server.close();
      await store.close();
    }
  });
});
