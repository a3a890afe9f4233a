import assert from 'node:assert/strict';
import { test } from 'node:test';
import { frameRecord, RecordKind, scanRecords } from './journal.js';

const record = (text: string): Buffer => frameRecord(RecordKind.Index, Buffer.from(JSON.stringify(text)));
const texts = (bytes: Buffer): string[] =>
  scanRecords(bytes).records.map((r) => JSON.parse(r.payload.toString('utf8')) as string);

test('scanRecords skips garbage in the middle of a segment and reads the intact records after it', () => {
  const a = record('a');
  const garbage = Buffer.from([9, 0, 0, 0, 1, 2, 3]);
  const segment = Buffer.concat([a, garbage, record('b'), record('c')]);
  assert.deepEqual(texts(segment), ['a', 'b', 'c']);
  assert.deepEqual(scanRecords(segment).corrupt, [{ offset: a.length, bytes: garbage.length }]);
  assert.equal(scanRecords(segment).tailBytes, 0);
});

test('scanRecords counts a garbled record (bad CRC) as corrupt, not what follows it', () => {
  const garbled = record('b');
  garbled.writeUInt8(garbled[10]! ^ 1, 10);
  const segment = Buffer.concat([record('a'), garbled, record('c')]);
  assert.deepEqual(texts(segment), ['a', 'c']);
  assert.deepEqual(scanRecords(segment).corrupt, [{ offset: record('a').length, bytes: garbled.length }]);
});

test('a torn write at the end of a segment is its tail, not corruption', () => {
  const torn = record('b').subarray(0, 11);
  const segment = Buffer.concat([record('a'), torn]);
  assert.deepEqual(texts(segment), ['a']);
  assert.deepEqual([scanRecords(segment).corrupt, scanRecords(segment).tailBytes], [[], torn.length]);
  assert.deepEqual(scanRecords(Buffer.from('not a journal')), { records: [], corrupt: [], tailBytes: 13 });
});
