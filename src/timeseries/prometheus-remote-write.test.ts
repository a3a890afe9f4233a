import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';
import {
  decodeWriteRequest,
  DEFAULT_REMOTE_WRITE_LIMITS,
  RemoteWriteError,
  snappyDeclaredLength,
  uncompressSnappy,
} from './prometheus-remote-write.js';
import {
  encodeWriteRequest,
  pythonSnappyBlock,
  pythonSnappyMissing,
  snappyBlock,
} from './prometheus-remote-write.test-support.js';

const FIXTURES = fileURLToPath(new URL('../../../test/gabbits/prometheus_fixtures/', import.meta.url));
const MAX = DEFAULT_REMOTE_WRITE_LIMITS.maxDecompressedBytes;

function refused(status: number, message: string): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof RemoteWriteError, String(e));
    assert.deepEqual([e.status, e.message], [status, message]);
    return true;
  };
}

describe('decodeWriteRequest', () => {
  test("Gnocchi's recorded Prometheus payloads: 100 series each, names, job, instance, samples", () => {
    const decode = (file: string) =>
      decodeWriteRequest(uncompressSnappy(readFileSync(`${FIXTURES}${file}.dump`), MAX));
    const first = decode('031b586e-ebe1-4737-812e-cf0ddf26f5ad');
    assert.equal(first.length, 100);
    assert.equal(new Set(first.map((s) => s.name)).size, 56);
    assert.deepEqual(
      new Set(first.map((s) => `${s.job}@${s.instance}`)),
      new Set(['prometheus@localhost:9090']),
    );
    assert.deepEqual(
      first.filter((s) => s.name === 'scrape_samples_scraped'),
      [
        {
          name: 'scrape_samples_scraped',
          job: 'prometheus',
          instance: 'localhost:9090',
          samples: [{ timestampMs: 1506146578352, value: 558 }],
        },
      ],
    );
    assert.equal(new Set(decode('a0c06674-a5ef-4621-883c-e94880a2de02').map((s) => s.name)).size, 32);
    assert.equal(new Set(decode('1ea8f6f7-eebe-49d5-8276-ceb2d56c5ba4').map((s) => s.name)).size, 18);
  });

  test('a request encoded by protobufjs reflection decodes to the same series; empty ones are dropped', () => {
    const body = encodeWriteRequest([
      {
        labels: { __name__: 'up', job: 'node', instance: 'h1:9100', env: 'prod' },
        samples: [
          [1700000000000, 1],
          [1700000015000, 0.5],
        ],
      },
      { labels: { __name__: 'empty' }, samples: [] },
      { labels: { instance: 'h2', __name__: 'temp', job: 'a', __name__2: 'x' }, samples: [[-5, -1.25]] },
      { labels: {}, samples: [[1, NaN]] },
    ]);
    const series = decodeWriteRequest(uncompressSnappy(snappyBlock(body), MAX));
    assert.equal(series.length, 3);
    assert.deepEqual(series[0], {
      name: 'up',
      job: 'node',
      instance: 'h1:9100',
      samples: [
        { timestampMs: 1700000000000, value: 1 },
        { timestampMs: 1700000015000, value: 0.5 },
      ],
    });
    assert.deepEqual(series[1], {
      name: 'temp',
      job: 'a',
      instance: 'h2',
      samples: [{ timestampMs: -5, value: -1.25 }],
    });
    assert.equal(series[2]?.name, undefined);
    assert.ok(Number.isNaN(series[2]?.samples[0]?.value));
  });

  test('unknown fields and known fields of another wire type are skipped', () => {
    const writer = protobuf.Writer.create();
    writer.uint32((9 << 3) | 0).uint32(77); // unknown varint field 9
    const series = protobuf.Writer.create();
    series.uint32((1 << 3) | 0).uint32(5); // labels as a varint: skipped
    series.uint32((1 << 3) | 2).bytes(encodeLabel('__name__', 'm'));
    series.uint32((2 << 3) | 2).bytes(
      protobuf.Writer.create()
        .uint32((1 << 3) | 1)
        .double(3)
        .finish(),
    );
    writer.uint32((1 << 3) | 2).bytes(series.finish());
    assert.deepEqual(decodeWriteRequest(writer.finish()), [
      { name: 'm', samples: [{ timestampMs: 0, value: 3 }] },
    ]);
  });

  test('truncated and malformed bodies are 400 with the offset', () => {
    const body = encodeWriteRequest([{ labels: { __name__: 'up' }, samples: [[1000, 1]] }]);
    assert.throws(
      () => decodeWriteRequest(body.subarray(0, body.length - 3)),
      refused(400, 'Unable to decode the body as a protobuf WriteRequest: truncated message at offset 2'),
    );
    assert.throws(
      () => decodeWriteRequest(Uint8Array.from([0x00, 0x01])),
      refused(
        400,
        'Unable to decode the body as a protobuf WriteRequest: invalid field number 0 at offset 1',
      ),
    );
    assert.throws(
      () => decodeWriteRequest(Uint8Array.from([0x0f])),
      refused(400, 'Unable to decode the body as a protobuf WriteRequest: invalid wire type 7 at offset 1'),
    );
  });

  test('a series with a million labels is refused at label 1,001', () => {
    const labels = Buffer.alloc(2_000_000, Uint8Array.from([0x0a, 0x00])); // a million empty LabelPairs
    const body = protobuf.Writer.create()
      .uint32((1 << 3) | 2)
      .bytes(labels)
      .finish();
    assert.throws(() => decodeWriteRequest(body), refused(400, 'Time series 1 has more than 1000 labels'));
  });

  test('more samples than the limit is 413', () => {
    const body = encodeWriteRequest([
      { labels: { __name__: 'a' }, samples: [[1, 1]] },
      {
        labels: { __name__: 'b' },
        samples: [
          [1, 1],
          [2, 2],
        ],
      },
    ]);
    assert.equal(decodeWriteRequest(body, { ...DEFAULT_REMOTE_WRITE_LIMITS, maxSamples: 3 }).length, 2);
    assert.throws(
      () => decodeWriteRequest(body, { ...DEFAULT_REMOTE_WRITE_LIMITS, maxSamples: 2 }),
      refused(413, 'The body has more than 2 samples'),
    );
  });
});

