/**
 * Journal records that cannot be replayed (a payload that does not decode, a measure outside the accepted
 * range written by an older version, an index change that fails) are kept aside in `quarantine.log` beside
 * the journal, framed as in a journal segment (so `parseRecords` reads them back), instead of stopping or
 * hanging the start of the store; the store counts them in its status.
 */
import { join } from 'node:path';
import { frameRecord, parseRecords, type JournalRecord } from './journal.js';
import { nodeStoreFs, writeFully, type StoreFs } from './store-fs.js';

/** The file of quarantined records, in the journal's directory. */
export const QUARANTINE_FILE = 'quarantine.log';

/** The quarantine file of one journal directory. */
export class JournalQuarantine {
  private count = 0;

  constructor(
    readonly dir: string,
    private readonly fs: StoreFs = nodeStoreFs,
  ) {}

  /** The path of the quarantine file. */
  get path(): string {
    return join(this.dir, QUARANTINE_FILE);
  }

  /** Counts the records already kept aside (none when the file does not exist). */
  async open(): Promise<void> {
    try {
      this.count = parseRecords(await this.fs.readFile(this.path)).records.length;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      this.count = 0;
    }
  }

  /** Records kept aside so far, over every start. */
  get size(): number {
    return this.count;
  }

  /** Appends a record to the file and syncs it before resolving. */
  async keep(record: JournalRecord): Promise<void> {
    const handle = await this.fs.open(this.path, 'a');
    try {
      await writeFully(handle, frameRecord(record.kind, record.payload));
      await handle.datasync();
    } finally {
      await handle.close();
    }
    this.count++;
  }
}
