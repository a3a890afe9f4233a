import { clientCommand } from './command-client.js';
import { computerUtilCommand } from './command-computer-util.js';
import { computerCommand } from './command-computer.js';
import { controllerCommand } from './command-controller.js';
import { dispatcherCommand } from './command-dispatcher.js';
import type { Command } from './command.js';
import { covidCommand } from './command-covid.js';
import { forwardingTableCommand } from './command-forwarding-table.js';
import { ippClientCommand } from './command-ipp-client.js';
import { labCommand } from './command-lab.js';
import { multiClientCommand } from './command-multi-client.js';
import { routerCommand } from './command-router.js';
import { timeseriesCommand } from './command-timeseries.js';
import { traceGenCommand } from './command-trace-gen.js';
import { upCommand } from './command-up.js';

/** Every `soe` subcommand, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  computerCommand,
  routerCommand,
  dispatcherCommand,
  controllerCommand,
  clientCommand,
  traceGenCommand,
  multiClientCommand,
  ippClientCommand,
  forwardingTableCommand,
  computerUtilCommand,
  upCommand,
  labCommand,
  timeseriesCommand,
  covidCommand,
];

/** The command for a subcommand name or an original executable name. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || c.alias === name);
}
