import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { loadFunctionFolder } from './function-folder.js';
import { DEFAULT_JS_CONF, parseJsConf } from './js-conf.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-js-conf-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('--js-conf: defaults, overrides, and errors naming the key', () => {
  assert.deepEqual(parseJsConf(DEFAULT_JS_CONF), {
    timeoutMs: 60_000,
    memoryMb: 256,
    containers: 4,
    prewarm: 1,
    idleMs: 600_000,
    outputLimit: 1_048_576,
    logLimit: 65_536,
    queue: 1000,
  });
  assert.equal(parseJsConf('timeout=500,containers=2').timeoutMs, 500);
  assert.throws(() => parseJsConf('cpu=2'), {
    message:
      'Invalid --js-conf key: cpu (known: timeout, memory, containers, prewarm, idle, output-limit, log-limit, queue)',
  });
  assert.throws(() => parseJsConf('memory=32'), {
    message: 'Invalid --js-conf value for memory: 32 (an integer >= 64)',
  });
  assert.throws(() => parseJsConf('containers=0'), {
    message: 'Invalid --js-conf value for containers: 0 (an integer >= 1)',
  });
  assert.throws(() => parseJsConf('timeout=1.5'), {
    message: 'Invalid --js-conf value for timeout: 1.5 (an integer >= 1)',
  });
});

test('a functions folder: NAME.js with NAME.json, sorted; a bad NAME.json names the file and the field', () => {
  writeFileSync(join(dir, 'b.js'), 'function main() { return {}; }');
  writeFileSync(join(dir, 'a.js'), 'exports.go = () => ({});');
  writeFileSync(join(dir, 'a.json'), '{"main": "go", "limits": {"timeout": 100}, "containers": 1}');
  writeFileSync(join(dir, 'notes.txt'), 'ignored');
  const conf = parseJsConf('');
  const fns = loadFunctionFolder(dir, conf);
  assert.deepEqual(
    fns.map((f) => [f.name, f.main, f.timeoutMs, f.memoryMb, f.containers]),
    [
      ['a', 'go', 100, 256, 1],
      ['b', 'main', 60_000, 256, 4],
    ],
  );
  writeFileSync(join(dir, 'b.json'), '{"limits": {"memory": "lots"}}');
  assert.throws(() => loadFunctionFolder(dir, conf), {
    message: `${join(dir, 'b.json')}: limits.memory: expected an integer >= 64, found "lots"`,
  });
  writeFileSync(join(dir, 'b.json'), '{"limit": {}}');
  assert.throws(() => loadFunctionFolder(dir, conf), {
    message: `${join(dir, 'b.json')}: unknown key limit (known: limits, parameters, main, annotations, containers)`,
  });
  assert.throws(
    () => loadFunctionFolder(join(dir, 'none'), conf),
    /^Error: cannot read the functions folder/,
  );
});
