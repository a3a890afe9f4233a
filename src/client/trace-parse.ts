import { readFileSync } from 'node:fs';
import type { TraceEvent } from './trace.js';

/** A trace that cannot be read or has a malformed line; the message names the file and the line. */
export class TraceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TraceError';
  }
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const SIZE = /^\d+$/;

/** Why a trace line is malformed, or undefined if it is a good `<time> <lambda> <endpoint> <size>` line. */
function problem(fields: readonly string[]): string | undefined {
  if (fields.length !== 4) {
    return `expected 4 fields <time> <lambda> <endpoint> <size>, found ${fields.length}`;
  }
  const [time, , , size] = fields as [string, string, string, string];
  if (!NUMBER.test(time) || !Number.isFinite(Number(time))) return `invalid time '${time}'`;
  if (!SIZE.test(size) || !Number.isSafeInteger(Number(size))) return `invalid size '${size}'`;
  return undefined;
}

/**
 * Parses a trace: one event per line, `<time> <lambda> <endpoint> <size>` separated by blanks or tabs;
 * empty lines are skipped. Unlike the original, which silently stopped at the first malformed line, a
 * malformed line is an error: `<source>:<line>: <problem>`.
 */
export function parseTrace(text: string, source = 'trace'): TraceEvent[] {
  const events: TraceEvent[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i]!.trim()
      .split(/\s+/)
      .filter((f) => f !== '');
    if (fields.length === 0) continue;
    const why = problem(fields);
    if (why !== undefined) throw new TraceError(`${source}:${i + 1}: ${why}`);
    const [time, lambda, endpoint, size] = fields as [string, string, string, string];
    events.push({ time: Number(time), lambda, endpoint, size: Number(size) });
  }
  return events;
}

/**
 * Reads and parses a trace file (`/dev/stdin` or `-`: standard input). A file that cannot be read is an
 * error (`Cannot read trace file '<path>': …`), where the original replayed 0 events.
 */
export function readTrace(path: string): TraceEvent[] {
  let text: string;
  try {
    text = readFileSync(path === '/dev/stdin' || path === '-' ? 0 : path, 'utf8');
  } catch (err) {
    throw new TraceError(`Cannot read trace file '${path}': ${(err as Error).message}`);
  }
  return parseTrace(text, path);
}
