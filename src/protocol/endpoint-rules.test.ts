import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpointProblem } from './endpoint-rules.js';

test('host:port end-points of peers: IPv4, bracketed IPv6, host names; ports 1 to 65535', () => {
  for (const ok of [
    '127.0.0.1:6473',
    '0.0.0.0:1',
    '255.255.255.255:65535',
    '[::1]:6473',
    '[fe80::1]:80',
    'localhost:6474',
    'edge-router.example.org:6473',
    'soe_router_1:6473',
    `${'a'.repeat(63)}.b:1`,
  ]) {
    assert.equal(endpointProblem(ok), undefined, ok);
  }
});

test('every problem is named, the value quoted (NUL escaped, long values cut)', () => {
  const cases: [string, string][] = [
    ['', 'is empty'],
    ['6473', 'is not a host:port end-point: "6473"'],
    [':6473', 'is not a host:port end-point: ":6473"'],
    ['999.1.1.1:0', 'has port "0", not in 1..65535: "999.1.1.1:0"'],
    ['999.1.1.1:6473', 'has a host that is not an IPv4 address: "999.1.1.1:6473"'],
    ['1.2.3:6473', 'has a host that is not an IPv4 address: "1.2.3:6473"'],
    ['host:65536', 'has port "65536", not in 1..65535: "host:65536"'],
    ['host:', 'has port "", not in 1..65535: "host:"'],
    ['host:+1', 'has port "+1", not in 1..65535: "host:+1"'],
    ['host:080000', 'has port "080000", not in 1..65535: "host:080000"'],
    ['[::g]:1', 'has a host that is not an IPv6 address: "[::g]:1"'],
    ['::1:6473', 'has a host that is not a host name: "::1:6473"'],
    ['bad host:1', 'has a host that is not a host name: "bad host:1"'],
    ['-lead.example:1', 'has a host that is not a host name: "-lead.example:1"'],
    ['a..b:1', 'has a host that is not a host name: "a..b:1"'],
    ['nul\u0000host:1', 'has a host that is not a host name: "nul\\u0000host:1"'],
    [`${'a'.repeat(64)}:1`, `has a host that is not a host name: "${'a'.repeat(64)}"… (66 characters)`],
  ];
  for (const [endpoint, problem] of cases) assert.equal(endpointProblem(endpoint), problem, endpoint);
  const huge = `${'x.'.repeat(500_000)}x:1`;
  assert.equal(
    endpointProblem(huge),
    `has a host that is longer than 253 characters: "${huge.slice(0, 64)}"… (1000003 characters)`,
  );
});
