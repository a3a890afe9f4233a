import type { Logger } from '../support/logger.js';
import { defineOptions } from '../support/options.js';
import type { EdgeResourceAttributes, EdgeResourceType } from './contract.js';
import { startMetricsServer, type MetricsServer } from './metrics-server.js';
import { renderPrometheus } from './prometheus-figures.js';
import type { FigureSource, Reading } from './readings.js';
import { TELEMETRY_DESCRIPTION, parseTelemetryConf } from './telemetry-conf.js';
import { Telemetry } from './telemetry.js';

/** The options of every component that reports: `--telemetry` and `--metrics-endpoint`. */
export const TELEMETRY_OPTIONS = defineOptions([
  { name: 'telemetry', kind: 'string', default: '', description: TELEMETRY_DESCRIPTION },
  {
    name: 'metrics-endpoint',
    kind: 'string',
    default: '',
    description: 'serve the same figures to Prometheus on HOST:PORT (GET /metrics); empty: none',
  },
]);

/** A component's reporting: its telemetry and its `/metrics` server, either or both. */
export interface ComponentTelemetry {
  readonly telemetry: Telemetry | undefined;
  readonly metrics: MetricsServer | undefined;
  /** Stops both (a last sample is sent if the service is reachable). */
  stop(): Promise<void>;
}

/** What {@link startComponentTelemetry} needs. */
export interface ComponentTelemetryOptions {
  type: EdgeResourceType;
  /** The component's endpoint, which names its resource. */
  name: string;
  attributes?: Omit<EdgeResourceAttributes, 'endpoint' | 'host' | 'pid'>;
  source: FigureSource;
  /** `--telemetry` text ('' or undefined: none). */
  telemetry?: string;
  /** `--metrics-endpoint` ('' or undefined: none). */
  metricsEndpoint?: string;
  /** Where the secrets are read (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  log?: Logger;
}

/** Whether a command was asked to report (`--telemetry` or `--metrics-endpoint` given). */
export function wantsTelemetry(o: { telemetry?: string; 'metrics-endpoint'?: string }): boolean {
  return (o.telemetry ?? '') !== '' || (o['metrics-endpoint'] ?? '') !== '';
}

/** Starts a component's telemetry and `/metrics` server as asked; fails on a bad option, naming it. */
export async function startComponentTelemetry(
  options: ComponentTelemetryOptions,
): Promise<ComponentTelemetry> {
  const conf = parseTelemetryConf(options.telemetry ?? '', options.env ?? process.env);
  const telemetry =
    conf === undefined
      ? undefined
      : new Telemetry({
          conf,
          type: options.type,
          name: options.name,
          source: options.source,
          ...(options.attributes !== undefined ? { attributes: options.attributes } : {}),
          ...(options.log !== undefined ? { log: options.log } : {}),
        }).start();
  let metrics: MetricsServer | undefined;
  const endpoint = options.metricsEndpoint ?? '';
  if (endpoint !== '') {
    try {
      metrics = await startMetricsServer(endpoint, () => {
        const readings: Reading[] = [];
        options.source(readings);
        const extra: Record<string, number> = {};
        if (telemetry !== undefined) {
          const { sent, dropped } = telemetry.stats();
          Object.assign(extra, { sent, dropped });
        }
        return renderPrometheus(options.type, readings, extra);
      });
    } catch (err) {
      await telemetry?.close(false);
      throw err;
    }
  }
  return {
    telemetry,
    metrics,
    async stop() {
      await Promise.all([telemetry?.close(), metrics?.stop()]);
    },
  };
}
