import type { ContainerInfo } from '../protocol/messages.js';

export type { RouterReach } from './router-reach.js';

/** An e-computer known to the controller: its lambda end-point and its containers, in announce order. */
export interface KnownComputer {
  endpoint: string;
  containers: readonly ContainerInfo[];
  /** The management end-point it announced (a js computer's API), kept in the state file; absent: none. */
  managementEndpoint?: string;
}

/** An e-router (or e-dispatcher) known to the controller. */
export interface RouterEndpoints {
  /** Where it serves lambdas (RunLambda). */
  lambdaEndpoint: string;
  /** Where its forwarding tables are programmed (EdgeRouter.Configure). */
  forwardingEndpoint: string;
}

/** True if both lists hold the same containers, field by field, in the same order. */
export function sameContainers(a: readonly ContainerInfo[], b: readonly ContainerInfo[]): boolean {
  return (
    a.length === b.length &&
    a.every((c, i) => {
      const d = b[i]!;
      return (
        c.name === d.name &&
        c.processor === d.processor &&
        c.lambda === d.lambda &&
        c.numWorkers === d.numWorkers
      );
    })
  );
}

/** The containers as the original prints them: `<name>: processor <p>, lambda <l>, #workers <n>\n` each. */
export function formatContainers(containers: readonly ContainerInfo[]): string {
  return containers
    .map((c) => `${c.name}: processor ${c.processor}, lambda ${c.lambda}, #workers ${c.numWorkers}\n`)
    .join('');
}

/** A router as the logs name it. */
export function formatRouter(router: RouterEndpoints): string {
  return `edge-server ${router.lambdaEndpoint}, edge-router ${router.forwardingEndpoint}`;
}
