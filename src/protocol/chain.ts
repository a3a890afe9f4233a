import { parseJsonObject } from './json-object.js';
import type { LambdaRequest } from './messages.js';
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
 * A function chain (spec §11.1): functions invoked in order, repetitions allowed, plus the state
 * dependencies. Construction validates; a Chain is immutable.
 */
export class Chain {
  readonly functions: readonly string[];
  readonly dependencies: Readonly<Dependencies>;

  /**
   * Fails with `could not find the following function that state '<s>' depends on: <f>` if a state
   * depends on a function not in the chain, `Invalid empty chain` without functions, or `Too many
   * functions in a chain: <n> > 1024`.
   */
  constructor(functions: readonly string[], dependencies: Dependencies) {
    if (functions.length === 0) throw new Error('Invalid empty chain');
    if (functions.length > MAX_COMPOSITION_SIZE) {
      throw new Error(`Too many functions in a chain: ${functions.length} > ${MAX_COMPOSITION_SIZE}`);
    }
    checkDependencies(dependencies, functions);
    this.functions = [...functions];
    this.dependencies = dependencies;
  }

  /** The functions joined by `-`, e.g. `f1-f2-f1`. */
  name(): string {
    return this.functions.join('-');
  }

  /** The first function. */
  entryFunctionName(): string {
    return this.functions[0]!;
  }

  /** The states that `fn` depends on. */
  statesOf(fn: string): string[] {
    return statesOf(this.dependencies, fn);
  }

  /** The chain of `fn` alone, carrying only its own dependencies (client-driven invocations). */
  singleFunctionChain(fn: string): Chain {
    return new Chain([fn], dependenciesOf(this.dependencies, fn));
  }

  /** The `chain` and `dependencies` fields of a LambdaRequest for this chain. */
  toRequestFields(): Pick<LambdaRequest, 'chain' | 'dependencies'> {
    return { chain: [...this.functions], dependencies: dependenciesToMessage(this.dependencies) };
  }

  /** The chain a request carries (its `chain` and `dependencies`); fails as the constructor. */
  static fromRequest(req: Pick<LambdaRequest, 'chain' | 'dependencies'>): Chain {
    return new Chain(req.chain, dependenciesFromMessage(req.dependencies));
  }

  /**
   * A chain from the JSON of `--chain-conf type=file`: `{"functions": [...], "dependencies": {...}}`
   * (other members, like `state-sizes`, are ignored here). Fails naming what is wrong.
   */
  static fromJson(text: string): Chain {
    const json = parseJsonObject(text, 'a chain');
    const functions = json['functions'];
    if (!Array.isArray(functions) || !functions.every((f) => typeof f === 'string')) {
      throw new Error("Invalid JSON content for a chain: 'functions' is not an array of function names");
    }
    return new Chain(functions, dependenciesFromJson(json['dependencies'], 'a chain'));
  }

  /** The JSON of this chain (`functions`, `dependencies`; free states as null), 2-space indented. */
  toJson(): string {
    return JSON.stringify(
      { functions: this.functions, dependencies: dependenciesToJson(this.dependencies) },
      null,
      2,
    );
  }
}
