import { formatG } from '../support/number-format.js';

/** One event of a load trace: send `lambda` with a `size`-byte input to `endpoint` at `time`. */
export interface TraceEvent {
  /** Seconds since the start of the replay. */
  time: number;
  lambda: string;
  endpoint: string;
  /** Input size in bytes. */
  size: number;
}

/**
 * The trace line of an event, `<time> <lambda> <endpoint> <size>`, without the newline. The time prints
 * like a C++ stream (`%g`, 6 significant digits), as the original `clienttracegen` did; the formatting is
 * exact decimal arithmetic, so the same number gives the same text everywhere.
 */
export function formatTraceLine(event: TraceEvent): string {
  return `${formatG(event.time)} ${event.lambda} ${event.endpoint} ${event.size}`;
}
