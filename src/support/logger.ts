/**
 * Logging to standard error in glog's line format (`I1126 16:53:16.123456 4242 computer] text`).
 * Errors, warnings and info always print; `debug(n, …)` prints when the verbosity is at least n.
 * The verbosity comes from `SOE_LOG` (or glog's `GLOG_v`) and each `--verbose` on the command line.
 */

/** Log severities, most severe first. */
export type Severity = 'E' | 'W' | 'I' | 'D';

let verbosity = Number(process.env.SOE_LOG ?? process.env.GLOG_v ?? 0) || 0;
let sink: (line: string) => void = (line) => process.stderr.write(line);

/** Sets the verbosity threshold of `debug` messages. */
export function setVerbosity(level: number): void {
  verbosity = level;
}

/** The current verbosity threshold. */
export function getVerbosity(): number {
  return verbosity;
}

/** Redirects log lines (tests capture them this way); returns a function restoring the previous sink. */
export function setLogSink(next: (line: string) => void): () => void {
  const previous = sink;
  sink = next;
  return () => {
    sink = previous;
  };
}

function pad(n: number, width = 2): string {
  return n.toString().padStart(width, '0');
}

function line(severity: Severity, component: string, text: string): string {
  const d = new Date();
  const micros = pad(d.getMilliseconds(), 3) + '000';
  return (
    `${severity === 'D' ? 'I' : severity}${pad(d.getMonth() + 1)}${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${micros} ${process.pid} ${component}] ${text}\n`
  );
}

/** A logger for one component. */
export class Logger {
  constructor(readonly component: string) {}

  error(text: string): void {
    sink(line('E', this.component, text));
  }

  warn(text: string): void {
    sink(line('W', this.component, text));
  }

  info(text: string): void {
    sink(line('I', this.component, text));
  }

  /** Logs when the verbosity is at least `level` (glog's `VLOG(level)`); `text` may be lazy. */
  debug(level: number, text: string | (() => string)): void {
    if (verbosity >= level) sink(line('D', this.component, typeof text === 'function' ? text() : text));
  }
}

/** A logger for a component name. */
export function logger(component: string): Logger {
  return new Logger(component);
}
