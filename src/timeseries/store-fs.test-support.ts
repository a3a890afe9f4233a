/**
 * TEST SUPPORT ONLY: a {@link StoreFs} over node:fs that records every call (paths relative to a root
 * folder, so that tests assert exact sequences) and fails chosen calls with ENOSPC or EIO on demand, as
 * a full or failing disk does.
 */
import { relative } from 'node:path';
import { nodeStoreFs, type StoreFileHandle, type StoreFs } from './store-fs.js';

/** The calls that can be made to fail. */
export type FsOp = 'open' | 'write' | 'datasync' | 'sync' | 'truncate' | 'rename' | 'unlink';

/** A failure to inject: which call, on which paths (relative to the root), with which error code. */
export interface Fault {
  op: FsOp;
  code: 'ENOSPC' | 'EIO';
  /** Only paths matching (default every path). */
  path?: RegExp;
  /** For `write`: write this many bytes of the data for real before failing (a torn write). */
  partialBytes?: number;
}

const MESSAGES = { ENOSPC: 'no space left on device', EIO: 'i/o error' } as const;

/** node:fs with a call log and injectable failures. */
export class FaultyFs implements StoreFs {
  /** `<op> <path>` (open: and flags) of every call made, in order. */
  readonly calls: string[] = [];
  private faults: Fault[] = [];
  /** Called before each call is made (after it is logged). */
  before: ((op: string, path: string) => void) | undefined;

  constructor(readonly root: string) {}

  /** Makes every matching call fail until {@link heal}. */
  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Removes every injected failure (space is back, the disk is fine). */
  heal(): void {
    this.faults = [];
  }

  private name(path: string): string {
    return relative(this.root, path) || '.';
  }

  /** Logs a call and throws the injected error if one matches; returns the fault (for partial writes). */
  private enter(
    op: FsOp | 'close' | 'readFile' | 'readdir' | 'mkdirs',
    path: string,
    extra = '',
  ): Fault | undefined {
    const name = this.name(path);
    this.calls.push(`${op} ${name}${extra}`);
    this.before?.(op, name);
    const fault = this.faults.find((f) => f.op === op && (f.path === undefined || f.path.test(name)));
    if (fault !== undefined && fault.partialBytes === undefined) throw this.error(fault, op, name);
    return fault;
  }

  private error(fault: Fault, op: string, name: string): NodeJS.ErrnoException {
    return Object.assign(new Error(`${fault.code}: ${MESSAGES[fault.code]}, ${op} '${name}'`), {
      code: fault.code,
      syscall: op,
    });
  }

  async open(path: string, flags: string): Promise<StoreFileHandle> {
    this.enter('open', path, ` ${flags}`);
    const inner = await nodeStoreFs.open(path, flags);
    const name = this.name(path);
    return {
      write: async (data, offset, length) => {
        const fault = this.enter('write', path);
        if (fault?.partialBytes !== undefined) {
          await inner.write(data, offset, Math.min(length, fault.partialBytes));
          throw this.error(fault, 'write', name);
        }
        return inner.write(data, offset, length);
      },
      datasync: async () => {
        this.enter('datasync', path);
        await inner.datasync();
      },
      sync: async () => {
        this.enter('sync', path);
        await inner.sync();
      },
      truncate: async (length) => {
        this.enter('truncate', path, ` ${length}`);
        await inner.truncate(length);
      },
      close: async () => {
        this.calls.push(`close ${name}`);
        await inner.close();
      },
    };
  }

  async readFile(path: string): Promise<Buffer> {
    this.enter('readFile', path);
    return nodeStoreFs.readFile(path);
  }

  async readdir(path: string): Promise<string[]> {
    this.enter('readdir', path);
    return nodeStoreFs.readdir(path);
  }

  async rename(from: string, to: string): Promise<void> {
    this.enter('rename', from, ` ${this.name(to)}`);
    await nodeStoreFs.rename(from, to);
  }

  async unlink(path: string): Promise<void> {
    this.enter('unlink', path);
    await nodeStoreFs.unlink(path);
  }

  async mkdirs(path: string): Promise<void> {
    this.enter('mkdirs', path);
    await nodeStoreFs.mkdirs(path);
  }
}
