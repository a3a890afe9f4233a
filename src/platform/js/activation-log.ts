// What an action prints during one activation, captured inside its container as OpenWhisk returns it in
// an activation's `logs`. Imports only Node's built-in modules (it runs in the container).

/** Most lines one activation's log keeps. */
export const MAX_ACTIVATION_LOG_LINES = 1000;

/** The note ending a log cut at its bounds. */
export const LOG_CUT = 'Logs were truncated because the total bytes size exceeds the limit.';

type Write = typeof process.stdout.write;

/**
 * Captures the lines written to `process.stdout` and `process.stderr` (console.* included) between
 * {@link start} and {@link stop}, each as OpenWhisk formats it (`<ISO time> stdout: <text>`), at most
 * `maxBytes` of text and {@link MAX_ACTIVATION_LOG_LINES} lines, then {@link LOG_CUT}; the writes still
 * reach the streams. A line not ended by the stop is kept as it is.
 */
export class ActivationLog {
  private lines: string[] = [];
  private bytes = 0;
  private cut = false;
  private partial = { stdout: '', stderr: '' };
  private readonly originals: { stdout: Write; stderr: Write };

  constructor(private readonly maxBytes: number) {
    // Kept unbound, to be put back as they were.
    this.originals = {
      stdout: Reflect.get<typeof process.stdout, 'write'>(process.stdout, 'write'),
      stderr: Reflect.get<typeof process.stderr, 'write'>(process.stderr, 'write'),
    };
  }

  /** Starts capturing (an empty log). */
  start(): void {
    this.lines = [];
    this.bytes = 0;
    this.cut = false;
    this.partial = { stdout: '', stderr: '' };
    for (const stream of ['stdout', 'stderr'] as const) {
      const original = this.originals[stream];
      const target = process[stream];
      const capture = (chunk: unknown, ...rest: unknown[]): boolean => {
        this.take(stream, chunk);
        return (original as (...a: unknown[]) => boolean).call(target, chunk, ...rest);
      };
      target.write = capture;
    }
  }

  /** Stops capturing; the lines captured. */
  stop(): string[] {
    process.stdout.write = this.originals.stdout;
    process.stderr.write = this.originals.stderr;
    for (const stream of ['stdout', 'stderr'] as const) {
      if (this.partial[stream] !== '') this.add(stream, this.partial[stream]);
    }
    const lines = this.lines;
    this.lines = [];
    return lines;
  }

  private take(stream: 'stdout' | 'stderr', chunk: unknown): void {
    if (this.cut) return;
    const text =
      typeof chunk === 'string'
        ? chunk
        : chunk instanceof Uint8Array
          ? Buffer.from(chunk).toString('utf8')
          : '';
    const parts = (this.partial[stream] + text).split('\n');
    this.partial[stream] = parts.pop()!.slice(0, this.maxBytes);
    for (const line of parts) this.add(stream, line);
  }

  private add(stream: 'stdout' | 'stderr', text: string): void {
    if (this.cut) return;
    const line = `${new Date().toISOString()} ${stream}: ${text}`;
    const size = Buffer.byteLength(line);
    if (this.bytes + size > this.maxBytes || this.lines.length >= MAX_ACTIVATION_LOG_LINES) {
      this.cut = true;
      this.lines.push(`${new Date().toISOString()} stderr: ${LOG_CUT}`);
      return;
    }
    this.bytes += size;
    this.lines.push(line);
  }
}