describe('fuzz', () => {
  test('5,000 mutated and random bodies: decoded or refused with RemoteWriteError, never anything else', () => {
    let seed = 12345;
    const next = (): number => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 4294967296;
    };
    const valid = encodeWriteRequest([
      {
        labels: { __name__: 'up', job: 'node', instance: 'h:1' },
        samples: [
          [1000, 1],
          [2000, 2],
        ],
      },
      { labels: { __name__: 'x' }, samples: [[3000, 3]] },
    ]);
    for (let n = 0; n < 5000; n++) {
      const body = Buffer.from(n % 2 === 0 ? valid : snappyBlock(valid));
      for (let flips = 1 + Math.floor(next() * 4); flips > 0; flips--) {
        body[Math.floor(next() * body.length)] = Math.floor(next() * 256);
      }
      const cut = next() < 0.3 ? body.subarray(0, Math.floor(next() * body.length)) : body;
      try {
        const series = decodeWriteRequest(n % 2 === 0 ? cut : uncompressSnappy(cut, 1 << 20));
        for (const one of series) assert.ok(one.samples.length > 0);
      } catch (e) {
        assert.ok(e instanceof RemoteWriteError, String(e));
      }
    }
  });
});

function encodeLabel(name: string, value: string): Uint8Array {
  return protobuf.Writer.create()
    .uint32((1 << 3) | 2)
    .string(name)
    .uint32((2 << 3) | 2)
    .string(value)
    .finish();
}

describe('uncompressSnappy', () => {
  test('the declared length is read before anything is allocated', () => {
    assert.equal(snappyDeclaredLength(Uint8Array.from([0x10])), 16);
    assert.equal(snappyDeclaredLength(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f])), 4294967295);
    assert.equal(snappyDeclaredLength(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x1f])), undefined);
    assert.equal(snappyDeclaredLength(Uint8Array.from([0x80])), undefined);
    assert.equal(snappyDeclaredLength(Uint8Array.from([])), undefined);
  });

  test('a zip bomb declaring 4 GiB is 413 without decompressing', () => {
    assert.throws(
      () => uncompressSnappy(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00]), MAX),
      refused(413, `The body decompresses to 4294967295 bytes, more than the limit of ${MAX} bytes`),
    );
    // A real block of 1 MiB of zeros (about 48 kB) against a 1 MB limit.
    const block = snappyBlock(new Uint8Array(1 << 20));
    assert.throws(
      () => uncompressSnappy(block, 1_000_000),
      refused(413, 'The body decompresses to 1048576 bytes, more than the limit of 1000000 bytes'),
    );
    assert.equal(uncompressSnappy(block, 1 << 20).length, 1 << 20);
  });

  test('corrupt blocks are 400, the one that hangs snappyjs 0.7.0 too', () => {
    assert.throws(
      () => uncompressSnappy(Uint8Array.from([0x10, 0xfc, 0xfa, 0xff, 0xff, 0xff]), MAX),
      refused(400, 'Unable to decompress the body: snappy: unsupported literal length'),
    );
    assert.throws(
      () => uncompressSnappy(Uint8Array.from([0x05, 0x01, 0x00]), MAX),
      refused(400, 'Unable to decompress the body: snappy: corrupt block'),
    );
    assert.throws(() => uncompressSnappy(Buffer.from('not snappy'), MAX), RemoteWriteError);
    assert.throws(
      () => uncompressSnappy(Uint8Array.from([]), MAX),
      refused(400, 'Unable to decompress the body: not a snappy block'),
    );
  });

  test('python3-snappy blocks decompress to the same bytes', { skip: pythonSnappyMissing() }, () => {
    const data = encodeWriteRequest([{ labels: { __name__: 'up', job: 'j' }, samples: [[5, 1]] }]);
    assert.deepEqual(Buffer.from(uncompressSnappy(pythonSnappyBlock(data), MAX)), Buffer.from(data));
  });
});
