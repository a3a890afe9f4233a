import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EdgeRouterConf } from '../protocol/messages.js';
import { configureFromWire, configureProblem, FLUSH_COMMAND } from './configure-rules.js';

/** A command as it decodes: every field absent from the wire at its default. */
function conf(fields: Partial<EdgeRouterConf>): EdgeRouterConf {
  return { action: 'FLUSH', lambda: '', destination: '', weight: 0, final: false, ...fields };
}

const own = (destination: string): boolean => destination === 'me:6473';

test('FLUSH must be explicit: lambda * and nothing else', () => {
  assert.equal(configureProblem(conf(FLUSH_COMMAND), own), undefined);
  const cases: [Partial<EdgeRouterConf>, string][] = [
    [{}, "empty Configure refused: a FLUSH must give lambda '*' (every lambda)"],
    // A REMOVE or CHANGE whose action was lost on the way reads as FLUSH: it must not wipe the tables.
    [{ lambda: 'f', destination: 'a:1' }, `FLUSH must give lambda '*' (every lambda), not "f"`],
    [{ destination: 'a:1', weight: 1, final: true }, `FLUSH must give lambda '*' (every lambda), not ""`],
    [{ lambda: '*', destination: 'a:1' }, 'FLUSH takes no destination, got "a:1"'],
    [{ lambda: '*', weight: 2 }, 'FLUSH takes no weight, got 2'],
    [{ lambda: '*', final: true }, 'FLUSH takes no final flag'],
  ];
  for (const [fields, problem] of cases) assert.equal(configureProblem(conf(fields), own), problem);
});

test('CHANGE and REMOVE: a valid lambda and destination, never the broker itself', () => {
  const change = (fields: Partial<EdgeRouterConf>): EdgeRouterConf =>
    conf({ action: 'CHANGE', lambda: 'f', destination: 'a:1', weight: 1, ...fields });
  assert.equal(configureProblem(change({}), own), undefined);
  assert.equal(configureProblem(change({ destination: '' }), own), undefined, "the table's own error");
  assert.equal(configureProblem(conf({ action: 'REMOVE', lambda: 'f' }), own), undefined);
  assert.equal(
    configureProblem(conf({ action: 'REMOVE', lambda: 'f', destination: 'me:6473' }), own),
    undefined,
  );
  const cases: [EdgeRouterConf, string][] = [
    [change({ lambda: '' }), 'lambda is empty'],
    [change({ lambda: 'f\u0000' }), 'lambda has a control character: "f\\u0000"'],
    [
      change({ lambda: 'x'.repeat(1 << 20) }),
      `lambda is longer than 256 characters: "${'x'.repeat(64)}"… (1048576 characters)`,
    ],
    [change({ destination: '999.1.1.1:0' }), 'destination has port "0", not in 1..65535: "999.1.1.1:0"'],
    [
      change({ destination: '999.1.1.1:1' }),
      'destination has a host that is not an IPv4 address: "999.1.1.1:1"',
    ],
    [
      conf({ action: 'REMOVE', lambda: 'f', destination: 'a b:1' }),
      'destination has a host that is not a host name: "a b:1"',
    ],
    [
      change({ destination: 'me:6473' }),
      `destination "me:6473" is this broker's own end-point: its requests would loop`,
    ],
  ];
  for (const [c, problem] of cases) assert.equal(configureProblem(c, own), problem);
  assert.equal(configureProblem(conf({ action: '7' as EdgeRouterConf['action'] }), own), undefined);
});

test('configureFromWire answers Error: <problem> without applying, else applies', () => {
  const applied: EdgeRouterConf[] = [];
  const apply = (c: EdgeRouterConf) => {
    applied.push(c);
    return { msg: 'OK' };
  };
  assert.deepEqual(configureFromWire(conf({}), own, apply), {
    msg: "Error: empty Configure refused: a FLUSH must give lambda '*' (every lambda)",
  });
  assert.deepEqual(applied, []);
  assert.deepEqual(configureFromWire(conf(FLUSH_COMMAND), own, apply), { msg: 'OK' });
  assert.deepEqual(applied, [conf(FLUSH_COMMAND)]);
});
