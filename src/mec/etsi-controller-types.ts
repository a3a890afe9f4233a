import { EtsiBalancedLogic } from './etsi-balanced-logic.js';
import type { EtsiControllerHooks } from './etsi-controller-hooks.js';
import { EtsiFileLogic } from './etsi-file-logic.js';
import { LcmProxyRpcClient } from './lcm-proxy-rpc.js';

/** The controller options the etsi types read (the controller's `ControllerTypeOptions`). */
export interface EtsiTypeOptions {
  file: string;
  etsiApiRoot: string;
  balancedEndpoint: string;
  balancedPeriod: number;
  version: string;
}

/** An etsi controller type: the shape of the controller's `ControllerType`. */
export interface EtsiControllerType {
  start(options: EtsiTypeOptions): Promise<{ hooks: EtsiControllerHooks; close(): Promise<void> }>;
}

/** Deadline of each call the etsi-balanced controller makes to the proxy, in ms. */
const PROXY_CALL_TIMEOUT_MS = 10_000;

/** `--type etsi-file`: the controller hosts a proxy with the static associations of `--file`. */
export const etsiFileType: EtsiControllerType = {
  async start(o) {
    const logic = await EtsiFileLogic.start(o.file, o.etsiApiRoot, o.version);
    return { hooks: logic, close: () => logic.close() };
  },
};

/** `--type etsi-balanced`: the controller balances the clients of the proxy at `--balanced-endpoint`. */
export const etsiBalancedType: EtsiControllerType = {
  start(o) {
    if (o.balancedEndpoint === '')
      return Promise.reject(
        new Error('Empty end-point of the remote ETSI UE application LCM proxy (--balanced-endpoint)'),
      );
    if (!(o.balancedPeriod > 0)) return Promise.reject(new Error('--balanced-period must be > 0'));
    const client = new LcmProxyRpcClient(o.balancedEndpoint, PROXY_CALL_TIMEOUT_MS);
    const logic = new EtsiBalancedLogic(client, o.balancedPeriod * 1000);
    return Promise.resolve({
      hooks: logic,
      close: async () => {
        await logic.close();
        client.close();
      },
    });
  },
};

/** Registers the etsi types in a controller type registry (the CLI passes the controller's). */
export function setupEtsiControllerTypes(registry: {
  register(name: string, type: EtsiControllerType): void;
}): void {
  registry.register('etsi-file', etsiFileType);
  registry.register('etsi-balanced', etsiBalancedType);
}
