/**
 * Prometheus metrics in the text exposition format 0.0.4: a {@link PrometheusRegistry} of counters and
 * gauges with labels, and its {@link PrometheusRegistry.render} as a scraper reads it (`# HELP`, `# TYPE`,
 * one sample per line, label values escaped). Counters are named with `_total`. A metric keeps at most
 * `maxSeries` label sets (default {@link DEFAULT_MAX_SERIES}): new ones beyond are not recorded, so a
 * label fed by input cannot grow memory without bound.
 */

/** The Content-Type of {@link PrometheusRegistry.render}'s text. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** The default bound on the label sets of one metric. */
export const DEFAULT_MAX_SERIES = 1000;

/** Label values by label name. */
export type Labels = Readonly<Record<string, string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** What {@link escapeLabelValue} changes (most values hold none of it). */
const NEEDS_ESCAPE = /[\\"\n]/;

/** A sample value as the format writes it: `+Inf`, `-Inf`, `NaN`, else the shortest decimal. */
export function formatSampleValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Infinity) return '+Inf';
  if (value === -Infinity) return '-Inf';
  return String(value);
}

/** A label value escaped for the format: backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** A `# HELP` text escaped for the format: backslash and line feed. */
export function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

/** One label set of a metric and its value. */
interface Series {
  /** The rendered label set (`{a="x",b="y"}`, or '' without labels). */
  readonly labels: string;
  value: number;
}

/** Series by the value of the first label, then the next...; the last level holds the series. */
type SeriesIndex = Map<string, SeriesIndex | Series>;

/**
 * What counters and gauges share: their name, help, label names and samples by label set. A label set is
 * found through one small map per label (no key string built per update: an update costs a few map
 * look-ups), and series render in the order they appeared.
 */
abstract class Metric {
  private readonly index: SeriesIndex = new Map();
  private readonly series: Series[] = [];

  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[],
    private readonly maxSeries: number,
  ) {
    if (!METRIC_NAME.test(name)) throw new Error(`Invalid Prometheus metric name '${name}'`);
    for (const label of labelNames) {
      if (!LABEL_NAME.test(label) || label.startsWith('__'))
        throw new Error(`Invalid Prometheus label name '${label}' of ${name}`);
    }
    if (new Set(labelNames).size !== labelNames.length)
      throw new Error(`Duplicate Prometheus label name in ${name}`);
  }

  /** The Prometheus type written in `# TYPE`. */
  abstract readonly type: 'counter' | 'gauge';

  /** The values of `labels` in label-name order; throws unless they name exactly the metric's labels. */
  private values(labels: Labels | undefined): string[] {
    const names = this.labelNames;
    let count = 0;
    for (const name in labels) if (Object.hasOwn(labels, name)) count++;
    const values: string[] = [];
    for (const name of names) {
      const value = labels?.[name];
      if (value !== undefined) values.push(value);
    }
    if (count !== names.length || values.length !== names.length) {
      throw new Error(
        names.length === 0
          ? `${this.name} has no labels`
          : `${this.name} takes the labels ${names.join(', ')}`,
      );
    }
    return values;
  }

  /**
   * The series of `labels`; with `create`, made if missing and the metric holds fewer than `maxSeries`
   * (else undefined: nothing is added, not even an index level).
   */
  protected find(labels: Labels | undefined, create: boolean): Series | undefined {
    const values = this.values(labels);
    const room = create && this.series.length < this.maxSeries;
    let level = this.index;
    for (let i = 0; i < values.length - 1; i++) {
      let next = level.get(values[i] as string) as SeriesIndex | undefined;
      if (next === undefined) {
        if (!room) return undefined;
        next = new Map();
        level.set(values[i] as string, next);
      }
      level = next;
    }
    const last = values.length === 0 ? '' : (values[values.length - 1] as string);
    let series = level.get(last) as Series | undefined;
    if (series === undefined && room) {
      const rendered = this.labelNames.map(
        (name, i) =>
          `${name}="${NEEDS_ESCAPE.test(values[i] as string) ? escapeLabelValue(values[i] as string) : values[i]}"`,
      );
      series = { labels: rendered.length === 0 ? '' : `{${rendered.join(',')}}`, value: 0 };
      level.set(last, series);
      this.series.push(series);
    }
    return series;
  }

  /** The value of a label set (0 if never set). */
  get(labels?: Labels): number {
    return this.find(labels, false)?.value ?? 0;
  }

  /** Forgets every label set (a gauge refilled at each scrape). */
  reset(): void {
    this.index.clear();
    this.series.length = 0;
  }

  /** The metric's lines, each ending with a line feed. */
  render(): string {
    let text = `# HELP ${this.name} ${escapeHelp(this.help)}\n# TYPE ${this.name} ${this.type}\n`;
    if (this.labelNames.length === 0 && this.series.length === 0) return `${text}${this.name} 0\n`;
    for (const s of this.series) text += `${this.name}${s.labels} ${formatSampleValue(s.value)}\n`;
    return text;
  }
}

/** A count that only goes up (requests served, errors); its name ends with `_total`. */
export class Counter extends Metric {
  readonly type = 'counter';

  /** Adds `by` (default 1, never negative) to a label set. */
  inc(labels?: Labels, by = 1): void {
    if (!(by >= 0)) throw new Error(`${this.name} can only increase (by ${by})`);
    const series = this.find(labels, true);
    if (series !== undefined) series.value += by;
  }

  /** Sets a label set to a total counted elsewhere since start (which never decreases). */
  setTotal(value: number, labels?: Labels): void {
    const series = this.find(labels, true);
    if (series !== undefined) series.value = value;
  }
}

/** A value that goes up and down (sizes, counts of things now, timestamps). */
export class Gauge extends Metric {
  readonly type = 'gauge';

  /** Sets a label set's value. */
  set(value: number, labels?: Labels): void {
    const series = this.find(labels, true);
    if (series !== undefined) series.value = value;
  }
}

/** Options of {@link PrometheusRegistry}. */
export interface PrometheusRegistryOptions {
  /** Label sets kept per metric (default {@link DEFAULT_MAX_SERIES}). */
  maxSeries?: number;
}

/** The metrics of one component, rendered together in registration order. */
export class PrometheusRegistry {
  private readonly metrics = new Map<string, Metric>();
  private readonly maxSeries: number;

  constructor(options: PrometheusRegistryOptions = {}) {
    this.maxSeries = options.maxSeries ?? DEFAULT_MAX_SERIES;
  }

  private add<M extends Metric>(metric: M): M {
    if (this.metrics.has(metric.name)) throw new Error(`Prometheus metric ${metric.name} registered twice`);
    this.metrics.set(metric.name, metric);
    return metric;
  }

  /** Registers a counter; its name must end with `_total`. */
  counter(name: string, help: string, labelNames: readonly string[] = []): Counter {
    if (!name.endsWith('_total')) throw new Error(`Prometheus counter ${name} must end with _total`);
    return this.add(new Counter(name, help, labelNames, this.maxSeries));
  }

  /** Registers a gauge. */
  gauge(name: string, help: string, labelNames: readonly string[] = []): Gauge {
    return this.add(new Gauge(name, help, labelNames, this.maxSeries));
  }

  /** The text exposition (format 0.0.4) of every metric, served as {@link PROMETHEUS_CONTENT_TYPE}. */
  render(): string {
    let text = '';
    for (const metric of this.metrics.values()) text += metric.render();
    return text;
  }
}
