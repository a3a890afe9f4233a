import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  EDGE_FIGURES,
  EDGE_RESOURCE_TYPE_NAMES,
  EDGE_RESOURCE_TYPES,
  edgeMetricName,
  edgeResourceId,
  encodeKey,
  parseEdgeMetricName,
} from './contract.js';

describe('edge telemetry contract', () => {
  test('the five resource types, each with the common attributes and its figures', () => {
    assert.deepEqual(EDGE_RESOURCE_TYPE_NAMES, [
      'edge-computer',
      'edge-router',
      'edge-dispatcher',
      'edge-client',
      'edge-controller',
    ]);
    for (const type of EDGE_RESOURCE_TYPE_NAMES) {
      assert.equal(EDGE_RESOURCE_TYPES[type].name, type);
      assert.deepEqual(EDGE_RESOURCE_TYPES[type].attributes.endpoint, { type: 'string', required: true });
      assert.ok('dropped' in EDGE_FIGURES[type]);
    }
  });

  test('metric names: figure and @-joined keys, safe characters kept, the rest percent-encoded', () => {
    assert.equal(edgeMetricName('load1'), 'load1');
    assert.equal(edgeMetricName('ptime', 'clambda0'), 'ptime@clambda0');
    assert.equal(edgeMetricName('weight', 'clambda0', '127.0.0.1:10000'), 'weight@clambda0@127.0.0.1:10000');
    assert.equal(edgeMetricName('weight', 'a/b c@d', '[::1]:10000'), 'weight@a%2Fb%20c%40d@%5B::1%5D:10000');
    assert.equal(encodeKey('città'), 'citt%C3%A0');
    assert.equal(encodeKey('100%'), '100%25');
  });

  test('parseEdgeMetricName reverses edgeMetricName', () => {
    for (const keys of [[], ['clambda0'], ['a/b c@d%', '[::1]:10000'], ['città', '']]) {
      assert.deepEqual(parseEdgeMetricName(edgeMetricName('latency', ...keys)), { figure: 'latency', keys });
    }
  });

  test('resource ids: <type>:<name>, with % and / encoded', () => {
    assert.equal(edgeResourceId('edge-computer', '127.0.0.1:10000'), 'edge-computer:127.0.0.1:10000');
    assert.equal(edgeResourceId('edge-client', 'a/b%c'), 'edge-client:a%2Fb%25c');
  });
});
