import { logger } from '../support/logger.js';
import { makeApp } from './app-info.js';
import type { EtsiControllerHooks } from './etsi-controller-hooks.js';
import { LcmProxyService } from './lcm-proxy-service.js';
import { loadStaticAssociations } from './static-associations.js';

const log = logger('controller');

/** Provider of the applications the etsi-file controller lists for its lambdas. */
export const ETSI_FILE_APP_PROVIDER = 'ServerlessOnEdge';

/**
 * The etsi-file controller logic (spec §9.3): the controller hosts a proxy at the API root whose
 * associations are the static ones of the file; a lambda is listed while some computer offers it
 * (provider `ServerlessOnEdge`, the build's version), removed when the last one goes.
 */
export class EtsiFileLogic implements EtsiControllerHooks {
  private constructor(
    readonly service: LcmProxyService,
    private readonly version: string,
  ) {}

  /** Loads the file and starts the proxy (REST only) at `apiRoot`. */
  static async start(file: string, apiRoot: string, version: string): Promise<EtsiFileLogic> {
    const associations = loadStaticAssociations(file);
    if (apiRoot === '') throw new Error('Empty ETSI MEC API root');
    const service = await LcmProxyService.start({ apiRoot });
    for (const a of associations) await service.proxy.associate(a.client, a.appName, a.server);
    log.info(
      `etsi-file: ${associations.length} associations from ${file}, REST API at ${service.http.apiRoot}`,
    );
    return new EtsiFileLogic(service, version);
  }

  lambdaAdded(lambda: string): void {
    try {
      this.service.proxy.addApp(makeApp(lambda, ETSI_FILE_APP_PROVIDER, this.version));
    } catch (err) {
      log.error(`cannot list lambda ${lambda}: ${(err as Error).message}`);
    }
  }

  lambdaRemoved(lambda: string): void {
    void this.service.proxy.removeApp(makeApp(lambda, ETSI_FILE_APP_PROVIDER, this.version));
  }

  computerAdded(): void {}

  computerRemoved(): void {}

  /** Stops the proxy. */
  close(): Promise<void> {
    return this.service.stop();
  }
}
