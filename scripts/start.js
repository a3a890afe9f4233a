#!/usr/bin/env node
// `npm start [-- [soe up options] [topology.yaml]]`: builds what changed (scripts/build.js), then runs
// `soe up` in this very process. package.json runs it with `exec`, so that npm's child is this process:
// npm forwards SIGINT and SIGTERM to its child only, and a Ctrl-C in the terminal reaches npm and this
// process (soe up ignores the second copy); soe up then stops every part, each in its own process group.
import { build } from './build.js';

const status = await build();
if (status !== 0) process.exit(status);
const { main } = await import('../dist/src/cli/soe.js');
main(['up', ...process.argv.slice(2)]).then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  },
);
