import type { ComputerGroup, LabLambda } from './experiment.js';

/** Memory of a lab computer's processor, bytes (lab lambdas need none). */
const MEMORY = 1e12;

/**
 * The JSON computer description (the `--conf type=file` format of `soe computer`, spec §5.6) of one lab
 * computer: a processor `cpu` with the group's speed and cores, and per lab function a container `c<i>`
 * running it with the group's workers, all on that processor. Both engines build their computers from it.
 */
export function computerDescription(group: ComputerGroup, functions: readonly LabLambda[]): object {
  return {
    version: '1.0',
    processors: [{ name: 'cpu', type: 'GenericCpu', speed: group.speed, cores: group.cores, memory: MEMORY }],
    containers: functions.map((lambda, i) => ({
      name: `c${i}`,
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
    })),
  };
}
