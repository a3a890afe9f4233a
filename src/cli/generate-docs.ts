import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commandDoc } from './command-docs.js';
import { COMMANDS } from './commands.js';

/** Writes `docs/<command>.md` for every command: `node dist/src/cli/generate-docs.js [dir]`. */
const dir = process.argv[2] ?? 'docs';
mkdirSync(dir, { recursive: true });
for (const command of COMMANDS) {
  writeFileSync(join(dir, `${command.name}.md`), commandDoc(command));
  process.stdout.write(`wrote ${join(dir, `${command.name}.md`)}\n`);
}
