import assert from 'node:assert/strict';
import { test } from 'node:test';
import { withRouterDefaults } from './router-defaults.js';

test('soe up gives a router shortest-expected-delay and delay-per-request unless the topology sets either', () => {
  assert.deepEqual(withRouterDefaults(['--server-endpoint', '127.0.0.1:6473']), [
    '--server-endpoint',
    '127.0.0.1:6473',
    '--table-conf',
    'type=shortest-expected-delay',
    '--optimizer-conf',
    'type=delay-per-request',
  ]);
  assert.deepEqual(withRouterDefaults(['--table-conf', 'type=random']), ['--table-conf', 'type=random']);
  assert.deepEqual(withRouterDefaults(['--optimizer-conf', 'type=trivial,period=10,stat=mean']), [
    '--optimizer-conf',
    'type=trivial,period=10,stat=mean',
  ]);
});
