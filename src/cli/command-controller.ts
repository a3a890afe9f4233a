import { ControllerServer } from '../controller/controller-server.js';
import { ControllerStateFile, defaultStateFile } from '../controller/controller-state.js';
import { controllerTypes } from '../controller/controller-types.js';
import { EdgeController } from '../controller/edge-controller.js';
import { controllerFigures } from '../controller/controller-figures.js';
import { TELEMETRY_OPTIONS } from '../telemetry/component-telemetry.js';
import { checkReportingOptions, startReporting } from './reporting.js';
import { installerTypeNames } from '../controller/installer-types.js';
import { ControllerRestServer } from '../controller/controller-rest-server.js';
import { computerList, controllerSnapshot } from '../controller/controller-snapshot.js';
import { RpcRouterInstaller } from '../controller/router-installer-rpc.js';
import { RouterTablesReader } from '../controller/router-tables-reader.js';
import type { TlsCredentials } from '../protocol/tls-credentials.js';
import { setupEtsiControllerTypes } from '../mec/etsi-controller-types.js';
import { logger } from '../support/logger.js';
import { defineCommand, version } from './command.js';
import { SECURE_OPTIONS, tlsFromOptions } from './secure-option.js';
import { untilSignal } from './shutdown.js';

const log = logger('controller');

setupEtsiControllerTypes(controllerTypes);

