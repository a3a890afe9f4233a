/** Types of the devDependency parse-prometheus-text-format (it ships none). */
declare module 'parse-prometheus-text-format' {
  /** One sample of a family (counter and gauge families carry `value`). */
  export interface PrometheusSample {
    value: string;
    labels?: Record<string, string>;
  }
  /** One metric family of the text exposition. */
  export interface PrometheusFamily {
    name: string;
    help: string;
    type: 'COUNTER' | 'GAUGE' | 'SUMMARY' | 'HISTOGRAM' | 'UNTYPED';
    metrics: PrometheusSample[];
  }
  /** Parses Prometheus' text exposition format; throws on malformed text. */
  export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
}
