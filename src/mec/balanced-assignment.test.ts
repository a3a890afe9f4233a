import assert from 'node:assert/strict';
import { test } from 'node:test';
import { balancedAssignment, type ActiveContext } from './balanced-assignment.js';

/** How many assignments each computer got. */
function perComputer(assignments: { computer: string }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const a of assignments) counts[a.computer] = (counts[a.computer] ?? 0) + 1;
  return counts;
}

test('TestEdgeControllerEtsiBalanced.test_table: one computer, then two (3/2), then a third lambda', () => {
  assert.deepEqual(balancedAssignment([], new Map()), { assignments: [], unserved: [] });
  const contexts: ActiveContext[] = [{ address: 'client0', appName: 'lambda0' }];
  const computers = new Map([['lambda0', ['comp0']]]);
  assert.deepEqual(balancedAssignment(contexts, computers).assignments, [
    { client: 'client0', lambda: 'lambda0', computer: 'comp0' },
  ]);

  for (let i = 1; i < 5; i++) contexts.push({ address: `client${i}`, appName: 'lambda0' });
  let out = balancedAssignment(contexts, computers).assignments;
  assert.deepEqual(
    out,
    [0, 1, 2, 3, 4].map((i) => ({ client: `client${i}`, lambda: 'lambda0', computer: 'comp0' })),
  );

  // A client of a lambda nobody serves is left out.
  contexts.push({ address: 'client5', appName: 'lambda1' });
  const withUnserved = balancedAssignment(contexts, computers);
  assert.deepEqual(withUnserved.assignments, out);
  assert.deepEqual(withUnserved.unserved, ['lambda1']);

  // 5 clients on 2 computers: 3/2.
  computers.set('lambda0', ['comp0', 'comp1']);
  out = balancedAssignment(contexts, computers).assignments;
  assert.deepEqual(
    out.map((a) => a.client),
    ['client0', 'client1', 'client2', 'client3', 'client4'],
  );
  assert.deepEqual(perComputer(out), { comp0: 3, comp1: 2 });

  computers.set('lambda1', ['comp2']);
  out = balancedAssignment(contexts, computers).assignments;
  assert.deepEqual(
    out.map((a) => [a.client, a.lambda]),
    [0, 1, 2, 3, 4, 5].map((i) => [`client${i}`, i < 5 ? 'lambda0' : 'lambda1']),
  );
  const counts = perComputer(out);
  assert.equal(counts.comp0! + counts.comp1!, 5);
  assert.equal(counts.comp2, 1);
});

test('TestEdgeControllerEtsiBalanced.test_table: 100 clients × 3 lambdas on 3 computers → 100 each', () => {
  const computers = new Map([
    ['lambda0', ['comp0', 'comp1']],
    ['lambda1', ['comp0', 'comp1']],
    ['lambda2', ['comp0', 'comp1', 'comp2']],
  ]);
  const contexts: ActiveContext[] = [];
  for (let i = 0; i < 100; i++)
    for (let j = 0; j < 3; j++) contexts.push({ address: `client${i}`, appName: `lambda${j}` });
  const out = balancedAssignment(contexts, computers).assignments;
  assert.equal(out.length, 300);
  const byClient: Record<string, number> = {};
  const byLambda: Record<string, number> = {};
  for (const a of out) {
    byClient[a.client] = (byClient[a.client] ?? 0) + 1;
    byLambda[a.lambda] = (byLambda[a.lambda] ?? 0) + 1;
  }
  assert.ok(Object.values(byClient).every((n) => n === 3));
  assert.deepEqual(byLambda, { lambda0: 100, lambda1: 100, lambda2: 100 });
  assert.deepEqual(perComputer(out), { comp0: 100, comp1: 100, comp2: 100 });
});

test('groups of one address count together and go to the least loaded computer first', () => {
  const contexts: ActiveContext[] = [
    { address: 'a', appName: 'l' },
    { address: 'b', appName: 'l' },
    { address: 'b', appName: 'l' },
    { address: 'c', appName: 'l' },
  ];
  assert.deepEqual(balancedAssignment(contexts, new Map([['l', ['x', 'y']]])).assignments, [
    { client: 'b', lambda: 'l', computer: 'x' },
    { client: 'a', lambda: 'l', computer: 'y' },
    { client: 'c', lambda: 'l', computer: 'y' },
  ]);
});
