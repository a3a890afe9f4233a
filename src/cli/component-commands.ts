import type { CommandCatalog } from '../deploy/topology.js';
import { clientCommand } from './command-client.js';
import { computerCommand } from './command-computer.js';
import { controllerCommand } from './command-controller.js';
import { covidCommand } from './command-covid.js';
import { dispatcherCommand } from './command-dispatcher.js';
import { mecProxyCommand } from './command-mec-proxy.js';
import { routerCommand } from './command-router.js';
import { timeseriesCommand } from './command-timeseries.js';
import { allOptions, type Command } from './command.js';

function entry(command: Command): CommandCatalog[keyof CommandCatalog] {
  return { name: command.name, options: allOptions(command) };
}

/** The commands `soe up` and the live lab start for each section of a topology. */
export const COMPONENT_COMMANDS: CommandCatalog = {
  timeseries: entry(timeseriesCommand),
  covid: entry(covidCommand),
  mec: entry(mecProxyCommand),
  controller: entry(controllerCommand),
  computers: entry(computerCommand),
  routers: entry(routerCommand),
  dispatchers: entry(dispatcherCommand),
  clients: entry(clientCommand),
};
