import { LcmProxyService } from '../mec/lcm-proxy-service.js';
import { logger } from '../support/logger.js';
import { defineCommand } from './command.js';
import { untilSignal } from './shutdown.js';

const log = logger('mec');

/** `soe mec-proxy` (`soe mec proxy`) / `ueapplcmproxy`: the ETSI MEC UE application LCM proxy. */
export const mecProxyCommand = defineCommand({
  name: 'mec-proxy',
  alias: 'ueapplcmproxy',
  summary:
    'Run the ETSI MEC UE application LCM proxy: REST Mx2 and GS MEC 016 for devices, gRPC north-bound.',
  details:
    'Devices find the edge end-point of an application through the REST API at --etsi-api-root: the ' +
    "original's Mx2 API at <root>/mx2/v1/ and ETSI GS MEC 016 v2.2.1 at <root>/dev_app/v1/ (app_list with " +
    'its filters, app_contexts, obtain_app_loc_availability; errors as RFC 7807 problem details). A context ' +
    'gets the end-point associated with the client address and the application name (else the one ' +
    'associated with any client); when that changes, the device is notified at its callbackReference and ' +
    'loses its context unless it answers 204 within --callback-timeout. The gRPC interface at ' +
    '--server-endpoint (uiiit.etsimec.rpc.UeAppLcmProxy) adds and removes lambdas and associations; the ' +
    'etsi-balanced controller drives it, ueapplcmproxyclient lets a person do so. See docs/mec.md.',
  options: [
    {
      name: 'server-endpoint',
      kind: 'string',
      default: '0.0.0.0:6477',
      description: 'end-point of the gRPC interface of this application (port 0: any free port)',
    },
    {
      name: 'etsi-api-root',
      kind: 'string',
      default: 'http://127.0.0.1:6500',
      description: 'ETSI MEC API root: where the REST server listens (port 0: any free port)',
    },
    {
      name: 'callback-timeout',
      kind: 'number',
      default: 5,
      description: 'seconds a device has to answer a notification (204) before its context is purged',
    },
    {
      name: 'max-contexts',
      kind: 'integer',
      default: 10000,
      description: 'most active application contexts; more creations are refused (403)',
    },
    {
      name: 'max-body-bytes',
      kind: 'integer',
      default: 65536,
      description: 'largest REST request body, in bytes (larger ones get 400)',
    },
  ],
  async run(o) {
    if (o['etsi-api-root'] === '') throw new Error('Empty ETSI MEC API root');
    if (!(o['callback-timeout'] > 0)) throw new Error('--callback-timeout must be > 0');
    if (o['max-contexts'] < 1) throw new Error('--max-contexts must be > 0');
    if (o['max-body-bytes'] < 1024) throw new Error('--max-body-bytes must be at least 1024');
    const service = await LcmProxyService.start({
      apiRoot: o['etsi-api-root'],
      grpcEndpoint: o['server-endpoint'],
      callbackTimeoutMs: o['callback-timeout'] * 1000,
      maxContexts: o['max-contexts'],
      maxBodyBytes: o['max-body-bytes'],
    });
    log.info(`UE application LCM proxy REST API at ${service.http.apiRoot}`);
    log.info(`ueapplcmproxy listening on ${service.rpc!.endpoint}`);
    const signal = await untilSignal();
    log.info(`${signal} received, shutting down`);
    await service.stop();
    return 0;
  },
});
