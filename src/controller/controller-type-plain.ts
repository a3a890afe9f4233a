import { controllerTypes } from './controller-type.js';

/** Registers the `plain` controller type: the router installer alone. */
export function setup(): void {
  controllerTypes.register('plain', {
    start: () => Promise.resolve({ hooks: {}, close: () => Promise.resolve() }),
  });
}
