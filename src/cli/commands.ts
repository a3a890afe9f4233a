import { clientCommand } from './command-client.js';
import { computerUtilCommand } from './command-computer-util.js';
import { computerCommand } from './command-computer.js';
import type { Command } from './command.js';
import { demoCommand } from './command-demo.js';

/** Every `soe` subcommand, in the order the help lists them. */
export const COMMANDS: readonly Command[] = [
  computerCommand,
  clientCommand,
  computerUtilCommand,
  demoCommand,
];

/** The command for a subcommand name or an original executable name. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || c.alias === name);
}
