import { profiles, type Profile } from './profile.js';
import { GIB, countOr, standardLambda } from './standard.js';

/** A 20-core server: `xeon` at 4e9 ops/s per core, 128 GiB, with `clambda<i>`. */
const intelServer: Profile = (computer, conf) => {
  const containers = countOr(conf, 'num-containers', 1);
  const workers = countOr(conf, 'num-workers', 1);
  computer.addProcessor('xeon', 'GenericCpu', 4e9, 20, 128 * GIB);
  for (let i = containers - 1; i >= 0; i--) {
    computer.addContainer(`ccontainer${i}`, 'xeon', standardLambda(`clambda${i}`, 4e6), workers);
  }
};

/** Registers the `intel-server` profile. */
export function setup(): void {
  profiles.register('intel-server', intelServer);
}
