import { stopOnStdinClose } from '../support/stop-on-stdin-close.js';
import { runCommand, version } from './command.js';
import { COMMANDS, findCommand, findCommandWords } from './commands.js';

function usage(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2;
  const lines = COMMANDS.map(
    (c) => `  ${c.name.padEnd(width)}${c.summary}${c.alias ? ` (also: ${c.alias})` : ''}`,
  );
  return `Usage: soe <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun 'soe <command> --help' for a command's options.\n`;
}

/**
 * Entry point of the `soe` CLI and of its aliases: `soe <command> [options]`, or an original executable
 * name (`edgecomputer`, `edgeclient`, ...) as `invokedAs` with the options directly.
 */
export async function main(argv: readonly string[], invokedAs = 'soe'): Promise<number> {
  if (invokedAs !== 'soe') {
    const command = findCommand(invokedAs);
    if (command === undefined) throw new Error(`unknown executable ${invokedAs}`);
    return runCommand(command, argv, invokedAs);
  }
  const [name] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`soe (serverless-on-edge) ${version()}\n`);
    return 0;
  }
  const found = findCommandWords(argv);
  if (found === undefined) {
    process.stderr.write(`soe: unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  const invoked = argv.slice(0, found.words).join(' ');
  return runCommand(found.command, argv.slice(found.words), `soe ${invoked}`);
}

/**
 * Runs {@link main} for the current process and exits with its status (standard output and error are
 * synchronous for files and pipes on Linux, so nothing written is lost). A process started by `soe up`
 * stops when `soe up` goes ({@link stopOnStdinClose}).
 */
export function run(invokedAs?: string): void {
  stopOnStdinClose();
  main(process.argv.slice(2), invokedAs).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(1);
    },
  );
}
