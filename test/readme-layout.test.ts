import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Top-level folders that are not part of the layout: tools' and build output. */
const NOT_LAYOUT = /^(\..*|node_modules|dist(-.*)?|test-artifacts)$/;

function folders(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .flatMap((e) => [`${prefix}${e.name}`, ...folders(`${dir}/${e.name}`, `${prefix}${e.name}/`)]);
}

test("the README's layout names every folder of src/ and every top-level folder", () => {
  const layout = readFileSync(`${ROOT}README.md`, 'utf8').split('## Layout')[1]!.split('\n## ')[0]!;
  const rows = new Set(
    [...layout.matchAll(/^\| `([^`]+)`(?:, `([^`]+)`)? \|/gm)].flatMap((m) => [m[1], m[2]]),
  );
  const top = readdirSync(ROOT, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !NOT_LAYOUT.test(e.name))
    .map((e) => `${e.name}/`)
    .filter((name) => name !== 'src/');
  const missing = [...top, ...folders(`${ROOT}src`, 'src/')].filter((f) => !rows.has(f));
  assert.deepEqual(missing, []);
});
