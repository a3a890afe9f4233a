import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTopology } from '../deploy/topology.js';
import { COMPONENT_COMMANDS } from './component-commands.js';

test('a telemetry section: endpoint defaults to the deployment timeseries service, keys become --telemetry conf', () => {
  const t = parseTopology(
    'timeseries:\n  listen: 127.0.0.1:0\ntelemetry:\n  interval: 0.5\n  queue: 100\n',
    COMPONENT_COMMANDS,
  );
  assert.deepEqual(t.telemetry, { conf: 'interval=0.5,queue=100' });
  assert.deepEqual(parseTopology('telemetry:\n  endpoint: http://h:8041\n', COMPONENT_COMMANDS).telemetry, {
    endpoint: 'http://h:8041',
    conf: '',
  });
});

test('a bad telemetry section is refused, naming the file and the option', () => {
  const cases: [string, string][] = [
    [
      'telemetry:\n  interval: 1\n',
      "t.yaml: telemetry: option 'endpoint' is needed without a timeseries section",
    ],
    [
      'telemetry:\n  endpoint: h:8041\n',
      "t.yaml: telemetry: expected an http:// or https:// URL such as http://127.0.0.1:8041 first, got 'h:8041'",
    ],
    [
      'telemetry:\n  endpoint: http://h:1\n  name: x\n',
      "t.yaml: telemetry: unknown option 'name' (valid: endpoint, user, interval, queue, timeout)",
    ],
    [
      'telemetry:\n  endpoint: http://h:1\n  interval: -1\n',
      "t.yaml: telemetry: interval must be a number in ]0, 3600], got '-1'",
    ],
    ['telemetry: 3\n', 't.yaml: telemetry: expected a mapping (endpoint, user, interval, queue, timeout)'],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => parseTopology(text, COMPONENT_COMMANDS, 't.yaml'), { message }, text);
  }
});
