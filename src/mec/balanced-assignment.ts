/** One association the balanced controller enforces: a client address, a lambda, a computer. */
export interface Assignment {
  client: string;
  lambda: string;
  computer: string;
}

/** An active context as the balancing sees it: the client address and the lambda. */
export interface ActiveContext {
  address: string;
  appName: string;
}

/** Byte-wise string order, as `std::map<std::string, …>` sorts its keys. */
function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The balancing of the etsi-balanced controller (spec §9.3): contexts are grouped by (lambda, client
 * address) with their counts, the groups sorted by count, descending (stable, so ties stay by lambda then
 * address), and each group goes to the computer with the fewest clients so far among those serving its
 * lambda. Computers are kept in ascending order of clients; an updated one is re-inserted before the first
 * computer, after its old place, whose count is at least its new one. `computersOf` maps each lambda to
 * the computers serving it, in the order the controller keeps them (sorted). Returns the assignments and
 * the lambdas no computer serves.
 */
export function balancedAssignment(
  contexts: readonly ActiveContext[],
  computersOf: ReadonlyMap<string, readonly string[]>,
): { assignments: Assignment[]; unserved: string[] } {
  const counts = new Map<string, Map<string, number>>();
  for (const c of contexts) {
    let byAddress = counts.get(c.appName);
    if (byAddress === undefined) counts.set(c.appName, (byAddress = new Map<string, number>()));
    byAddress.set(c.address, (byAddress.get(c.address) ?? 0) + 1);
  }
  const groups: { client: string; lambda: string; count: number }[] = [];
  for (const lambda of [...counts.keys()].sort(byteOrder)) {
    const byAddress = counts.get(lambda)!;
    for (const client of [...byAddress.keys()].sort(byteOrder))
      groups.push({ client, lambda, count: byAddress.get(client)! });
  }
  groups.sort((a, b) => b.count - a.count);

  interface Computer {
    endpoint: string;
    lambdas: Set<string>;
    clients: number;
  }
  const computers: Computer[] = [];
  for (const lambda of [...computersOf.keys()].sort(byteOrder)) {
    for (const endpoint of computersOf.get(lambda)!) {
      let computer = computers.find((c) => c.endpoint === endpoint);
      if (computer === undefined) computers.push((computer = { endpoint, lambdas: new Set(), clients: 0 }));
      computer.lambdas.add(lambda);
    }
  }

  const assignments: Assignment[] = [];
  const unserved = new Set<string>();
  for (const group of groups) {
    const i = computers.findIndex((c) => c.lambdas.has(group.lambda));
    if (i < 0) {
      unserved.add(group.lambda);
      continue;
    }
    const [computer] = computers.splice(i, 1) as [Computer];
    computer.clients += group.count;
    let j = computers.findIndex((c, k) => k >= i && c.clients >= computer.clients);
    if (j < 0) j = computers.length;
    computers.splice(j, 0, computer);
    assignments.push({ client: group.client, lambda: group.lambda, computer: computer.endpoint });
  }
  return { assignments, unserved: [...unserved].sort(byteOrder) };
}
