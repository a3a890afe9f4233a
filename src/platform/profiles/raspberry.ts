import { profiles, type Profile } from './profile.js';
import { GIB, countOr, standardLambda } from './standard.js';

/** Default speed of the raspberry profile's processors, ops/s per core (the original's since 2021; see docs). */
export const RASPBERRY_SPEED = 1e11;

/** Raspberry Pi-like: `arm` (4 cores) with `clambda<i>` and `bm2837` (1 core) with `glambda<i>`. */
const raspberry: Profile = (computer, conf) => {
  const cpuContainers = countOr(conf, 'num-cpu-containers', 1);
  const cpuWorkers = countOr(conf, 'num-cpu-workers', 4);
  const gpuContainers = countOr(conf, 'num-gpu-containers', 1);
  const gpuWorkers = countOr(conf, 'num-gpu-workers', 2);
  computer.addProcessor('arm', 'GenericCpu', RASPBERRY_SPEED, 4, GIB / 2);
  computer.addProcessor('bm2837', 'GenericGpu', RASPBERRY_SPEED, 1, GIB / 2);
  for (let i = cpuContainers - 1; i >= 0; i--) {
    computer.addContainer(`ccontainer${i}`, 'arm', standardLambda(`clambda${i}`, 4e6), cpuWorkers);
  }
  for (let i = gpuContainers - 1; i >= 0; i--) {
    computer.addContainer(`gcontainer${i}`, 'bm2837', standardLambda(`glambda${i}`, 1e6), gpuWorkers);
  }
};

/** Registers the `raspberry` profile. */
export function setup(): void {
  profiles.register('raspberry', raspberry);
}
