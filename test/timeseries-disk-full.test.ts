/**
 * Issue 13, findings 2 and 3 on a real full disk: the embedded store's data directory on a small tmpfs
 * (mounted here, as root; skipped with a message where mounting is not permitted), filled up by another
 * file. A write the disk refuses is a 507 and is not applied, a checkpoint that fails forgets nothing,
 * and once space returns the next write succeeds without a restart; a restart (clean, or from the files
 * as a kill -9 leaves them) has every acknowledged measure and none of the refused ones. The same paths
 * are tested with injected ENOSPC/EIO in src/timeseries/store-file-faults.test.ts (always run).
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, openSync, closeSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { promisify } from 'node:util';
import { startTimeseriesServer } from '../src/timeseries/api/serve.js';
import { FileTimeseriesStore } from '../src/timeseries/store-file.js';

const run = promisify(execFile);
const mountPoint = mkdtempSync(join(tmpdir(), 'soe-ts-disk-full-'));

/** Mounts a 4 MiB tmpfs on the mount point; the reason it cannot, or false. */
async function mountSmallDisk(): Promise<string | false> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    return 'mounting a small tmpfs needs root on Linux: the injected-failure tests cover the same paths';
  }
  try {
    await run('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'soe-ts-disk-full', mountPoint]);
    return false;
  } catch (err) {
    return `mount -t tmpfs is not permitted here (${(err as Error).message.trim()}): the injected-failure tests cover the same paths`;
  }
}
const SKIP = await mountSmallDisk();
after(async () => {
  if (SKIP === false) await run('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Fills the disk with a file (64 KiB writes, then single bytes, until ENOSPC); returns its path. */
function fill(dir: string): string {
  const path = join(dir, 'filler');
  const fd = openSync(path, 'w');
  try {
    for (const size of [64 * 1024, 1]) {
      const chunk = Buffer.alloc(size, 1);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
          break;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
  return path;
}

const T0 = Date.UTC(2024, 0, 1) / 1000;
const json = {
  'content-type': 'application/json',
  accept: 'application/json',
  authorization: `Basic ${Buffer.from('admin:').toString('base64')}`,
};

/** 1,000 measures (16 KB in the journal: more than what is left of a page) at minute `from` on. */
function batch(from: number): string {
  return JSON.stringify(
    Array.from({ length: 1000 }, (_, i) => ({ timestamp: T0 + (from + i) * 60, value: 1 })),
  );
}

test(
  'on a full disk a write is a 507 and not applied; a failed checkpoint forgets nothing; space back, the next write succeeds',
  { skip: SKIP },
  async () => {
    const dataDir = join(mountPoint, 'data');
    const open = async (dir: string): Promise<FileTimeseriesStore> => {
      const s = new FileTimeseriesStore({ dataDir: dir, checkpointPeriod: 3600 });
      await s.open();
      return s;
    };
    const store = await open(dataDir);
    const server = await startTimeseriesServer({ listen: '127.0.0.1:0', store, auth: 'basic' });
    const post = (path: string, body: string) =>
      fetch(`${server.url}${path}`, { method: 'POST', headers: json, body });
    const count = async (s: FileTimeseriesStore, id: string): Promise<number> =>
      (await s.getMeasures(id, { aggregation: 'count', granularity: 60 })).length;
    let closed = false;
    try {
      const created = await post('/v1/metric', JSON.stringify({ archive_policy_name: 'medium' }));
      assert.equal(created.status, 201);
      const { id } = (await created.json()) as { id: string };
      assert.equal((await post(`/v1/metric/${id}/measures`, batch(0))).status, 202);
      const filler = fill(mountPoint);
      const refused = await post(`/v1/metric/${id}/measures`, batch(1000));
      assert.deepEqual(
        [refused.status, await refused.json()],
        [
          507,
          {
            code: 507,
            title: 'Insufficient Storage',
            description: {
              cause: 'Insufficient storage',
              reason:
                'The change could not be written to the journal, nothing of it was applied: ' +
                'ENOSPC: no space left on device, write',
              detail: 'ENOSPC',
            },
          },
        ],
      );
      assert.equal(await count(store, id), 1000, 'the refused batch is not applied');
      await assert.rejects(store.checkpoint(), { code: 'ENOSPC' });
      const status = await fetch(`${server.url}/v1/status?details=false`, { headers: json });
      const { journal } = (await status.json()) as { journal: Record<string, unknown> };
      assert.deepEqual(
        [journal.write_failures, journal.last_write_error, journal.checkpoint_failures],
        [1, 'ENOSPC: no space left on device, write', 1],
      );
      unlinkSync(filler);
      assert.equal((await post(`/v1/metric/${id}/measures`, batch(2000))).status, 202, 'no restart needed');
      await store.checkpoint();
      assert.equal((await post(`/v1/metric/${id}/measures`, batch(3000))).status, 202);
      assert.equal(await count(store, id), 3000);
      // The files as a kill -9 would leave them now.
      const killedDir = mkdtempSync(join(tmpdir(), 'soe-ts-disk-full-killed-'));
      cpSync(dataDir, killedDir, { recursive: true });
      const killed = await open(killedDir);
      const points = await killed.getMeasures(id, { aggregation: 'count', granularity: 60 });
      assert.equal(points.length, 3000, 'after kill -9');
      assert.ok(
        points.every(([t]) => t < T0 + 1000 * 60 || t >= T0 + 2000 * 60),
        'nothing of the refused batch',
      );
      await killed.close();
      rmSync(killedDir, { recursive: true, force: true });
      await server.close();
      await store.close();
      closed = true;
      const restarted = await open(dataDir);
      assert.equal(await count(restarted, id), 3000, 'after a clean restart');
      await restarted.close();
    } finally {
      if (!closed) {
        await server.close();
        await store.close();
      }
    }
  },
);
