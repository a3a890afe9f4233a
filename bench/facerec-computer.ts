/** `edgecomputerfacerec` from this build's output, for bench/facerec.ts to start as a child process. */
import { run } from '../src/cli/soe.js';

run('edgecomputerfacerec');
