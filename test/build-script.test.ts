import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

/** The repository's build script (plain JavaScript, run by npm ci, npm start and npm test). */
const SCRIPT = new URL('../../scripts/build.js', import.meta.url).href;
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the test uses of scripts/build.js. */
interface BuildScript {
  build(options: { root: string; clean?: boolean; say: (line: string) => void }): Promise<number>;
  webInputs(root: string): string[];
  webFingerprint(root: string): string;
}

let script: BuildScript;
let root: string;

/** Runs the build on the test project; resolves to its status and its progress lines, timings blanked. */
async function build(clean = false): Promise<{ status: number; lines: string[] }> {
  const lines: string[] = [];
  const status = await script.build({ root, clean, say: (l) => lines.push(l.replace(/\d+\.\d s/, 'T s')) });
  return { status, lines };
}

function write(file: string, text: string): void {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), text);
}

before(async () => {
  script = (await import(SCRIPT)) as BuildScript;
  root = mkdtempSync(join(tmpdir(), 'soe-build-'));
  // A small project built like this one: the repository's tsconfig.build.json over a tsconfig.json.
  copyFileSync(join(ROOT, 'tsconfig.build.json'), join(root, 'tsconfig.build.json'));
  write(
    'tsconfig.json',
    JSON.stringify({
      compilerOptions: {
        target: 'ES2022',
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        rootDir: '.',
        outDir: 'dist',
        strict: true,
        sourceMap: true,
        skipLibCheck: true,
        types: [],
      },
      include: ['src', 'test', 'bench'],
    }),
  );
  write('src/a.ts', "export const a = 'a';\n");
  write('src/b.ts', "import { a } from './a.js';\nexport const b = a + 'b';\n");
});
after(() => rmSync(root, { recursive: true, force: true }));

test('the build compiles everything at first, then only what changed, then nothing', async () => {
  assert.deepEqual(await build(), {
    status: 0,
    lines: ['building dist/ (TypeScript, everything)...', 'dist/: 2 files compiled (T s)'],
  });
  assert.ok(existsSync(join(root, 'dist/src/b.js')));
  assert.deepEqual((await build()).lines, [
    'building dist/ (TypeScript, incremental)...',
    'dist/: up to date (T s)',
  ]);
  write('src/b.ts', "import { a } from './a.js';\nexport const b = a + 'B';\n");
  assert.deepEqual((await build()).lines, [
    'building dist/ (TypeScript, incremental)...',
    'dist/: 1 file compiled (T s)',
  ]);
});

test('outputs whose source is gone are removed; a missing output makes the build compile everything', async () => {
  write('src/c.ts', 'export const c = 3;\n');
  await build();
  rmSync(join(root, 'src/c.ts'));
  assert.deepEqual((await build()).lines, [
    'building dist/ (TypeScript, incremental)...',
    'dist/: up to date, 2 stale outputs removed (T s)',
  ]);
  assert.equal(existsSync(join(root, 'dist/src/c.js')), false);
  rmSync(join(root, 'dist/src/a.js'));
  assert.deepEqual((await build()).lines, [
    'building dist/ (TypeScript, everything: dist/ misses outputs)...',
    'dist/: 2 files compiled (T s)',
  ]);
  assert.ok(existsSync(join(root, 'dist/src/a.js')));
});

test('--clean removes dist/ first and compiles everything', async () => {
  write('dist/leftover.txt', 'x');
  assert.deepEqual((await build(true)).lines, [
    'removing dist/',
    'building dist/ (TypeScript, everything)...',
    'dist/: 2 files compiled (T s)',
  ]);
  assert.equal(existsSync(join(root, 'dist/leftover.txt')), false);
});

test('a type error fails the build with the compiler status', async () => {
  write('src/bad.ts', 'export const n: number = "text";\n');
  try {
    const { status, lines } = await build();
    assert.notEqual(status, 0);
    assert.equal(lines.at(-1), `TypeScript failed (status ${status})`);
  } finally {
    rmSync(join(root, 'src/bad.ts'));
  }
});

test("the web GUI's inputs: web/, the files of src/ it imports (transitively), vite.config.ts, package-lock.json", () => {
  write('web/index.html', '<script type="module" src="./src/main.ts"></script>\n');
  write('web/src/main.ts', "import { shared } from '../../src/shared.js';\nimport './style.css';\n");
  write('web/src/style.css', 'body {}\n');
  write('src/shared.ts', "export { a as shared } from './a.js';\n");
  write('vite.config.ts', 'export default {};\n');
  assert.deepEqual(script.webInputs(root), [
    'src/a.ts',
    'src/shared.ts',
    'vite.config.ts',
    'web/index.html',
    'web/src/main.ts',
    'web/src/style.css',
  ]);
  const before = script.webFingerprint(root);
  assert.equal(script.webFingerprint(root), before, 'the same inputs give the same fingerprint');
  write('src/a.ts', "export const a = 'A';\n");
  assert.notEqual(script.webFingerprint(root), before, 'a file imported from src/ changes it');
  rmSync(join(root, 'web'), { recursive: true });
  rmSync(join(root, 'vite.config.ts'));
});
