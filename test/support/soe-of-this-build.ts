/**
 * TEST SUPPORT ONLY: runs the `soe` CLI of the build this file is compiled into (`bin/soe.js` runs
 * dist/'s), so that a test run from a parallel build folder (dist-<name>/) exercises its own code; the
 * parts `soe up` starts run it too.
 */
import { fileURLToPath } from 'node:url';
import { run } from '../../src/cli/soe.js';
import { SOE_EXECUTABLE_VARIABLE } from '../../src/deploy/deployment.js';

process.env[SOE_EXECUTABLE_VARIABLE] = fileURLToPath(import.meta.url);
run();
