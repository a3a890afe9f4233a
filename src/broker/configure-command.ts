import type { EdgeRouterConf, Return } from '../protocol/messages.js';
import type { Logger } from '../support/logger.js';

/** The table operations a Configure command maps to. */
export interface ConfigurableTables {
  flush(): void;
  change(conf: EdgeRouterConf): void;
  remove(lambda: string, destination: string | undefined): void;
}

/**
 * Applies an EdgeRouter.Configure command (FLUSH, CHANGE, REMOVE; an empty REMOVE destination removes
 * the whole lambda); errors come back as `Error: <what>`, as the original's reply. Commands from the
 * wire are checked first (see configure-rules.ts).
 */
export function configure(tables: ConfigurableTables, conf: EdgeRouterConf, log: Logger): Return {
  try {
    switch (conf.action) {
      case 'FLUSH':
        tables.flush();
        break;
      case 'CHANGE':
        tables.change(conf);
        break;
      case 'REMOVE':
        tables.remove(conf.lambda, conf.destination === '' ? undefined : conf.destination);
        break;
      default:
        throw new Error(`invalid action ${String(conf.action)}`);
    }
    log.debug(
      1,
      () => `${conf.action} ${conf.lambda} ${conf.destination} ${conf.weight}${conf.final ? ' final' : ''}`,
    );
    return { msg: 'OK' };
  } catch (err) {
    return { msg: `Error: ${(err as Error).message}` };
  }
}
