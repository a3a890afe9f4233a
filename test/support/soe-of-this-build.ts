/**
 * TEST SUPPORT ONLY: runs the `soe` CLI of the build this file is compiled into (`bin/soe.js` runs
 * dist/'s), so that a test run from a parallel build folder (dist-<name>/) exercises its own code.
 */
import { run } from '../../src/cli/soe.js';

run();
