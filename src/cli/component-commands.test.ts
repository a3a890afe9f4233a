import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTopology } from '../deploy/topology.js';
import { COMPONENT_COMMANDS } from './component-commands.js';

test('the timeseries section: serve options first in start order, its covid mapping apart', () => {
  const t = parseTopology(
    'controller:\n  server-endpoint: 127.0.0.1:6475\n' +
      'timeseries:\n  listen: 127.0.0.1:8041\n  covid:\n    days: 30\n    rate: 1\n',
    COMPONENT_COMMANDS,
    'x.yaml',
  );
  assert.deepEqual(
    t.components.map((c) => [c.role, c.name, c.command.name, c.args]),
    [
      ['timeseries', 'timeseries', 'timeseries', ['--listen', '127.0.0.1:8041']],
      ['controller', 'controller', 'controller', ['--server-endpoint', '127.0.0.1:6475']],
    ],
  );
  assert.deepEqual(t.covid && [t.covid.role, t.covid.name, t.covid.command.name, t.covid.args], [
    'covid',
    'timeseries.covid',
    'covid',
    ['--days', '30', '--rate', '1'],
  ]);
  assert.equal(parseTopology('timeseries:\n  listen: 127.0.0.1:0\n', COMPONENT_COMMANDS).covid, undefined);
});

test('timeseries section errors name the file, the part and the option', () => {
  assert.throws(
    () => parseTopology('timeseries:\n  port: 1\n', COMPONENT_COMMANDS, 'x.yaml'),
    /^Error: x\.yaml: timeseries: unknown option 'port' of 'soe timeseries'$/,
  );
  assert.throws(
    () => parseTopology('timeseries:\n  covid:\n    speed: 1\n', COMPONENT_COMMANDS, 'x.yaml'),
    /^Error: x\.yaml: timeseries\.covid: unknown option 'speed' of 'soe covid'$/,
  );
  assert.throws(
    () => parseTopology('timeseries:\n  covid:\n    endpoint: http://x\n', COMPONENT_COMMANDS, 'x.yaml'),
    /^Error: x\.yaml: timeseries\.covid: option 'endpoint' is set by soe up$/,
  );
  assert.throws(
    () => parseTopology('timeseries: [1]\n', COMPONENT_COMMANDS, 'x.yaml'),
    /^Error: x\.yaml: timeseries: expected a mapping/,
  );
  assert.throws(
    () => parseTopology('covid: {}\n', COMPONENT_COMMANDS, 'x.yaml'),
    /^Error: x\.yaml: covid: unknown section \(valid: timeseries, mec, controller/,
  );
});
