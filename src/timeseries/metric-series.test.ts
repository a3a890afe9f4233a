// Carbonara: aggregation per period, rate:, back window, duplicates, retention, encode/decode, speed.
import { test } from 'node:test';
import { deflateRawSync } from 'node:zlib';
import assert from 'node:assert/strict';
import { DEFAULT_ARCHIVE_POLICIES } from './archive-policy.js';
import { MetricSeries } from './metric-series.js';
import type { ArchivePolicy, Measure, Point } from './model.js';
import { MAX_TIMESTAMP, parseTimestamp } from './timestamp.js';

const T0 = parseTimestamp('2024-01-01T12:00:00');
const DAY = 86400;

function policy(
  definition: [granularity: number, points: number | null][],
  methods: string[],
  backWindow = 0,
): ArchivePolicy {
  return {
    name: 'test',
    back_window: backWindow,
    aggregation_methods: methods,
    definition: definition.map(([granularity, points]) => ({
      granularity,
      points,
      timespan: points === null ? null : granularity * points,
    })),
  };
}

const m = (offset: number, value: number): Measure => ({ timestamp: T0 + offset, value });
const values = (points: Point[]): number[] => points.map((p) => p[2]);

void test('every base method per period on known data', () => {
  const methods = ['mean', 'sum', 'min', 'max', 'last', 'first', 'count', 'std', 'median', '95pct'];
  const s = new MetricSeries(policy([[60, null]], methods));
  // period 12:00 holds 4, 1, 3, 2, 10 (given out of order); period 12:01 holds 5 alone
  s.add([m(50, 10), m(0, 4), m(20, 3), m(10, 1), m(30, 2), m(60, 5)]);
  const at = (method: string): Point[] => s.read(method, 60);
  assert.deepEqual(at('mean'), [
    [T0, 60, 4],
    [T0 + 60, 60, 5],
  ]);
  assert.deepEqual(values(at('sum')), [20, 5]);
  assert.deepEqual(values(at('min')), [1, 5]);
  assert.deepEqual(values(at('max')), [10, 5]);
  assert.deepEqual(values(at('first')), [4, 5]);
  assert.deepEqual(values(at('last')), [10, 5]);
  assert.deepEqual(values(at('count')), [5, 1]);
  assert.deepEqual(values(at('median')), [3, 5]);
  assert.deepEqual(values(at('95pct')), [4 * (4 - 4 * 0.95) + 10 * (4 * 0.95 - 3), 5]);
  // sample std; a period with one value has no std point
  assert.deepEqual(at('std'), [[T0, 60, Math.sqrt(50 / 4)]]);
  assert.equal(s.pointCount(), 19);
});

void test('granularities are read coarsest first, periods aligned on the epoch', () => {
  const s = new MetricSeries(
    policy(
      [
        [60, null],
        [3600, null],
      ],
      ['sum'],
    ),
  );
  s.add([m(59, 1), m(61, 2), m(3599, 3), m(3600, 4)]);
  assert.deepEqual(s.read('sum'), [
    [T0, 3600, 6],
    [T0 + 3600, 3600, 4],
    [T0, 60, 1],
    [T0 + 60, 60, 2],
    [T0 + 3540, 60, 3],
    [T0 + 3600, 60, 4],
  ]);
  assert.deepEqual(s.granularities(), [60, 3600]);
});

void test('read: start rounded down to the granularity (inclusive), stop exclusive', () => {
  const s = new MetricSeries(policy([[DAY, null]], ['sum']));
  const d0 = parseTimestamp('2024-01-01');
  s.add(Array.from({ length: 10 }, (_, i) => ({ timestamp: d0 + i * DAY, value: i })));
  assert.deepEqual(values(s.read('sum', DAY, d0 + 3 * DAY, d0 + 6 * DAY)), [3, 4, 5]);
  assert.deepEqual(values(s.read('sum', DAY, d0 + 3 * DAY + 3600, d0 + 6 * DAY + 1)), [3, 4, 5, 6]);
  assert.deepEqual(values(s.read('sum', undefined, d0 + 8 * DAY)), [8, 9]);
  assert.throws(() => s.read('mean'), /not in archive policy/);
  assert.throws(() => s.read('sum', 3600), /not in archive policy/);
});

