import { open, readdir, readFile, unlink, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';

/** Record kinds of the journal. */
export const enum RecordKind {
  /** A JSON index change. */
  Index = 1,
  /** Measures of one metric (binary). */
  Measures = 2,
}

/** One record read back from the journal. */
export interface JournalRecord {
  kind: RecordKind;
  payload: Buffer;
}

const HEADER = 9; // u32 length, u32 crc32, u8 kind

function segmentName(seq: number): string {
  return `journal-${seq.toString().padStart(10, '0')}.log`;
}

/** Frames a record: length, CRC-32 of kind+payload, kind, payload. */
export function frameRecord(kind: RecordKind, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(HEADER + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeUInt8(kind, 8);
  payload.copy(out, HEADER);
  out.writeUInt32LE(crc32(out.subarray(8)), 4);
  return out;
}

/** Parses the records of a segment; stops at a torn or corrupt tail (a crash mid-write). */
export function parseRecords(bytes: Buffer): { records: JournalRecord[]; validLength: number } {
  const records: JournalRecord[] = [];
  let pos = 0;
  while (pos + HEADER <= bytes.length) {
    const length = bytes.readUInt32LE(pos);
    const end = pos + HEADER + length;
    if (end > bytes.length) break;
    if (crc32(bytes.subarray(pos + 8, end)) !== bytes.readUInt32LE(pos + 4)) break;
    records.push({
      kind: bytes.readUInt8(pos + 8),
      payload: bytes.subarray(pos + HEADER, end),
    });
    pos = end;
  }
  return { records, validLength: pos };
}

/**
 * A write-ahead journal in numbered segment files with group commit: records appended while a write is
 * in flight go out together in the next write, and every append resolves only once its bytes are
 * fdatasync'ed. {@link rotate} starts a new segment so that older ones can be deleted after a checkpoint.
 */
export class Journal {
  private handle: FileHandle | undefined;
  private seq = 0;
  private queue: Buffer[] = [];
  private waiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  private failure: Error | undefined;
  /** Segment numbers on disk, oldest first. */
  private segments: number[] = [];

  constructor(readonly dir: string) {}

  /** Every record of the existing segments, oldest first, and the segment numbers found. */
  async replay(): Promise<{ records: JournalRecord[]; segments: number[] }> {
    const segments = (await readdir(this.dir))
      .map((f) => /^journal-(\d+)\.log$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const records: JournalRecord[] = [];
    for (const s of segments)
      records.push(...parseRecords(await readFile(join(this.dir, segmentName(s)))).records);
    this.segments = segments;
    return { records, segments };
  }

  /** Opens a fresh segment numbered after `after`. */
  async start(after: number): Promise<void> {
    this.seq = after + 1;
    this.handle = await open(join(this.dir, segmentName(this.seq)), 'a');
    this.segments.push(this.seq);
  }

  /** The current segment number. */
  get segment(): number {
    return this.seq;
  }

  /** Appends records; resolves once they are on disk. */
  append(records: Buffer[]): Promise<void> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.queue.push(...records);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.writing ??= this.drain();
    return done;
  }

  /** Switches appends to a new segment (after what is queued is written); returns the new number. */
  async rotate(): Promise<number> {
    await this.idle();
    const previous = this.handle;
    await this.start(this.seq);
    await previous?.close();
    return this.seq;
  }

  /** Deletes the segments numbered below `seq`. */
  async deleteBefore(seq: number): Promise<void> {
    const old = this.segments.filter((s) => s < seq);
    this.segments = this.segments.filter((s) => s >= seq);
    for (const s of old) await unlink(join(this.dir, segmentName(s)));
  }

  /** Waits until everything appended is on disk. */
  async idle(): Promise<void> {
    while (this.writing !== undefined) await this.writing;
  }

  /** Flushes and closes the current segment. */
  async close(): Promise<void> {
    await this.idle();
    await this.handle?.close();
    this.handle = undefined;
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const batch = Buffer.concat(this.queue);
        const waiters = this.waiters;
        this.queue = [];
        this.waiters = [];
        try {
          await this.handle!.write(batch);
          await this.handle!.datasync();
          for (const w of waiters) w.resolve();
        } catch (err) {
          this.failure = err as Error;
          for (const w of [...waiters, ...this.waiters]) w.reject(err);
          this.waiters = [];
          this.queue = [];
        }
      }
    } finally {
      this.writing = undefined;
    }
  }
}
