import assert from 'node:assert/strict';
import { test } from 'node:test';
import { lambdaRequest } from '../../protocol/requests.js';
import { errorResponse } from '../../protocol/responses.js';
import { DestinationLoads } from '../policies/index.js';
import { DEFAULT_ROUTER_CONF, parseRouterConf } from '../router-conf.js';
import { EdgeRouter } from './edge-router.js';
import { ForwardingTable } from './forwarding-table.js';

test("a table's lambdas share the in-flight counts; removing a lambda or flushing takes its requests off", () => {
  const loads = new DestinationLoads();
  const table = new ForwardingTable('type=shortest-expected-delay', { loads });
  for (const lambda of ['f', 'g']) for (const d of ['a', 'b']) table.change(lambda, d, 1, true);
  assert.equal(table.select('f'), 'a');
  assert.equal(table.select('g'), 'b');
  assert.deepEqual([table.inFlight('f', 'a'), table.inFlight('g', 'a'), loads.inFlight('a')], [1, 0, 1]);
  table.remove('f');
  assert.equal(loads.inFlight('a'), 0);
  table.finished('f', 'a');
  assert.equal(table.select('g'), 'a');
  table.flush();
  assert.equal(loads.size, 0);
});

test("an e-router's policies and delay-per-request count every lambda's requests of both tables", () => {
  const router = new EdgeRouter({
    tableConf: 'type=shortest-expected-delay',
    optimizerConf: 'type=delay-per-request,window-size=1',
    router: parseRouterConf(DEFAULT_ROUTER_CONF),
  });
  try {
    for (const lambda of ['f', 'g']) {
      const reply = router.configure({ action: 'CHANGE', lambda, destination: 'a', weight: 1, final: true });
      assert.equal(reply.msg, 'OK');
    }
    const f = lambdaRequest({ name: 'f' });
    const g = lambdaRequest({ name: 'g', forward: true });
    assert.equal(router.policyFor(f).choose(f), 'a');
    assert.equal(router.policyFor(g).choose(g), 'a');
    // f left with 1 in flight at a and replies with 2 (g's, from table #1): concurrency 1.5.
    router.policyFor(f).learn(f, 'a', errorResponse('OK', 1), 0.4);
    router.policyFor(f).settled?.(f, 'a');
    assert.equal(router.tables[0].weight('f', 'a'), Math.fround(0.4 / 1.5));
    // g left with 2 and replies with 1 (itself): concurrency 1.5 too.
    router.policyFor(g).learn(g, 'a', errorResponse('OK', 1), 0.3);
    router.policyFor(g).settled?.(g, 'a');
    assert.equal(router.tables[1].weight('g', 'a'), Math.fround(0.3 / 1.5));
    assert.deepEqual([router.tables[0].inFlight('f', 'a'), router.tables[1].inFlight('g', 'a')], [0, 0]);
  } finally {
    router.close();
  }
});