void test('rate:sum applies sum to the differences between consecutive raw points', () => {
  const s = new MetricSeries(policy([[60, null]], ['rate:sum', 'rate:count', 'sum']));
  s.add([m(0, 10), m(30, 15), m(70, 22)]);
  assert.deepEqual(s.read('rate:sum'), [
    [T0, 60, 5],
    [T0 + 60, 60, 7],
  ]);
  s.add([m(90, 30)]);
  assert.deepEqual(values(s.read('rate:sum')), [5, 15]);
  // a late point changes its own difference and the next point's
  s.add([m(40, 17)]);
  assert.deepEqual(values(s.read('rate:sum')), [7, 13]);
  assert.deepEqual(values(s.read('rate:count')), [2, 2]);
  assert.deepEqual(values(s.read('sum')), [42, 52]);
});

void test('back window boundary: coarsest 1 h, last point 14:34', () => {
  const at = (hhmm: string): number => parseTimestamp(`2024-01-01T${hhmm}:00`);
  const bw0 = new MetricSeries(
    policy(
      [
        [60, null],
        [3600, null],
      ],
      ['mean'],
    ),
  );
  assert.equal(bw0.firstAcceptedTimestamp(), undefined);
  assert.equal(bw0.tooOld([{ timestamp: 0, value: 1 }]), undefined);
  bw0.add([{ timestamp: at('14:34'), value: 1 }]);
  assert.equal(bw0.firstAcceptedTimestamp(), at('14:00'));
  const late = { timestamp: at('13:59') + 59, value: 2 };
  assert.equal(bw0.tooOld([{ timestamp: at('14:00'), value: 1 }, late]), late);
  assert.equal(bw0.tooOld([{ timestamp: at('14:00'), value: 1 }]), undefined);
  assert.deepEqual(bw0.add([late, { timestamp: at('14:00'), value: 3 }]), { accepted: 1 });
  assert.deepEqual(values(bw0.read('mean', 3600)), [2]);

  const bw2 = new MetricSeries(
    policy(
      [
        [60, null],
        [3600, null],
      ],
      ['mean'],
      2,
    ),
  );
  bw2.add([{ timestamp: at('14:34'), value: 1 }]);
  assert.equal(bw2.firstAcceptedTimestamp(), at('12:00'));
  assert.equal(bw2.tooOld([{ timestamp: at('12:00'), value: 1 }]), undefined);
  assert.ok(bw2.tooOld([{ timestamp: at('11:59'), value: 1 }]));
  bw2.add([{ timestamp: at('12:10'), value: 5 }]);
  assert.deepEqual(bw2.read('mean', 3600), [
    [at('12:00'), 3600, 5],
    [at('14:00'), 3600, 1],
  ]);
  // rate: methods keep (and accept) one block more, as Gnocchi does
  const rate = new MetricSeries(policy([[3600, null]], ['rate:mean']));
  rate.add([{ timestamp: at('14:34'), value: 1 }]);
  assert.equal(rate.firstAcceptedTimestamp(), at('13:00'));
});

