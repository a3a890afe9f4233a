import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseRecords, RecordKind } from './journal.js';
import { JournalQuarantine, QUARANTINE_FILE } from './journal-quarantine.js';

test('quarantined records are appended framed as in the journal and counted across opens', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'soe-quarantine-'));
  const first = new JournalQuarantine(dir);
  await first.open();
  assert.equal(first.size, 0);
  await first.keep({ kind: RecordKind.Index, payload: Buffer.from('{"op":') });
  await first.keep({ kind: RecordKind.Measures, payload: Buffer.from([1, 2, 3]) });
  assert.equal(first.size, 2);
  assert.equal(first.path, join(dir, QUARANTINE_FILE));
  const again = new JournalQuarantine(dir);
  await again.open();
  assert.equal(again.size, 2);
  const { records } = parseRecords(readFileSync(join(dir, QUARANTINE_FILE)));
  assert.deepEqual(
    records.map((r) => [r.kind, r.payload.toString('hex')]),
    [
      [RecordKind.Index, Buffer.from('{"op":').toString('hex')],
      [RecordKind.Measures, '010203'],
    ],
  );
});
