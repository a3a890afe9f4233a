import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { readFunctionsFile } from './generic-api.js';

const dir = mkdtempSync(join(tmpdir(), 'soe-functions-'));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

test('a functions file maps names to URLs, in its order', () => {
  const path = file('ok.json', '{"b": "http://h:1/b", "a": "https://h/a?x=1"}');
  assert.deepEqual(
    [...readFunctionsFile(path)].map(([n, u]) => [n, u.href]),
    [
      ['b', 'http://h:1/b'],
      ['a', 'https://h/a?x=1'],
    ],
  );
});

test('a bad functions file fails naming the file and what is wrong', () => {
  const cases: [string, string][] = [
    ['[]', 'expected an object {"<function name>": "<URL>", …}'],
    ['null', 'expected an object {"<function name>": "<URL>", …}'],
    ['{"f": 1}', "the URL of 'f' is not a string"],
    [
      '{"f": "file:///etc/passwd"}',
      "Invalid URL of 'f' 'file:///etc/passwd': only http and https are supported",
    ],
    ['{"f": "x"}', "Invalid URL of 'f' 'x': not an absolute URL"],
  ];
  for (const [i, [text, why]] of cases.entries()) {
    const path = file(`bad${i}.json`, text);
    assert.throws(() => readFunctionsFile(path), { message: `Invalid functions file '${path}': ${why}` });
  }
  const broken = file('broken.json', '{');
  assert.throws(
    () => readFunctionsFile(broken),
    (err: Error) => err.message.startsWith(`Invalid functions file '${broken}': `),
  );
  const missing = join(dir, 'missing.json');
  assert.throws(() => readFunctionsFile(missing), {
    message: `Invalid functions file '${missing}': ENOENT: no such file or directory, stat '${missing}'`,
  });
});