void test('duplicates: first value of a call wins, a later call replaces (transcript 8b)', () => {
  const yearsRate = policy([[DAY, 365]], ['sum']);
  const s = new MetricSeries(yearsRate);
  const day = (d: number): number => parseTimestamp('2024-01-01') + d * DAY;
  s.add([
    { timestamp: day(0), value: 1 },
    { timestamp: day(1), value: 2 },
    { timestamp: day(2), value: 3 },
  ]);
  assert.deepEqual(
    s.add([
      { timestamp: day(1), value: 20 },
      { timestamp: day(2), value: 30 },
      { timestamp: day(3), value: 40 },
    ]),
    { accepted: 2 },
  );
  assert.deepEqual(values(s.read('sum')), [1, 2, 30, 40]);
  s.add([
    { timestamp: day(5), value: 50 },
    { timestamp: day(5), value: 55 },
    { timestamp: day(6), value: 60 },
    { timestamp: day(6), value: 66 },
    { timestamp: day(7) + 6 * 3600, value: 1 },
    { timestamp: day(7) + 18 * 3600, value: 2 },
  ]);
  assert.deepEqual(values(s.read('sum')), [1, 2, 30, 40, 50, 60, 3]);
  s.add([{ timestamp: day(7) + 18 * 3600, value: 5 }]);
  assert.deepEqual(values(s.read('sum')), [1, 2, 30, 40, 50, 60, 6]);
});

void test('retention counts back from each series own newest point', () => {
  const s = new MetricSeries(policy([[DAY, 365]], ['sum', 'std']));
  const d0 = parseTimestamp('2020-01-01');
  for (let i = 0; i < 1000; i += 100) {
    s.add(Array.from({ length: 100 }, (_, k) => ({ timestamp: d0 + (i + k) * DAY, value: i + k })));
  }
  const sums = s.read('sum');
  assert.equal(sums.length, 365);
  assert.equal(sums[0]?.[0], d0 + 635 * DAY);
  assert.equal(s.read('std').length, 0);
  // two values in the last day: std exists there only
  s.add([{ timestamp: d0 + 999 * DAY + 60, value: 1001 }]);
  assert.deepEqual(s.read('std'), [[d0 + 999 * DAY, DAY, Math.sqrt(2)]]);
  // one measure much later expires everything older than it − 365 days
  s.add([{ timestamp: d0 + 2000 * DAY, value: 7 }]);
  assert.deepEqual(s.read('sum'), [[d0 + 2000 * DAY, DAY, 7]]);
  assert.deepEqual(s.read('std'), [[d0 + 999 * DAY, DAY, Math.sqrt(2)]]);
});

void test('the raw buffer keeps only the back-window blocks', () => {
  const s = new MetricSeries(
    policy(
      [
        [1, null],
        [60, null],
      ],
      ['mean'],
    ),
  );
  s.add(Array.from({ length: 600 }, (_, i) => m(i, i)));
  assert.equal(s.rawPointCount(), 60);
  const r = new MetricSeries(
    policy(
      [
        [1, null],
        [60, null],
      ],
      ['rate:mean'],
      1,
    ),
  );
  r.add(Array.from({ length: 600 }, (_, i) => m(i, i)));
  assert.equal(r.rawPointCount(), 180);
});

function randomMeasures(count: number, start: number, seed: number): Measure[] {
  let x = seed;
  const next = (): number => {
    x = (x * 1103515245 + 12345) % 2147483648;
    return x / 2147483648;
  };
  return Array.from({ length: count }, (_, i) => ({
    timestamp: start + i * 0.7 + next() * 0.3,
    value: Math.round(next() * 1e6) / 100,
  }));
}

void test('encode/decode reads identically and keeps accepting measures identically', () => {
  const p = policy(
    [
      [1, 3600],
      [60, 10080],
      [3600, 8760],
    ],
    ['mean', 'min', 'max', 'sum', 'std', 'count', 'median', '95pct', 'rate:sum', 'first', 'last'],
    1,
  );
  const a = new MetricSeries(p);
  a.add(randomMeasures(20000, T0, 42));
  const bytes = a.encode();
  const b = MetricSeries.decode(p, bytes);
  for (const method of p.aggregation_methods) assert.deepEqual(b.read(method), a.read(method), method);
  assert.equal(b.pointCount(), a.pointCount());
  assert.equal(b.rawPointCount(), a.rawPointCount());
  assert.equal(b.firstAcceptedTimestamp(), a.firstAcceptedTimestamp());
  const more = randomMeasures(3000, T0 + 20000 * 0.7 - 500, 7);
  a.add(more);
  b.add(more);
  for (const method of p.aggregation_methods) assert.deepEqual(b.read(method), a.read(method), method);
  const perPoint = bytes.length / (a.pointCount() + a.rawPointCount());
  assert.ok(perPoint < 9, `${perPoint} bytes per point`);
  assert.deepEqual(MetricSeries.decode(p, new MetricSeries(p).encode()).read('mean'), []);
  assert.throws(() => MetricSeries.decode(p, Buffer.from('nope')), /bad header/);
});

