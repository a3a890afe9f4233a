import { setup as setupFile } from './profiles/file.js';
import { setup as setupIntelServer } from './profiles/intel-server.js';
import { setup as setupRaspberry } from './profiles/raspberry.js';

/**
 * The composer of the original: fills a computer from its `--conf`, with the built-in profiles
 * registered (import this module, not profiles/profile.ts, to use them), and the JSON description of
 * `type=file` that `--json-example` prints.
 */
setupFile();
setupIntelServer();
setupRaspberry();

export { compose, profiles, profileTypes } from './profiles/profile.js';
export type { Profile } from './profiles/profile.js';
export { RASPBERRY_SPEED } from './profiles/raspberry.js';
export { jsonExample, loadDescription } from './computer-description.js';
