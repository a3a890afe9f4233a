import { controllerTypes } from './controller-type.js';

/** The ETSI MEC controller types of the original, which this release knows but cannot run. */
const ETSI_TYPES = ['etsi-file', 'etsi-balanced'];

/** Registers the etsi types, each refused with `controller type '<t>' is not supported by this release`. */
export function setup(): void {
  for (const name of ETSI_TYPES) {
    controllerTypes.register(name, {
      hooks: () => {
        throw new Error(`controller type '${name}' is not supported by this release`);
      },
    });
  }
}