void test('decode under a changed policy keeps the series that still exist', () => {
  const p = policy([[60, null]], ['mean', 'sum']);
  const a = new MetricSeries(p);
  a.add([m(0, 1), m(1, 3)]);
  const q = policy([[60, null]], ['sum', 'max']);
  const b = MetricSeries.decode(q, a.encode());
  assert.deepEqual(b.read('sum'), [[T0, 60, 4]]);
  assert.deepEqual(b.read('max'), []);
});

void test('speed: 5,000 measures into 1 s / 1 min / 1 h × 6 methods', () => {
  const high = DEFAULT_ARCHIVE_POLICIES.find((x) => x.name === 'high');
  assert.ok(high);
  const s = new MetricSeries(high);
  const all = randomMeasures(100_000, T0, 1);
  const started = process.hrtime.bigint();
  let firstBatch = 0;
  for (let i = 0; i < all.length; i += 5000) {
    const t = process.hrtime.bigint();
    s.add(all.slice(i, i + 5000));
    if (i === 5000) firstBatch = Number(process.hrtime.bigint() - t) / 1e6;
  }
  const total = Number(process.hrtime.bigint() - started) / 1e6;
  const encodeStart = process.hrtime.bigint();
  const size = s.encode().length;
  const encodeMs = Number(process.hrtime.bigint() - encodeStart) / 1e6;
  console.log(
    `# 100k measures in 20 batches of 5k into 'high': ${total.toFixed(1)} ms (one batch ${firstBatch.toFixed(1)} ms); ` +
      `${s.pointCount()} points, encode ${encodeMs.toFixed(1)} ms → ${size} bytes`,
  );
  assert.equal(s.read('count', 1).length, 3600);
});

void test('timestamps beyond the range are refused before anything changes; the last one encodes', () => {
  const s = new MetricSeries(policy([[1, 10]], ['sum']));
  s.add([m(0, 1)]);
  for (const timestamp of [Infinity, 1e303, 1e15, MAX_TIMESTAMP + 0.000002]) {
    assert.throws(() => s.add([m(60, 2), { timestamp, value: 3 }]), {
      message: 'Invalid input: Timestamp must not be after 2262-04-11T23:47:16+00:00',
    });
  }
  assert.deepEqual(s.read('sum'), [[T0, 1, 1]]);
  const last = new MetricSeries(policy([[1, 10]], ['sum']));
  last.add([{ timestamp: MAX_TIMESTAMP, value: 7 }]);
  const decoded = MetricSeries.decode(last.policy, last.encode());
  assert.deepEqual(decoded.read('sum'), [[9223372036, 1, 7]]);
  assert.equal(decoded.firstAcceptedTimestamp(), 9223372036);
});

void test('decode refuses a varint longer than 10 bytes instead of summing it to Infinity', () => {
  const body = Buffer.from([1, ...new Array<number>(160).fill(0xff), 0x01]);
  const blob = Buffer.concat([Buffer.from('GCS1', 'latin1'), deflateRawSync(body)]);
  assert.throws(() => MetricSeries.decode(policy([[1, 10]], ['sum']), blob), {
    message: 'Unable to decode metric series: varint too long',
  });
});
