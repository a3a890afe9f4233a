import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadTopology } from '../deploy/topology.js';
import { DEFAULT_TOPOLOGY } from './command-up.js';
import { COMPONENT_COMMANDS } from './component-commands.js';

test("npm start's topology runs the timeseries service on loopback without auth: the GUI needs no sign-in", () => {
  const topology = loadTopology(DEFAULT_TOPOLOGY, COMPONENT_COMMANDS);
  const timeseries = topology.components.find((c) => c.role === 'timeseries');
  assert.ok(timeseries !== undefined, 'the default topology has a timeseries section');
  assert.equal(timeseries.options.listen, '127.0.0.1:8041');
  assert.equal(timeseries.options.auth, 'none');
  assert.deepEqual(timeseries.args, ['--listen', '127.0.0.1:8041', '--auth', 'none']);
});
