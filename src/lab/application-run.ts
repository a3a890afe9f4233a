import type { LambdaResponse } from '../protocol/messages.js';
import type { LabApplication } from './experiment.js';

/**
 * Runs one request of an application client-driven, as `edgeclient` runs a chain or DAG: calls node 0's
 * function, then, each time a call returns OK, every successor whose predecessors have all returned (in
 * node order, at once: parallel branches run in parallel), until the sink returns. Resolves when every
 * call started has settled: with undefined if all returned OK, else with the first failure (the retcode,
 * or the error's message), after which no further node is called. A single function is the one-node case.
 */
export function runApplication(
  app: LabApplication,
  call: (fn: string, node: number) => Promise<LambdaResponse>,
): Promise<string | undefined> {
  const waiting = app.nodes.map(() => 0);
  for (const list of app.successors) for (const j of list) waiting[j]!++;
  return new Promise((resolve) => {
    let running = 0;
    let failure: string | undefined;
    const start = (i: number): void => {
      running++;
      void call(app.nodes[i]!, i)
        .then(
          (r) => (r.retcode === 'OK' ? undefined : r.retcode),
          (err: Error) => err.message,
        )
        .then((failed) => {
          running--;
          failure ??= failed;
          if (failure === undefined) for (const j of app.successors[i]!) if (--waiting[j]! === 0) start(j);
          if (running === 0) resolve(failure);
        });
    };
    start(0);
  });
}
