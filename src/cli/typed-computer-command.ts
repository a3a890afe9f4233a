import type { Registrant } from '../controller/controller-registration.js';
import { startTypedComputerServer, type TypedComputerServerOptions } from '../platform/computer-server.js';
import type { Logger } from '../support/logger.js';
import { wantsTelemetry } from '../telemetry/component-telemetry.js';
import { ComputerStats } from '../telemetry/computer-stats.js';
import { checkReportingOptions, startReporting, type ReportingOptions } from './reporting.js';
import { serveUntilSignal } from './server-command.js';
import { untilSignal } from './shutdown.js';

/**
 * The life of a computer command of any registered type: starts the computer, logs where it listens and
 * what it runs, registers with the controller at `controllerEndpoint` (announcing again whenever its
 * containers change), reports as `reporting` asks (`--telemetry`, `--metrics-endpoint`), and serves until
 * SIGINT/SIGTERM; resolves to exit status 0.
 */
export async function serveTypedComputer(
  options: TypedComputerServerOptions,
  controllerEndpoint: string,
  log: Logger,
  reporting: ReportingOptions = { telemetry: '', 'metrics-endpoint': '' },
): Promise<number> {
  const { tls } = options;
  checkReportingOptions(reporting);
  const stats = wantsTelemetry(reporting) ? new ComputerStats() : undefined;
  const server = await startTypedComputerServer({ ...options, stats });
  const { computer } = server;
  const report = await startReporting(
    reporting,
    {
      type: 'edge-computer',
      name: server.endpoint,
      attributes: {
        computer_type: options.type,
        utilization_endpoint: server.utilizationEndpoint,
        controller_endpoint: controllerEndpoint,
      },
      source: (stats ?? new ComputerStats()).source,
      log,
    },
    () => server.stop(),
  );
  const stopped = untilSignal();
  const util = server.utilizationEndpoint === '' ? 'disabled' : server.utilizationEndpoint;
  log.info(
    `${computer.name} listening on ${server.endpoint}, utilization stream on ${util}` +
      (tls === undefined ? '' : ' (TLS)') +
      (report.metrics === undefined ? '' : `, metrics on ${report.metrics.endpoint}`),
  );
  for (const line of computer.describe()) log.info(line);
  const comp = options.composition;
  if ((comp?.asyncWorkers ?? 0) > 0) {
    log.info(
      `asynchronous invocations: ${comp?.asyncWorkers} workers` +
        (comp?.companion ? `, companion ${comp.companion}` : ''),
    );
  }
  if (server.stateEndpoint !== '') {
    log.info(`state server ${comp?.stateServer === false ? 'at' : 'listening on'} ${server.stateEndpoint}`);
  }
  const registrant = (): Registrant => ({
    computer: {
      edgeServerEndpoint: server.endpoint,
      containers: computer.containers(),
      managementEndpoint: computer.managementEndpoint ?? '',
    },
  });
  return serveUntilSignal(
    { 'controller-endpoint': controllerEndpoint },
    registrant(),
    async () => {
      await report.stop();
      await server.stop();
    },
    log,
    tls,
    { current: registrant, onChange: (listener) => computer.onContainersChanged(listener) },
    stopped,
  );
}
