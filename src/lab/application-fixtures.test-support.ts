/** Experiments the application tests share: four functions, four policies, the chain and the diamond DAG. */
import type { RunPolicy } from './engine-virtual.js';
import { ORACLE, ORACLE_MARGINAL, parseExperiment, type Experiment } from './experiment.js';

/** Two router and two dispatcher policies. */
export const POLICIES = `policies:
  - name: random
    router: { table-conf: type=random, optimizer-conf: 'type=trivial,period=1,stat=mean' }
  - name: round-robin
    router: { table-conf: type=round-robin, optimizer-conf: 'type=trivial,period=1,stat=mean' }
  - name: led
    dispatcher: { ptimeest-conf: 'type=led,window-size=50,in-flight-timeout=30' }
  - name: shortest-expected-delay
    router: { table-conf: type=shortest-expected-delay, optimizer-conf: type=delay-per-request }
`;

/** Functions of 1, 2, 3 and 1 ms of operations per byte on a 1e9 operations/s core. */
export const FUNCTIONS = `application:
  functions:
    - { name: f0, op-coeff: 1.0e+6 }
    - { name: f1, op-coeff: 2.0e+6 }
    - { name: f2, op-coeff: 3.0e+6 }
    - { name: f3, op-coeff: 1.0e+6 }
`;

/** The chain f0 → f1 → f2 (a line of `application`). */
export const CHAIN = '  chain: [f0, f1, f2]\n';

/** The diamond DAG {{1,2},{3},{3}} over f0..f3 (a line of `application`). */
export const DAG = '  dag: { nodes: [f0, f1, f2, f3], successors: [[1, 2], [3], [3]] }\n';

/**
 * One computer of `cores` cores, inputs of 10 bytes, requests a minute apart on average (they never
 * overlap), `structure` added to `application` (file name `alone.yaml`).
 */
export function alone(structure: string, cores: number, delay = 0.0005): Experiment {
  return parseExperiment(
    `name: alone
network-delay: ${delay}
${FUNCTIONS}${structure}
computers:
  - { speed: 1.0e+9, cores: ${cores} }
workload:
  sizes: { min: 10, max: 10 }
  loads: [0.001]
  duration: 600
${POLICIES}`,
    'alone.yaml',
  );
}

/** Every policy of `e` and both oracles. */
export const EVERY = (e: Experiment): RunPolicy[] => [...e.policies, ORACLE, ORACLE_MARGINAL];
