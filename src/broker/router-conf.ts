import { Conf } from '../support/conf.js';

/** The `--router-conf` of routers and dispatchers (spec §3.4). */
export interface RouterConf {
  /** Concurrent requests per destination; 0 = unlimited. */
  maxPendingClients: number;
  /** Artificial forwarding delay drawn uniformly in [min, max] seconds; both 0 = none. */
  minForwardTime: number;
  maxForwardTime: number;
  /** Do not forward: answer OK at once (for testing tables and optimizers). */
  fake: boolean;
}

/** The default `--router-conf`. */
export const DEFAULT_ROUTER_CONF = 'max-pending-clients=2,min-forward-time=0,max-forward-time=0';

/** Parses a `--router-conf` string; every key but `fake` is required. */
export function parseRouterConf(text: string): RouterConf {
  const conf = Conf.parse(text);
  const minForwardTime = conf.getDouble('min-forward-time');
  const maxForwardTime = conf.getDouble('max-forward-time');
  if (minForwardTime < 0 || maxForwardTime < minForwardTime) {
    throw new Error(
      `Invalid forward times: min-forward-time (${minForwardTime}) must be >= 0 and <= max-forward-time (${maxForwardTime})`,
    );
  }
  return {
    maxPendingClients: conf.getUint('max-pending-clients'),
    minForwardTime,
    maxForwardTime,
    fake: conf.has('fake') ? conf.getBool('fake') : false,
  };
}
