import type { OptionValues } from '../support/options.js';
import {
  startComponentTelemetry,
  type ComponentTelemetry,
  type ComponentTelemetryOptions,
  type TELEMETRY_OPTIONS,
} from '../telemetry/component-telemetry.js';
import { parseTelemetryConf } from '../telemetry/telemetry-conf.js';
import { parseMetricsEndpoint } from '../telemetry/metrics-server.js';

/** The `--telemetry` and `--metrics-endpoint` values of a command. */
export type ReportingOptions = OptionValues<typeof TELEMETRY_OPTIONS>;

/** Checks `--telemetry` and `--metrics-endpoint` before anything starts; fails naming the bad one. */
export function checkReportingOptions(o: ReportingOptions): void {
  parseTelemetryConf(o.telemetry, process.env);
  if (o['metrics-endpoint'] !== '') parseMetricsEndpoint(o['metrics-endpoint']);
}

/**
 * Starts a command's telemetry and `/metrics` server as its options ask (none: a no-op handle); if that
 * fails (the metrics port is taken), stops the command's servers with `stopServers` and rethrows.
 */
export async function startReporting(
  o: ReportingOptions,
  options: Omit<ComponentTelemetryOptions, 'telemetry' | 'metricsEndpoint'>,
  stopServers: () => Promise<void>,
): Promise<ComponentTelemetry> {
  try {
    return await startComponentTelemetry({
      ...options,
      telemetry: o.telemetry,
      metricsEndpoint: o['metrics-endpoint'],
    });
  } catch (err) {
    await stopServers();
    throw err;
  }
}
