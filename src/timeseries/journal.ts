import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { logger } from '../support/logger.js';
import { nodeStoreFs, syncDirectory, writeFully, type StoreFileHandle, type StoreFs } from './store-fs.js';

const log = logger('timeseries');

/** Record kinds of the journal. */
export const enum RecordKind {
  /** A JSON index change: one op, or an array of ops applied together (all or nothing). */
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

/** The end of the intact record framed at `pos`, or -1 (torn, out of bounds, unknown kind or bad CRC). */
function recordEnd(bytes: Buffer, pos: number): number {
  if (pos + HEADER > bytes.length) return -1;
  const end = pos + HEADER + bytes.readUInt32LE(pos);
  if (end > bytes.length) return -1;
  const kind = bytes.readUInt8(pos + 8);
  if (kind !== (RecordKind.Index as number) && kind !== (RecordKind.Measures as number)) return -1;
  return crc32(bytes.subarray(pos + 8, end)) === bytes.readUInt32LE(pos + 4) ? end : -1;
}

/** Parses the records of a segment; stops at a torn or corrupt tail (a crash mid-write). */
export function parseRecords(bytes: Buffer): { records: JournalRecord[]; validLength: number } {
  const records: JournalRecord[] = [];
  let pos = 0;
  while (pos + HEADER <= bytes.length) {
    const end = recordEnd(bytes, pos);
    if (end < 0) break;
    records.push({ kind: bytes.readUInt8(pos + 8), payload: bytes.subarray(pos + HEADER, end) });
    pos = end;
  }
  return { records, validLength: pos };
}

/** What {@link scanRecords} found in a segment. */
export interface SegmentScan {
  records: JournalRecord[];
  /** Corrupt stretches followed by intact records: where each starts and how many bytes were skipped. */
  corrupt: { offset: number; bytes: number }[];
  /** Bytes after the last intact record that no intact record follows (a write torn by a crash). */
  tailBytes: number;
}

/**
 * Reads every intact record of a segment. A record that is torn or garbled in the middle of the segment
 * is skipped by searching, byte by byte, for the next offset where an intact record is framed (its
 * length in bounds, a known kind and a matching CRC-32), so the records after it are still read.
 */
export function scanRecords(bytes: Buffer): SegmentScan {
  const scan: SegmentScan = { records: [], corrupt: [], tailBytes: 0 };
  let pos = 0;
  while (pos < bytes.length) {
    let end = recordEnd(bytes, pos);
    if (end < 0) {
      let next = pos + 1;
      while (next + HEADER <= bytes.length && (end = recordEnd(bytes, next)) < 0) next++;
      if (end < 0) {
        scan.tailBytes = bytes.length - pos;
        break;
      }
      scan.corrupt.push({ offset: pos, bytes: next - pos });
      pos = next;
    }
    scan.records.push({ kind: bytes.readUInt8(pos + 8), payload: bytes.subarray(pos + HEADER, end) });
    pos = end;
  }
  return scan;
}

/** An append waiting for the disk. */
interface Pending {
  records: Buffer[];
  onDurable: (() => void) | undefined;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Counters of a journal since it was opened. */
export interface JournalCounters {
  /** Appends whose write or sync failed. */
  writeFailures: number;
  /** The error of the last failed append. */
  lastWriteError: Error | undefined;
  /** Corrupt records met mid-segment by {@link Journal.replay}. */
  corruptRecords: number;
  /** Bytes skipped past them. */
  skippedBytes: number;
}

/**
 * A write-ahead journal in numbered segment files with group commit: records appended while a write is
 * in flight go out together in the next write, and every append resolves only once its bytes are
 * fdatasync'ed (its `onDurable` called first, in journal order, so the caller applies exactly what is
 * durable). A failed write or sync rejects its appends and truncates the segment back to its last
 * durable byte, so nothing of a failed append is ever replayed; if even that fails, every later append
 * retries the truncation first, so the journal recovers by itself once the disk does (space freed).
 * {@link rotate} starts a new segment between two writes, so that older ones can be deleted after a
 * checkpoint. File-system calls go through a {@link StoreFs}.
 */
export class Journal {
  private handle: StoreFileHandle | undefined;
  private seq = 0;
  /** Durable bytes of the current segment. */
  private offset = 0;
  /** True while bytes past `offset` may be in the current segment (a write in flight or failed). */
  private damaged = false;
  private queue: Pending[] = [];
  private rotations: { resolve: (seq: number) => void; reject: (err: unknown) => void }[] = [];
  private writing: Promise<void> | undefined;
  /** Bytes of each segment on disk, oldest first. */
  private readonly sizes = new Map<number, number>();
  /** Failures and corruption seen. */
  readonly counters: JournalCounters = {
    writeFailures: 0,
    lastWriteError: undefined,
    corruptRecords: 0,
    skippedBytes: 0,
  };

  constructor(
    readonly dir: string,
    private readonly fs: StoreFs = nodeStoreFs,
  ) {}

  /**
   * Every intact record of the existing segments, oldest first, and the segment numbers found. Corrupt
   * records in the middle of a segment are skipped, counted and logged with their segment and offset.
   */
  async replay(): Promise<{ records: JournalRecord[]; segments: number[] }> {
    const segments = (await this.fs.readdir(this.dir))
      .map((f) => /^journal-(\d+)\.log$/.exec(f))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => Number(m[1]))
      .sort((a, b) => a - b);
    const records: JournalRecord[] = [];
    for (const s of segments) {
      const bytes = await this.fs.readFile(join(this.dir, segmentName(s)));
      const scan = scanRecords(bytes);
      for (const c of scan.corrupt) {
        this.counters.corruptRecords++;
        this.counters.skippedBytes += c.bytes;
        log.warn(
          `journal segment ${segmentName(s)}: corrupt record at offset ${c.offset}, ` +
            `${c.bytes} bytes skipped to the next intact record`,
        );
      }
      if (scan.tailBytes > 0) {
        log.info(
          `journal segment ${segmentName(s)}: ${scan.tailBytes} bytes of a torn write at its end ignored`,
        );
      }
      records.push(...scan.records);
      this.sizes.set(s, bytes.length);
    }
    return { records, segments };
  }

  /** Opens a fresh segment numbered after `after` and syncs the directory (its name is durable). */
  async start(after: number): Promise<void> {
    const seq = after + 1;
    const handle = await this.fs.open(join(this.dir, segmentName(seq)), 'a');
    try {
      await syncDirectory(this.fs, this.dir);
    } catch (err) {
      await handle.close().catch(() => undefined);
      throw err;
    }
    this.handle = handle;
    this.seq = seq;
    this.offset = 0;
    this.damaged = false;
    this.sizes.set(seq, 0);
  }

  /** The current segment number. */
  get segment(): number {
    return this.seq;
  }

  /** Segment files on disk and their bytes. */
  get size(): { segments: number; bytes: number } {
    let bytes = 0;
    for (const b of this.sizes.values()) bytes += b;
    return { segments: this.sizes.size, bytes };
  }

  /**
   * Appends records; resolves once they are on disk, after calling `onDurable` (synchronously, in the
   * order of the journal). Rejects with the file-system error if they could not be written.
   */
  append(records: Buffer[], onDurable?: () => void): Promise<void> {
    const done = new Promise<void>((resolve, reject) =>
      this.queue.push({ records, onDurable, resolve, reject }),
    );
    this.writing ??= this.drain();
    return done;
  }

  /**
   * Switches appends to a new segment after the write in flight: every record appended before the call
   * whose `onDurable` has run is in an older segment. Returns the new number.
   */
  rotate(): Promise<number> {
    const done = new Promise<number>((resolve, reject) => this.rotations.push({ resolve, reject }));
    this.writing ??= this.drain();
    return done;
  }

  /** Deletes the segments numbered below `seq` (call once a checkpoint covering them is durable). */
  async deleteBefore(seq: number): Promise<void> {
    for (const s of [...this.sizes.keys()]) {
      if (s >= seq) continue;
      await this.fs.unlink(join(this.dir, segmentName(s))).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
      this.sizes.delete(s);
    }
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
      while (this.queue.length > 0 || this.rotations.length > 0) {
        if (this.rotations.length > 0) await this.rotateNow();
        else await this.writeBatch();
      }
    } finally {
      this.writing = undefined;
    }
  }

  /** Repairs the current segment if needed, then opens the next one and closes the current one. */
  private async rotateNow(): Promise<void> {
    const waiters = this.rotations;
    this.rotations = [];
    try {
      if (this.damaged) await this.repair();
      const previous = this.handle;
      await this.start(this.seq);
      await previous?.close().catch(() => undefined);
      for (const w of waiters) w.resolve(this.seq);
    } catch (err) {
      for (const w of waiters) w.reject(err);
    }
  }

  /** Writes and syncs what is queued to the segment it started in; a failure rejects that batch only. */
  private async writeBatch(): Promise<void> {
    const batch = this.queue;
    this.queue = [];
    const handle = this.handle!;
    try {
      if (this.damaged) await this.repair();
      const bytes = Buffer.concat(batch.flatMap((p) => p.records));
      this.damaged = true;
      await writeFully(handle, bytes);
      await handle.datasync();
      this.damaged = false;
      this.offset += bytes.length;
      this.sizes.set(this.seq, this.offset);
    } catch (err) {
      this.counters.writeFailures++;
      this.counters.lastWriteError = err as Error;
      for (const p of batch) p.reject(err);
      await this.repair().catch(() => undefined);
      return;
    }
    for (const p of batch) {
      try {
        p.onDurable?.();
        p.resolve();
      } catch (err) {
        p.reject(err);
      }
    }
  }

  /** Cuts the current segment back to its durable bytes (nothing of a failed append stays in it). */
  private async repair(): Promise<void> {
    await this.handle!.truncate(this.offset);
    await this.handle!.datasync();
    this.damaged = false;
  }
}
