import { parseJsonObject } from './json-object.js';
import type { Dag as DagMessage, LambdaRequest } from './messages.js';
import {
  checkDependencies,
  dependenciesFromJson,
  dependenciesFromMessage,
  dependenciesOf,
  dependenciesToJson,
  dependenciesToMessage,
  MAX_COMPOSITION_SIZE,
  statesOf,
  type Dependencies,
} from './state-dependencies.js';

/**
 * A DAG of functions (spec §11.2): node i runs `functionNames[i]`; `successors[i]` lists the nodes after
 * node i for i < N−1. Node 0 is the single source, node N−1 the single sink. Construction validates (the
 * original's checks, plus cycles, unreachable nodes and dead ends, which the original let through); a Dag
 * is immutable.
 */
export class Dag {
  readonly successors: readonly (readonly number[])[];
  readonly functionNames: readonly string[];
  readonly dependencies: Readonly<Dependencies>;
  private readonly preds: number[][];

  /**
   * Fails with the original's messages: `Invalid successor graph` (a successor outside 1..N−1),
   * `Invalid size of successors and function names: <|successors|> vs <N−1>`, `could not find the
   * following function that state '<s>' depends on: <f>`; and with `Invalid successor graph: <why>` for
   * a repeated successor, a cycle, a node unreachable from node 0 or a node before the sink without
   * successors; `Invalid empty DAG`; `Too many nodes in a DAG: <n> > 1024`.
   */
  constructor(
    successors: readonly (readonly number[])[],
    functionNames: readonly string[],
    dependencies: Dependencies,
  ) {
    const n = functionNames.length;
    if (n === 0) throw new Error('Invalid empty DAG');
    if (n > MAX_COMPOSITION_SIZE || successors.length > MAX_COMPOSITION_SIZE) {
      throw new Error(
        `Too many nodes in a DAG: ${Math.max(n, successors.length + 1)} > ${MAX_COMPOSITION_SIZE}`,
      );
    }
    for (const list of successors) {
      for (const j of list) {
        if (!Number.isInteger(j) || j < 1 || j > successors.length)
          throw new Error('Invalid successor graph');
      }
    }
    if (successors.length !== n - 1) {
      throw new Error(`Invalid size of successors and function names: ${successors.length} vs ${n - 1}`);
    }
    checkDependencies(dependencies, functionNames);
    this.successors = successors.map((l) => [...l]);
    this.functionNames = [...functionNames];
    this.dependencies = dependencies;
    this.preds = Array.from({ length: n }, () => []);
    successors.forEach((list, i) => {
      const seen = new Set<number>();
      for (const j of list) {
        if (seen.has(j)) throw new Error(`Invalid successor graph: node ${i} lists successor ${j} twice`);
        seen.add(j);
        this.preds[j]!.push(i);
      }
      if (list.length === 0) throw new Error(`Invalid successor graph: node ${i} has no successors`);
    });
    this.checkAcyclicAndConnected();
  }

  private checkAcyclicAndConnected(): void {
    const n = this.functionNames.length;
    const indegree = this.preds.map((p) => p.length);
    const ready = [...indegree.keys()].filter((i) => indegree[i] === 0);
    let done = 0;
    while (ready.length > 0) {
      const i = ready.pop()!;
      done++;
      for (const j of this.successorsOf(i)) if (--indegree[j]! === 0) ready.push(j);
    }
    if (done < n) {
      const on = indegree.findIndex((d) => d > 0);
      throw new Error(`Invalid successor graph: cycle through node ${on}`);
    }
    const unreachable = this.preds.findIndex((p, i) => i > 0 && p.length === 0);
    if (unreachable > 0) {
      throw new Error(`Invalid successor graph: node ${unreachable} is not reachable from node 0`);
    }
  }

  /** Number of nodes. */
  numFunctions(): number {
    return this.functionNames.length;
  }

  /** The function names joined by `-`, e.g. `f0-f1-f2-f2`. */
  name(): string {
    return this.functionNames.join('-');
  }

  /** The function of node 0. */
  entryFunctionName(): string {
    return this.functionNames[0]!;
  }

