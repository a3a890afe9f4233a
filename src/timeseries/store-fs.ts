/**
 * The few file-system calls of the embedded store (journal, checkpoints, quarantine), behind an object so
 * that tests can make them fail (ENOSPC, EIO) on demand and record their order; {@link nodeStoreFs} is
 * node:fs.
 */
import { mkdir, open, readFile, readdir, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';

/** An open file of the store. */
export interface StoreFileHandle {
  /** Writes bytes at the current position; may write fewer (see {@link writeFully}). */
  write(data: Buffer, offset: number, length: number): Promise<{ bytesWritten: number }>;
  /** fdatasync(2). */
  datasync(): Promise<void>;
  /** fsync(2) (also of a directory opened with flags `r`). */
  sync(): Promise<void>;
  /** ftruncate(2). */
  truncate(length: number): Promise<void>;
  close(): Promise<void>;
}

/** The file-system calls the embedded store makes. */
export interface StoreFs {
  /** Opens a file or, with flags `r`, a directory (to sync it). */
  open(path: string, flags: string): Promise<StoreFileHandle>;
  readFile(path: string): Promise<Buffer>;
  readdir(path: string): Promise<string[]>;
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** Creates a directory and its parents if missing. */
  mkdirs(path: string): Promise<void>;
}

/** The store's file system: node:fs. */
export const nodeStoreFs: StoreFs = {
  open: (path, flags) => open(path, flags),
  readFile: (path) => readFile(path),
  readdir: (path) => readdir(path),
  rename: (from, to) => rename(from, to),
  unlink: (path) => unlink(path),
  mkdirs: async (path) => {
    await mkdir(path, { recursive: true });
  },
};

/** Writes all of `data` (looping over short writes); rejects with the error of the write that failed. */
export async function writeFully(handle: StoreFileHandle, data: Buffer): Promise<void> {
  let done = 0;
  while (done < data.length) {
    const { bytesWritten } = await handle.write(data, done, data.length - done);
    done += bytesWritten;
  }
}

/** fsyncs a directory, so that the names created, renamed or removed in it are durable. */
export async function syncDirectory(fs: StoreFs, dir: string): Promise<void> {
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes files atomically into one directory: for each, a temporary file written, fsync'ed, closed and
 * renamed over the name; then the directory fsync'ed once, so a crash leaves each file old or new and,
 * once this resolves, the new names survive a power loss.
 */
export async function writeFilesAtomic(
  fs: StoreFs,
  dir: string,
  files: readonly (readonly [name: string, data: Buffer])[],
): Promise<void> {
  for (const [name, data] of files) {
    const path = join(dir, name);
    const tmp = `${path}.tmp`;
    const handle = await fs.open(tmp, 'w');
    try {
      await writeFully(handle, data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fs.rename(tmp, path);
  }
  await syncDirectory(fs, dir);
}
