import type { ComputerGroup, LabLambda } from './experiment.js';

/** Memory of a lab computer's processor, bytes (lab lambdas need none). */
const MEMORY = 1e12;

/**
 * The JSON computer description (the `--conf type=file` format of `soe computer`, spec §5.6) of one lab
 * computer: a processor `cpu` with the group's speed and cores, and a container `c0` running the lab's
 * lambda with the group's workers. Both engines build their computers from it.
 */
export function computerDescription(group: ComputerGroup, lambda: LabLambda): object {
  return {
    version: '1.0',
    processors: [{ name: 'cpu', type: 'GenericCpu', speed: group.speed, cores: group.cores, memory: MEMORY }],
    containers: [
      {
        name: 'c0',
        processor: 'cpu',
        'num-workers': group.workers,
        lambda: {
          name: lambda.name,
          requirements: 'proportional',
          'output-type': 'fixed',
          'output-value': '',
          'op-coeff': lambda.opCoeff,
          'op-offset': lambda.opOffset,
          'mem-coeff': 0,
          'mem-offset': 0,
        },
      },
    ],
  };
}
