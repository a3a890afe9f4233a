/**
 * Stopping the producer: what a stop leaves sent and what the report says (the days reached, not the ones
 * planned), a request failing after the stop, and a stop before anything is sent. The timeseries server runs
 * in this process over an embedded store; stops happen on progress events, so the counts are exact.
 */
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { test } from 'node:test';
import { openTestStore } from '../timeseries/api/harness.test-support.js';
import { startTimeseriesServer } from '../timeseries/api/serve.js';
import { COVID_FIELDS } from './contract.js';
import { addDays, loadCovidDataset } from './dataset.js';
import { produceCovid, type ProduceProgress, type ProduceReport } from './producer.js';

const data = loadCovidDataset();
const AREAS = data.areas.length;
const FIELDS = COVID_FIELDS.length;
/** 2020-02-24 … 2020-03-01: 7 real days. */
const UNTIL = '2020-03-01';
const REAL_DAYS = 7;

/** A fresh server for one test (the producer's state lives in the store). */
async function freshServer(): Promise<{ url: string; close(): Promise<void> }> {
  const s = await openTestStore();
  const running = await startTimeseriesServer({ listen: '127.0.0.1:0', store: s.store, auth: 'none' });
  return {
    url: running.url,
    close: async () => {
      await running.close();
      await s.dispose();
    },
  };
}

/** The report without its wall time. */
function timeless(report: ProduceReport): Omit<ProduceReport, 'seconds'> {
  const { seconds, ...rest } = report;
  assert.ok(seconds >= 0);
  return rest;
}

test('a stop during the synthetic stream: the report says the last day sent and that it stopped', async () => {
  const target = await freshServer();
  try {
    const stop = new AbortController();
    const progress: ProduceProgress[] = [];
    const report = await produceCovid({
      endpoint: target.url,
      dataset: data,
      until: UNTIL,
      days: 10,
      rate: 1000,
      signal: stop.signal,
      onProgress: (p) => {
        progress.push(p);
        if (p.phase === 'synthetic' && p.day === addDays(UNTIL, 2)) stop.abort();
      },
    });
    assert.deepEqual(timeless(report), {
      realDays: REAL_DAYS,
      syntheticDays: 2,
      measures: AREAS * FIELDS * (REAL_DAYS + 2),
      realUntil: UNTIL,
      lastDay: '2020-03-03',
      stopped: true,
    });
    assert.equal(progress.at(-1)?.day, '2020-03-03');
    // A run without a stop sends the rest, and reaches the planned day.
    const rest = await produceCovid({ endpoint: target.url, dataset: data, until: UNTIL, days: 10 });
    assert.deepEqual(timeless(rest), {
      realDays: 0,
      syntheticDays: 8,
      measures: AREAS * FIELDS * 8,
      realUntil: UNTIL,
      lastDay: '2020-03-11',
      stopped: false,
    });
  } finally {
    await target.close();
  }
});

test('a stop during the real days (one request per area): the areas sent count, no synthetic day', async () => {
  const target = await freshServer();
  try {
    const stop = new AbortController();
    let requests = 0;
    const report = await produceCovid({
      endpoint: target.url,
      dataset: data,
      until: UNTIL,
      days: 3,
      signal: stop.signal,
      onProgress: () => {
        if (++requests === 3) stop.abort();
      },
    });
    assert.deepEqual(timeless(report), {
      realDays: REAL_DAYS,
      syntheticDays: 0,
      measures: 3 * FIELDS * REAL_DAYS,
      realUntil: UNTIL,
      lastDay: undefined,
      stopped: true,
    });
    const rest = await produceCovid({ endpoint: target.url, dataset: data, until: UNTIL, days: 3 });
    assert.deepEqual(timeless(rest), {
      realDays: REAL_DAYS,
      syntheticDays: 3,
      measures: (AREAS - 3) * FIELDS * REAL_DAYS + AREAS * FIELDS * 3,
      realUntil: UNTIL,
      lastDay: '2020-03-04',
      stopped: false,
    });
  } finally {
    await target.close();
  }
});

/**
 * An HTTP proxy to `target` that calls `onBatch(n)` on the n-th batch of measures (from 1) before forwarding
 * it; `onBatch` returning false drops the request (its connection destroyed, as a stopping server does).
 */
async function proxy(
  target: string,
  onBatch: (n: number) => boolean,
): Promise<{ url: string; server: Server }> {
  const to = new URL(target);
  let batches = 0;
  const server = createServer((req, res) => {
    if (req.method === 'POST' && req.url?.startsWith('/v1/batch/') === true && !onBatch(++batches)) {
      req.socket.destroy();
      return;
    }
    const forward = request(
      { host: to.hostname, port: to.port, path: req.url, method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

test('a request that fails after the stop is part of the stop, not a failure', async () => {
  const target = await freshServer();
  const stop = new AbortController();
  // The real days go in one request per area; then the synthetic days, one request each (streamed).
  const front = await proxy(target.url, (n) => {
    if (n < AREAS + 2) return true;
    stop.abort();
    return false;
  });
  try {
    const report = await produceCovid({
      endpoint: front.url,
      dataset: data,
      until: UNTIL,
      days: 5,
      rate: 1000,
      signal: stop.signal,
    });
    assert.deepEqual(timeless(report), {
      realDays: REAL_DAYS,
      syntheticDays: 1,
      measures: AREAS * FIELDS * (REAL_DAYS + 1),
      realUntil: UNTIL,
      lastDay: '2020-03-02',
      stopped: true,
    });
  } finally {
    front.server.closeAllConnections();
    await new Promise<void>((resolve) => front.server.close(() => resolve()));
    await target.close();
  }
});

test('the same failure without a stop is an error', async () => {
  const target = await freshServer();
  const front = await proxy(target.url, () => false);
  try {
    await assert.rejects(
      produceCovid({ endpoint: front.url, dataset: data, until: UNTIL }),
      /^GnocchiError: POST http:\/\/127\.0\.0\.1:\d+\/v1\/batch\/resources\/metrics\/measures: (other side closed|socket hang up)$/,
    );
  } finally {
    front.server.closeAllConnections();
    await new Promise<void>((resolve) => front.server.close(() => resolve()));
    await target.close();
  }
});

test('stopped before it starts: nothing is sent, nothing reached', async () => {
  const stop = new AbortController();
  stop.abort();
  // Nothing listens on port 1: not even the first request is made.
  const report = await produceCovid({
    endpoint: 'http://127.0.0.1:1',
    dataset: data,
    until: UNTIL,
    days: 2,
    signal: stop.signal,
  });
  assert.deepEqual(timeless(report), {
    realDays: 0,
    syntheticDays: 0,
    measures: 0,
    realUntil: undefined,
    lastDay: undefined,
    stopped: true,
  });
});
