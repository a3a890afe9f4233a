import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { FileTimeseriesStore } from './store-file.js';
import { openStore, storeDrivers } from './store-drivers.js';

test('the built-in drivers register themselves: file, postgres, postgresql', () => {
  assert.deepEqual(storeDrivers.names(), ['file', 'postgres', 'postgresql']);
});

test('a directory and a file:// URL open the embedded store there', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'soe-store-drivers-'));
  try {
    for (const location of [join(dir, 'plain'), `file://${join(dir, 'url')}`]) {
      const store = await openStore(location);
      assert.ok(store instanceof FileTimeseriesStore);
      await store.close();
    }
    assert.deepEqual((await readdir(dir)).sort(), ['plain', 'url']);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('postgres:// and postgresql:// go to the PostgreSQL driver (a refused connection shows it)', async () => {
  for (const scheme of ['postgres', 'postgresql']) {
    await assert.rejects(openStore(`${scheme}://soe@127.0.0.1:1/none`), { code: 'ECONNREFUSED' });
  }
});

test("an unknown scheme, or one named after Object.prototype's keys, names the drivers", async () => {
  for (const location of ['mysql://db', 'toString://x', 'constructor://x']) {
    await assert.rejects(openStore(location), {
      message: `Unknown storage '${location}': use a directory or file://, postgres://, postgresql://`,
    });
  }
});
