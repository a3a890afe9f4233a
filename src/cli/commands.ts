import { clientCommand } from './command-client.js';
import { computerFacerecCommand } from './command-computer-facerec.js';
import { computerUtilCommand } from './command-computer-util.js';
import { computerCommand } from './command-computer.js';
import { computerWskCommand } from './command-computer-wsk.js';
import { controllerCommand } from './command-controller.js';
import { dispatcherCommand } from './command-dispatcher.js';
import type { Command } from './command.js';
import { covidCommand } from './command-covid.js';
import { facerecClientCommand } from './command-facerec-client.js';
import { forwardingTableCommand } from './command-forwarding-table.js';
import { ippClientCommand } from './command-ipp-client.js';
import { labCommand } from './command-lab.js';
import { mecCliCommand } from './command-mec-cli.js';
import { mecProxyClientCommand } from './command-mec-proxy-client.js';
import { mecProxyCommand } from './command-mec-proxy.js';
import { multiClientCommand } from './command-multi-client.js';
import { routerCommand } from './command-router.js';
import { timeseriesCommand } from './command-timeseries.js';
import { traceGenCommand } from './command-trace-gen.js';
import { upCommand } from './command-up.js';
import { wskproxyCommand } from './command-wskproxy.js';

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
  computerWskCommand,
  computerFacerecCommand,
  facerecClientCommand,
  wskproxyCommand,
  mecProxyCommand,
  mecProxyClientCommand,
  mecCliCommand,
  upCommand,
  labCommand,
  timeseriesCommand,
  covidCommand,
];

/** The command for a subcommand name or an original executable name. */
export function findCommand(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name || c.alias === name);
}

/**
 * The command of the first words of `soe`'s arguments and how many words name it: `soe mec proxy` is
 * `soe mec-proxy` (two words), `soe client` one word; undefined if none matches.
 */
export function findCommandWords(words: readonly string[]): { command: Command; words: number } | undefined {
  const [first, second] = words;
  if (first === undefined) return undefined;
  const one = findCommand(first);
  if (one !== undefined) return { command: one, words: 1 };
  if (second === undefined || first.startsWith('-') || second.startsWith('-')) return undefined;
  const two = COMMANDS.find((c) => c.name === `${first}-${second}`);
  return two === undefined ? undefined : { command: two, words: 2 };
}
