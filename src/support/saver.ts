import fs from 'node:fs';
import { formatG } from './number-format.js';

/** One column of a Saver line: numbers print like C++ streams (`%g`), strings as they are. */
export type Column = number | string;

/** Options of a {@link Saver}. */
export interface SaverOptions {
  /** Prefix each line with the seconds since the Saver was created (plus `timeOffset`). Default true. */
  timestamp?: boolean;
  /** Write each line as it comes (else buffer until 64 KiB or close). Default true. */
  flush?: boolean;
  /** Append to the file instead of truncating it. Default false. */
  append?: boolean;
  /** Seconds added to every timestamp. Default 0. */
  timeOffset?: number;
}

/**
 * Writes records as text lines, values separated by single blanks, optionally prefixed by a timestamp:
 * the original system's "Saver" output format. An empty path disables it; `/dev/stdout` and
 * `/dev/stderr` write to the process's own streams without truncating them.
 */
export class Saver {
  private readonly fd: number | undefined;
  private readonly ownsFd: boolean;
  private readonly start = performance.now();
  private readonly options: Required<SaverOptions>;
  private buffer = '';
  private closed = false;

  /** Opens (truncates, or appends to) `path`; fails with `Could not open '<path>'` if it cannot. */
  constructor(path: string, options: SaverOptions = {}) {
    this.options = { timestamp: true, flush: true, append: false, timeOffset: 0, ...options };
    if (path === '') {
      this.fd = undefined;
      this.ownsFd = false;
    } else if (path === '/dev/stdout' || path === '-') {
      this.fd = 1;
      this.ownsFd = false;
    } else if (path === '/dev/stderr') {
      this.fd = 2;
      this.ownsFd = false;
    } else {
      try {
        this.fd = fs.openSync(path, this.options.append ? 'a' : 'w');
      } catch (err) {
        throw new Error(`Could not open '${path}'`, { cause: err });
      }
      this.ownsFd = true;
    }
  }

  /** Seconds since creation plus the offset: the timestamp the next line would carry. */
  elapsed(): number {
    return (performance.now() - this.start) / 1000 + this.options.timeOffset;
  }

  /** Writes one record (ignored once closed). */
  write(...columns: Column[]): void {
    if (this.fd === undefined || this.closed) return;
    const values = columns.map((c) => (typeof c === 'number' ? formatG(c) : c));
    if (this.options.timestamp) values.unshift(formatG(this.elapsed()));
    this.buffer += values.join(' ') + '\n';
    if (this.options.flush || this.buffer.length >= 65536) this.flushNow();
  }

  /**
   * Writes `text` as it is, with no timestamp, on a line of its own: a newline is added unless it ends
   * with one (ignored once closed).
   */
  writeText(text: string): void {
    if (this.fd === undefined || this.closed) return;
    this.buffer += text.endsWith('\n') ? text : `${text}\n`;
    if (this.options.flush || this.buffer.length >= 65536) this.flushNow();
  }

  /** Writes out buffered lines. */
  flushNow(): void {
    if (this.fd === undefined || this.closed || this.buffer === '') return;
    fs.writeSync(this.fd, this.buffer);
    this.buffer = '';
  }

  /** Flushes and closes the file; closing again does nothing (the descriptor may have been reused). */
  close(): void {
    if (this.closed) return;
    this.flushNow();
    this.closed = true;
    if (this.ownsFd && this.fd !== undefined) fs.closeSync(this.fd);
  }
}