  /** The successors of node i (none for the sink). */
  successorsOf(i: number): readonly number[] {
    return this.successors[i] ?? [];
  }

  /** The predecessors of node i, ascending (none for node 0). */
  predecessorsOf(i: number): readonly number[] {
    return this.preds[i] ?? [];
  }

  /** The states that `fn` depends on. */
  statesOf(fn: string): string[] {
    return statesOf(this.dependencies, fn);
  }

  /**
   * The nodes not in `completed` whose ancestors (all, not only the predecessors) are all in `completed`,
   * ascending; linear in the size of the DAG.
   */
  callable(completed: ReadonlySet<number>): number[] {
    // ancestorsDone[i]: every ancestor of i is completed; nodes are visited in topological order
    const ancestorsDone: boolean[] = new Array<boolean>(this.numFunctions()).fill(true);
    for (const i of this.topologicalOrder()) {
      ancestorsDone[i] = this.preds[i]!.every((p) => completed.has(p) && ancestorsDone[p]!);
    }
    return [...ancestorsDone.keys()].filter((i) => !completed.has(i) && ancestorsDone[i]);
  }

  private topologicalOrder(): number[] {
    const indegree = this.preds.map((p) => p.length);
    const order: number[] = [];
    const ready = [0];
    while (ready.length > 0) {
      const i = ready.pop()!;
      order.push(i);
      for (const j of this.successorsOf(i)) if (--indegree[j]! === 0) ready.push(j);
    }
    return order;
  }

  /** The DAG of `fn` alone, carrying only its own dependencies (client-driven invocations). */
  singleFunctionDag(fn: string): Dag {
    return new Dag([], [fn], dependenciesOf(this.dependencies, fn));
  }

  /** The `dag` and `dependencies` fields of a LambdaRequest for this DAG. */
  toRequestFields(): Pick<LambdaRequest, 'dag' | 'dependencies'> {
    const dag: DagMessage = {
      successors: this.successors.map((l) => ({ functions: [...l] })),
      names: [...this.functionNames],
    };
    return { dag, dependencies: dependenciesToMessage(this.dependencies) };
  }

  /** The DAG a request carries (its `dag` and `dependencies`); fails as the constructor. */
  static fromRequest(req: Pick<LambdaRequest, 'dag' | 'dependencies'>): Dag {
    const dag = req.dag ?? { successors: [], names: [] };
    return new Dag(
      dag.successors.map((l) => l.functions),
      dag.names,
      dependenciesFromMessage(req.dependencies),
    );
  }

  /**
   * A DAG from the JSON of `--dag-conf type=file`: `{"successors": [[1,2],[3],[3]], "functionNames":
   * [...], "dependencies": {...}}` (`state-sizes` is ignored here). Without `successors` or
   * `functionNames`: `Invalid JSON content for a DAG`; without `dependencies`: `Invalid JSON content for
   * state dependencies` (the original's messages); other problems named.
   */
  static fromJson(text: string): Dag {
    const json = parseJsonObject(text, 'a DAG');
    if (!('successors' in json) || !('functionNames' in json))
      throw new Error('Invalid JSON content for a DAG');
    if (!('dependencies' in json)) throw new Error('Invalid JSON content for state dependencies');
    const successors = json['successors'];
    if (
      !Array.isArray(successors) ||
      !successors.every((l) => Array.isArray(l) && l.every((j) => Number.isInteger(j)))
    ) {
      throw new Error(
        "Invalid JSON content for a DAG: 'successors' is not an array of arrays of node indices",
      );
    }
    const names = json['functionNames'];
    if (!Array.isArray(names) || !names.every((f) => typeof f === 'string')) {
      throw new Error("Invalid JSON content for a DAG: 'functionNames' is not an array of function names");
    }
    return new Dag(successors as number[][], names, dependenciesFromJson(json['dependencies'], 'a DAG'));
  }

  /** The JSON of this DAG (`successors`, `functionNames`, `dependencies`), 2-space indented. */
  toJson(): string {
    return JSON.stringify(
      {
        successors: this.successors,
        functionNames: this.functionNames,
        dependencies: dependenciesToJson(this.dependencies),
      },
      null,
      2,
    );
  }
}