/** `soe controller` / `edgecontroller`: the registry of computers and routers that programs the routers' tables. */
export const controllerCommand = defineCommand({
  name: 'controller',
  alias: 'edgecontroller',
  summary:
    'Run an edge controller: keep track of computers and routers, and program the routers’ forwarding tables.',
  details:
    'Computers announce their lambdas (AnnounceComputer, RemoveComputer) and routers their end-points ' +
    '(AnnounceRouter) to the controller, which installs the routes with EdgeRouter.Configure (spec §6). With the ' +
    'flat installer every router gets a final route of weight 1 to every computer offering a lambda. With the hier ' +
    'installer each computer gets a home router, chosen with --hier-objective over the distances of --topology-file ' +
    '(one line per node: its address, then its row of distances to every node); the home router gets the final ' +
    'routes to the computer, every other router a route to the home router; computers and routers must use ' +
    'addresses of the topology file in their end-points. A router that cannot be reached is forgotten (with hier, ' +
    'every table is then rebuilt); one that announces itself again (restarted, empty) gets its routes again. ' +
    'Calls are processed one at a time; malformed ones (end-points that are not host:port with port 1..65535, ' +
    'names too long or with control characters) are refused with INVALID_ARGUMENT naming the field. ' +
    'With --state-file, the computers (with the management end-points js computers announce) and routers are ' +
    'saved (atomically) after every change and ' +
    'reloaded at start, when every known router is flushed and reprogrammed, so that a restarted controller forgets ' +
    'nothing (default file: edgecontroller-state.json in the user state folder, $XDG_STATE_HOME/soe/ or else ' +
    '~/.local/state/soe/, created on demand; --state-file "" keeps nothing, as the ' +
    'original). With --secure (not in the original, whose controller spoke in clear) the controller serves and ' +
    'programs the routers over TLS: every router, computer and dispatcher then needs --secure too. ' +
    'With --type etsi-file the controller also serves an ETSI MEC UE application LCM proxy at --etsi-api-root whose ' +
    'associations are those of --file (triples <client address | *> <lambda> <end-point>) and which lists every ' +
    'lambda offered (provider ServerlessOnEdge). With --type etsi-balanced it drives the proxy (soe mec proxy) at ' +
    '--balanced-endpoint: each lambda is associated with a default computer for any client, and every ' +
    '--balanced-period seconds the active contexts are spread over the computers serving their lambda, fewest ' +
    'clients first (docs/mec.md). With --rest-endpoint the controller also serves a read-only JSON view over ' +
    'HTTP (not in the original): GET /v1/topology (computers with their containers and lambdas, routers with the ' +
    "computers each reaches, lambdas with their computers) and GET /v1/forwarding-tables (each router's tables, " +
    'read as forwardingtableclient does, at most every 0.5 s, with a 1 s deadline per call); only GET and HEAD, ' +
    "Host names of this machine only; pages of the --rest-allowed-origin origins may read it (the web GUI's " +
    'Edge dashboard); the default is no view.',
  options: [
    {
      name: 'server-endpoint',
      kind: 'string',
      default: '0.0.0.0:6475',
      description: 'edge controller server end-point (port 0: any free port)',
    },
    {
      name: 'type',
      kind: 'string',
      default: 'plain',
      description: 'controller type, one of: plain, etsi-file, etsi-balanced',
    },
    {
      name: 'installer-type',
      kind: 'string',
      default: 'flat',
      description: `table installer type, one of: ${installerTypeNames().replaceAll(',', ', ')}`,
    },
    {
      name: 'file',
      kind: 'string',
      default: '',
      description: 'configuration file of the ETSI UE application LCM proxy, required with type etsi-file',
    },
    {
      name: 'balanced-endpoint',
      kind: 'string',
      default: '',
      description: 'end-point of the remote ETSI UE application LCM proxy, required with type etsi-balanced',
    },
    {
      name: 'balanced-period',
      kind: 'number',
      default: 5,
      description: 'optimization period in seconds, used with type etsi-balanced',
    },
    {
      name: 'topology-file',
      kind: 'string',
      default: 'dist.txt',
      description: 'topology file, only meaningful with installer type hier',
    },
    {
      name: 'topology-randomized',
      kind: 'flag',
      description: 'randomize the distances of the topology file (installer type hier)',
    },
    {
      name: 'hier-objective',
      kind: 'string',
      default: 'min-max',
      description: 'objective of the hierarchical installer: min-max or min-avg',
    },
    {
      name: 'etsi-api-root',
      kind: 'string',
      default: 'http://127.0.0.1:6500',
      description: 'ETSI MEC API root, must be non-empty with the etsi types',
    },
    {
      name: 'state-file',
      kind: 'string',
      description:
        'JSON file keeping the known computers and routers across restarts (created if missing); empty: none; ' +
        'unset: edgecontroller-state.json in $XDG_STATE_HOME/soe/, else in ~/.local/state/soe/',
    },
    {
      name: 'rest-endpoint',
      kind: 'string',
      default: '',
      description:
        'serve the read-only REST view (GET /v1/topology, /v1/forwarding-tables) on this host:port; empty: none',
    },
    {
      name: 'rest-allowed-origin',
      kind: 'string',
      default: '',
      description:
        "comma-separated origins whose pages may read the REST view (CORS), e.g. the GUI's http://127.0.0.1:8041",
    },
    ...SECURE_OPTIONS,
    ...TELEMETRY_OPTIONS,
  ],
  async run(o) {
    const endpoint = o['server-endpoint'];
    if (endpoint === '') throw new Error('Empty edge controller end-point: ');
    checkReportingOptions(o);
    const type = controllerTypes.get(o.type);
    const tls = tlsFromOptions(o, { serve: true, call: true });
    const logic = await type.start({
      file: o.file,
      etsiApiRoot: o['etsi-api-root'],
      balancedEndpoint: o['balanced-endpoint'],
      balancedPeriod: o['balanced-period'],
      version: version(),
    });
    const hooks = logic.hooks;
    const installer = new RpcRouterInstaller({ tls });
    try {
      const explicit = o.isSet('state-file');
      const statePath = o['state-file'] ?? defaultStateFile();
      const controller = new EdgeController({
        installer,
        hooks,
        installerType: o['installer-type'],
        installerOptions: {
          topologyFile: o['topology-file'],
          topologyRandomized: o['topology-randomized'],
          hierObjective: o['hier-objective'],
        },
        ...(statePath === ''
          ? {}
          : { stateFile: new ControllerStateFile(statePath, { createFolder: !explicit }) }),
      });
      await controller.restore();
      const server = await ControllerServer.start(endpoint, [controller], tls, () =>
        computerList(controllerSnapshot(controller)),
      );
      const rest = await startRestView(controller, o['rest-endpoint'], o['rest-allowed-origin'], tls).catch(
        async (err: unknown) => {
          await server.stop();
          throw err;
        },
      );
      const report = await startReporting(
        o,
        {
          type: 'edge-controller',
          name: server.endpoint,
          attributes: { installer: o['installer-type'] },
          source: controllerFigures(controller),
          log,
        },
        async () => {
          await rest?.stop();
          await server.stop();
        },
      );
      // Listening for the stop signals before saying it is ready: a signal sent on that line stops it cleanly.
      const stopped = untilSignal();
      log.info(
        `controller listening on ${server.endpoint}${tls === undefined ? '' : ' (TLS)'}` +
          (report.metrics === undefined ? '' : `, metrics on ${report.metrics.endpoint}`),
      );
      log.info(
        `${o['installer-type']} installer, state file: ${statePath === '' ? 'none' : `'${statePath}'`}`,
      );
      const signal = await stopped;
      log.info(`${signal} received, shutting down`);
      await report.stop();
      await rest?.stop();
      await server.stop();
    } finally {
      installer.close();
      await logic.close();
    }
    return 0;
  },
});

/** Starts the REST view of `--rest-endpoint` (none if empty), logging where; stopping it closes its router clients. */
async function startRestView(
  controller: EdgeController,
  endpoint: string,
  origins: string,
  tls: TlsCredentials | undefined,
): Promise<{ stop(): Promise<void> } | undefined> {
  if (endpoint === '') return undefined;
  const reader = new RouterTablesReader({ tls });
  const server = await ControllerRestServer.start(
    { snapshot: () => controllerSnapshot(controller), tables: (routers) => reader.read(routers) },
    {
      endpoint,
      allowedOrigins: origins
        .split(',')
        .map((x) => x.trim())
        .filter((x) => x !== ''),
    },
  );
  log.info(`controller REST view on ${server.url}/v1/topology`);
  return {
    stop: async () => {
      await server.stop();
      reader.close();
    },
  };
}
