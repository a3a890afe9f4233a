/**
 * The bound on the actions one sequence runs, nested sequences included (OpenWhisk's
 * `limits.actions.sequence.maxLength`, 50): checked when a sequence is created or replaced (400, as
 * OpenWhisk), and again while it runs, since a component may have been replaced by a longer sequence since
 * (OpenWhisk's application error). Without it, ten sequences of ten components each nested in the next ran
 * 10^10 actions for one request, and stopping the proxy waited for them.
 */
import { componentPath, fullName, type ActionExec, type ActionPath } from './wsk-action.js';
import { WskHttpError } from './wsk-errors.js';

/** OpenWhisk's default `limits.actions.sequence.maxLength`. */
export const DEFAULT_MAX_SEQUENCE_LENGTH = 50;

/** Most levels of sequences inside a sequence (wskproxy's own bound; OpenWhisk counts only actions). */
export const MAX_SEQUENCE_DEPTH = 10;

/** OpenWhisk's texts (Messages.scala), and wskproxy's for its depth bound. */
export const SEQUENCE_TEXTS = {
  tooLong: 'Too many actions in the sequence.',
  cyclic: 'Sequence may not refer to itself.',
  tooDeep: `sequence nested too deep (more than ${MAX_SEQUENCE_DEPTH} levels)`,
} as const;

/** How many more actions a running sequence may start: one budget per invocation, shared by its parts. */
export class SequenceBudget {
  private used = 0;

  constructor(readonly maxLength: number) {}

  /** Takes one action from the budget; false when the sequence has already run `maxLength`. */
  take(): boolean {
    if (this.used >= this.maxLength) return false;
    this.used += 1;
    return true;
  }
}

/**
 * Fails with OpenWhisk's 400 when the sequence at `path` made of `components` would run more than
 * `maxLength` actions, counting the components that are sequences (`execOf` of their full names) by their
 * own components, or would refer to itself or nest sequences more than {@link MAX_SEQUENCE_DEPTH} levels
 * deep; a malformed component is a 400 naming it. A component this
 * proxy does not know counts as one action. Counting stops past `maxLength`, so it costs O(maxLength ×
 * depth).
 */
export function checkSequenceLength(
  path: ActionPath,
  components: readonly string[],
  execOf: (name: string) => ActionExec | undefined,
  maxLength: number,
): void {
  let count = 0;
  const open = new Set<string>([fullName(path)]);
  const visit = (parts: readonly string[], namespace: string): void => {
    for (const component of parts) {
      const at = componentPath(component, namespace);
      const name = fullName(at);
      if (open.has(name)) throw new WskHttpError(400, SEQUENCE_TEXTS.cyclic);
      const exec = execOf(name);
      if (exec !== undefined && 'components' in exec) {
        if (open.size > MAX_SEQUENCE_DEPTH) throw new WskHttpError(400, SEQUENCE_TEXTS.tooDeep);
        open.add(name);
        visit(exec.components, at.namespace);
        open.delete(name);
      } else if (++count > maxLength) throw new WskHttpError(400, SEQUENCE_TEXTS.tooLong);
    }
  };
  visit(components, path.namespace);
}
