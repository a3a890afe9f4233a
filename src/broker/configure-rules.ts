import { endpointProblem } from '../protocol/endpoint-rules.js';
import type { EdgeRouterConf, Return } from '../protocol/messages.js';
import { lambdaNameProblem } from '../protocol/name-rules.js';
import { quoted } from '../protocol/quoted.js';

/** The lambda of an explicit FLUSH: every lambda. */
export const FLUSH_EVERY_LAMBDA = '*';

/** FLUSH as our controller and forwarding-table client send it: the action and lambda `*`, nothing else. */
export const FLUSH_COMMAND: Readonly<Pick<EdgeRouterConf, 'action' | 'lambda'>> = {
  action: 'FLUSH',
  lambda: FLUSH_EVERY_LAMBDA,
};

/** Why a FLUSH may not be applied: it must be {@link FLUSH_COMMAND} exactly. */
function flushProblem(conf: EdgeRouterConf): string | undefined {
  if (conf.lambda === '' && conf.destination === '' && conf.weight === 0 && !conf.final) {
    return "empty Configure refused: a FLUSH must give lambda '*' (every lambda)";
  }
  if (conf.lambda !== FLUSH_EVERY_LAMBDA) {
    return `FLUSH must give lambda '*' (every lambda), not ${quoted(conf.lambda)}`;
  }
  if (conf.destination !== '') return `FLUSH takes no destination, got ${quoted(conf.destination)}`;
  if (conf.weight !== 0) return `FLUSH takes no weight, got ${conf.weight}`;
  if (conf.final) return 'FLUSH takes no final flag';
  return undefined;
}

/**
 * Why a Configure command from the wire must not be applied, or undefined if it may (the reply is then
 * `Error: <problem>`, and nothing changes):
 * - FLUSH must be {@link FLUSH_COMMAND}: protobuf 3 sends no field at its default value and FLUSH is the
 *   action enum's 0, so an empty message (a client that set nothing, a CHANGE or REMOVE that lost its
 *   action) reads as a bare FLUSH, and must not wipe the tables;
 * - CHANGE and REMOVE name a lambda (see {@link lambdaNameProblem}) and a destination `host:port` (see
 *   {@link endpointProblem}; REMOVE's may be empty: every destination; CHANGE's empty one gets the
 *   table's own error);
 * - CHANGE may not route to the broker itself (`isOwn`): its forwarded requests would wait on itself.
 * Unknown actions are left to {@link configure}'s `invalid action` error.
 */
export function configureProblem(
  conf: EdgeRouterConf,
  isOwn: (destination: string) => boolean,
): string | undefined {
  if (conf.action === 'FLUSH') return flushProblem(conf);
  if (conf.action !== 'CHANGE' && conf.action !== 'REMOVE') return undefined;
  const lambda = lambdaNameProblem(conf.lambda);
  if (lambda !== undefined) return `lambda ${lambda}`;
  if (conf.destination === '') return undefined;
  const destination = endpointProblem(conf.destination);
  if (destination !== undefined) return `destination ${destination}`;
  if (conf.action === 'CHANGE' && isOwn(conf.destination)) {
    return `destination ${quoted(conf.destination)} is this broker's own end-point: its requests would loop`;
  }
  return undefined;
}

/**
 * A broker's Configure handler: a command with a {@link configureProblem} is answered `Error: <problem>`
 * and changes nothing; any other goes to `apply`.
 */
export function configureFromWire(
  conf: EdgeRouterConf,
  isOwn: (destination: string) => boolean,
  apply: (conf: EdgeRouterConf) => Return,
): Return {
  const problem = configureProblem(conf, isOwn);
  return problem === undefined ? apply(conf) : { msg: `Error: ${problem}` };
}
