import { computerTypes, type ComputerTypeOptions, type RunningComputer } from '../computer-type.js';
import { HttpComputer } from './http-computer.js';
import { DEFAULT_HTTP_CONF, parseHttpConf } from './http-conf.js';

/** Starts an http computer from the `http-conf` setting (default {@link DEFAULT_HTTP_CONF}). */
function start(options: ComputerTypeOptions): Promise<RunningComputer> {
  const conf = parseHttpConf(options.settings['http-conf'] ?? DEFAULT_HTTP_CONF);
  return Promise.resolve(new HttpComputer(options.name, conf, options.samplePeriod));
}

/** Registers the `http` computer type (OpenFaaS gateway or generic HTTP functions, spec §5.8). */
export function setup(): void {
  computerTypes.register('http', { start });
}
